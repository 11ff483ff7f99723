/**
 * Which heads carry the attention adjustment: a heat map of each head's mean share of ‖a_t‖² over the
 * corpus (rows: heads, then c_proj's bias in a row of its own below a rule; columns: layers). Shares
 * can be negative, so the colours diverge from white at 0; every column sums to 1.
 */
import type { HeadShares } from '../frames/corpus-head-shares';
import { Figure, ModelLabel, labelled } from './figure';

/** ColorBrewer's RdBu ends with white in the middle: negative shares blue, positive red. */
const DIVERGING = [
  [0, '#2166ac'],
  [0.5, '#ffffff'],
  [1, '#b2182b'],
];

export interface HeadSharesFigureOptions {
  title?: string;
  /** Print each cell's value when the map has at most this many cells (default 400). */
  maxLabelledCells?: number;
}

export function headSharesFigure(shares: HeadShares, label: ModelLabel, options: HeadSharesFigureOptions = {}): Figure {
  const { layers, heads, share, bias, tokens } = shares;
  if (layers.length === 0 || heads === 0) throw new Error('headSharesFigure: no layers or heads; pass HeadShareAccumulator.means() after the run has fed it');
  share.forEach((row, i) => {
    if (row.length !== heads) throw new Error(`headSharesFigure: layer ${layers[i]} has ${row.length} head shares for ${heads} heads`);
  });
  const rowNames = [...Array.from({ length: heads }, (_, h) => `head ${h}`), 'bias b_O'];
  // z[row][column]: heads, then the bias, by layer.
  const z = [...Array.from({ length: heads }, (_, h) => share.map((row) => row[h])), bias];
  const extreme = Math.max(...z.flat().map(Math.abs));
  const labelled_ = z.length * layers.length <= (options.maxLabelledCells ?? 400);
  const data = [
    {
      type: 'heatmap',
      x: layers,
      y: rowNames,
      z,
      zmin: -extreme,
      zmax: extreme,
      zmid: 0,
      colorscale: DIVERGING,
      colorbar: { title: { text: 'mean share of ‖a_t‖²' } },
      customdata: z.map(() => tokens),
      hovertemplate: 'layer %{x}, %{y}: %{z:.4f} of ‖a_t‖² (mean over %{customdata} tokens)<extra></extra>',
      ...(labelled_ ? { texttemplate: '%{z:.2f}', textfont: { size: 10 } } : {}),
    },
  ];
  const layout = {
    height: Math.max(360, 60 + 26 * rowNames.length),
    xaxis: { title: { text: 'layer' }, dtick: layers.length > 24 ? 4 : 1, type: 'linear' },
    yaxis: { autorange: 'reversed', type: 'category' },
    // A rule between the heads and the bias row (category h sits at h on the axis).
    shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: heads - 0.5, y1: heads - 0.5, line: { color: '#222', width: 2 } }],
  };
  const title = options.title ?? 'Corpus: each head\'s share of the attention adjustment\'s squared norm, by layer';
  return { data, layout: labelled(layout, title, label) };
}
