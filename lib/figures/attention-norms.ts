/**
 * Figure 1 of part 4: how large each token's attention adjustment is, layer by layer.
 *
 *   left:  per layer, the log L2 norms of tokens 1..T−1 as a jittered strip (x = layer + normal noise,
 *          sd 0.08, seeded so the picture is the same every run), coloured along plasma by layer;
 *   right: beside it, on the same log-norm axis, each layer's histogram with Freedman–Diaconis bins,
 *          drawn as a line with square markers; with more than 12 layers (gpt2-medium and up), where
 *          that many lines would be a tangle and their legend would scroll, a heat map instead: one
 *          column per layer, one row per bin of a grid shared by all layers (the median of the layers'
 *          Freedman–Diaconis widths), coloured by the count.
 *
 * Token 0 is left out: its adjustment is an outlier in every layer of the trained model and would
 * squash the rest. Hovering a point shows its token and position.
 */
import type { AttentionNorms } from '../model/index';
import { histogram, histogramBinEdges } from '../stats/histogram';
import { normal } from '../stats/random';
import { Figure, ModelLabel, Trace, labelled } from './figure';
import { layerColor } from './plasma';
import { quotedToken } from './tables';

export interface AttentionNormsFigureOptions {
  /** Seed of the jitter. */
  seed?: number;
  /** Standard deviation of the horizontal jitter, in layers. */
  jitterSd?: number;
  /** First position drawn (1 leaves out token 0). */
  firstPosition?: number;
  /** How the histograms are drawn; default 'lines' up to 12 layers, else 'heatmap'. */
  histograms?: 'lines' | 'heatmap';
  title?: string;
}

/** Up to this many layers, one histogram line each stays readable (GPT-2 small has 12). */
const MAX_HISTOGRAM_LINES = 12;

/** A token as hover text: quoted so leading spaces show, and safe in Plotly's pseudo-HTML. */
function hoverToken(token: string): string {
  return quotedToken(token).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function attentionNormsFigure(
  input: Pick<AttentionNorms, 'tokens' | 'norms'>,
  label: ModelLabel,
  options: AttentionNormsFigureOptions = {},
): Figure {
  const seed = options.seed ?? 20240101;
  const jitterSd = options.jitterSd ?? 0.08;
  const first = options.firstPosition ?? 1;
  const nLayers = input.norms.length;
  const T = input.tokens.length;
  if (nLayers === 0 || T - first < 2) {
    throw new Error(`attentionNormsFigure: needs at least one layer and two tokens from position ${first}; got ${nLayers} layers and ${T} tokens`);
  }
  const draw = normal(seed);
  const jitter = () => draw(0, jitterSd);

  const positions = Array.from({ length: T - first }, (_, i) => i + first);
  const logNorms = input.norms.map((row, layer) => {
    if (row.length !== T) {
      throw new Error(`attentionNormsFigure: layer ${layer} has ${row.length} norms for ${T} tokens; norms must be [layer][position]`);
    }
    return positions.map((t) => Math.log(row[t]));
  });

  const strips: Trace[] = logNorms.map((y, layer) => ({
    type: 'scatter',
    mode: 'markers',
    x: positions.map(() => layer + jitter()),
    y,
    customdata: positions.map((t) => [hoverToken(input.tokens[t]), t, input.norms[layer][t]]),
    marker: { color: layerColor(layer, nLayers), size: nLayers > 24 ? 4 : 6, opacity: 0.8 },
    name: `layer ${layer}`,
    legendgroup: `layer ${layer}`,
    showlegend: false,
    hovertemplate: `token %{customdata[0]} (position %{customdata[1]})<br>layer ${layer}<br>log‖a‖ = %{y:.3f} (‖a‖ = %{customdata[2]:.4g})<extra></extra>`,
  }));
  const style = options.histograms ?? (nLayers <= MAX_HISTOGRAM_LINES ? 'lines' : 'heatmap');
  const histograms = style === 'lines' ? histogramLines(logNorms) : [histogramHeatmap(logNorms)];

  const layout = {
    height: 560,
    xaxis: {
      domain: [0, 0.66],
      title: { text: 'layer (jittered)' },
      tickmode: 'linear',
      tick0: 0,
      dtick: nLayers > 24 ? 4 : 1,
      range: [-0.6, nLayers - 0.4],
      zeroline: false,
    },
    yaxis: { title: { text: `log ‖attention adjustment‖ (tokens ${first}..${T - 1})` }, zeroline: false },
    xaxis2:
      style === 'lines'
        ? { domain: [0.72, 1], anchor: 'y', title: { text: 'tokens per bin (Freedman–Diaconis)' }, rangemode: 'tozero' }
        : { domain: [0.72, 0.93], anchor: 'y', title: { text: 'layer (histogram per column)' }, dtick: nLayers > 24 ? 8 : 4, zeroline: false },
    ...(style === 'lines' ? { legend: { title: { text: 'histogram' }, x: 1.02, y: 1 } } : { showlegend: false }),
    hovermode: 'closest',
  };
  const title = options.title ?? 'Log norm of each token\'s attention adjustment, by layer';
  return { data: [...strips, ...histograms], layout: labelled(layout, title, label) };
}

/** Each layer's histogram with its own Freedman–Diaconis bins, as a line with square markers. */
function histogramLines(logNorms: number[][]): Trace[] {
  return logNorms.map((values, layer) => {
    const color = layerColor(layer, logNorms.length);
    const { counts, edges } = histogram(values, 'fd');
    return {
      type: 'scatter',
      mode: 'lines+markers',
      x: counts,
      y: counts.map((_, i) => (edges[i] + edges[i + 1]) / 2),
      customdata: counts.map((_, i) => [edges[i], edges[i + 1]]),
      xaxis: 'x2',
      yaxis: 'y',
      line: { color, width: 1.5 },
      marker: { color, symbol: 'square', size: 5 },
      name: `layer ${layer}`,
      legendgroup: `layer ${layer}`,
      hovertemplate: `layer ${layer}: %{x} tokens with log‖a‖ in [%{customdata[0]:.3f}, %{customdata[1]:.3f})<extra></extra>`,
    };
  });
}

/**
 * Every layer's histogram on one grid of bins, as a heat map: z[bin][layer] counts the layer's tokens
 * in the bin. The bin width is the median of the layers' own Freedman–Diaconis widths, so each column
 * is about as fine as that layer's histogram line would be.
 */
function histogramHeatmap(logNorms: number[][]): Trace {
  const widths = logNorms.map((values) => {
    const edges = histogramBinEdges(values, 'fd');
    return (edges[edges.length - 1] - edges[0]) / (edges.length - 1);
  });
  const low = Math.min(...logNorms.map((values) => Math.min(...values)));
  const high = Math.max(...logNorms.map((values) => Math.max(...values)));
  const median = widths.sort((a, b) => a - b)[Math.floor(widths.length / 2)];
  const width = median > 0 ? median : Math.max(high - low, 1);
  const bins = Math.max(1, Math.ceil((high - low) / width));
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? Math.max(high, low + i * width) : low + i * width));
  const columns = logNorms.map((values) => histogram(values, edges).counts); // [layer][bin]
  return {
    type: 'heatmap',
    x: logNorms.map((_, layer) => layer),
    y: edges.slice(0, -1).map((edge, i) => (edge + edges[i + 1]) / 2),
    z: edges.slice(0, -1).map((_, bin) => columns.map((counts) => counts[bin])), // [bin][layer]
    xaxis: 'x2',
    yaxis: 'y',
    colorscale: [[0, '#ffffff'], [0.25, '#9ecae1'], [1, '#08306b']], // white where a layer has no tokens
    zmin: 0,
    colorbar: { title: { text: 'tokens<br>per bin' }, x: 0.95, xanchor: 'left', len: 0.8, thickness: 12 },
    name: 'histograms',
    showlegend: false,
    hovertemplate: `layer %{x}: %{z} tokens with log‖a‖ within ${(width / 2).toFixed(3)} of %{y:.3f}<extra></extra>`,
  };
}
