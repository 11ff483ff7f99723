/**
 * Figure 1 of part 4: how large each token's attention adjustment is, layer by layer.
 *
 *   left:  per layer, the log L2 norms of tokens 1..T−1 as a jittered strip (x = layer + normal noise,
 *          sd 0.08, seeded so the picture is the same every run), coloured along plasma by layer;
 *   right: beside it, on the same log-norm axis, each layer's histogram with Freedman–Diaconis bins,
 *          drawn as a line with square markers.
 *
 * Token 0 is left out: its adjustment is an outlier in every layer of the trained model and would
 * squash the rest. Hovering a point shows its token and position.
 */
import type { AttentionNorms } from '../model/index';
import { histogram } from '../stats/histogram';
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
  title?: string;
}

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

  const strips: Trace[] = [];
  const histograms: Trace[] = [];
  for (let layer = 0; layer < nLayers; layer++) {
    const row = input.norms[layer];
    if (row.length !== T) {
      throw new Error(`attentionNormsFigure: layer ${layer} has ${row.length} norms for ${T} tokens; norms must be [layer][position]`);
    }
    const positions = Array.from({ length: T - first }, (_, i) => i + first);
    const logNorms = positions.map((t) => Math.log(row[t]));
    const color = layerColor(layer, nLayers);
    strips.push({
      type: 'scatter',
      mode: 'markers',
      x: positions.map(() => layer + jitter()),
      y: logNorms,
      customdata: positions.map((t) => [hoverToken(input.tokens[t]), t, row[t]]),
      marker: { color, size: 6, opacity: 0.8 },
      name: `layer ${layer}`,
      legendgroup: `layer ${layer}`,
      showlegend: false,
      hovertemplate: `token %{customdata[0]} (position %{customdata[1]})<br>layer ${layer}<br>log‖a‖ = %{y:.3f} (‖a‖ = %{customdata[2]:.4g})<extra></extra>`,
    });

    const { counts, edges } = histogram(logNorms, 'fd');
    const centres = counts.map((_, i) => (edges[i] + edges[i + 1]) / 2);
    histograms.push({
      type: 'scatter',
      mode: 'lines+markers',
      x: counts,
      y: centres,
      customdata: counts.map((_, i) => [edges[i], edges[i + 1]]),
      xaxis: 'x2',
      yaxis: 'y',
      line: { color, width: 1.5 },
      marker: { color, symbol: 'square', size: 5 },
      name: `layer ${layer}`,
      legendgroup: `layer ${layer}`,
      hovertemplate: `layer ${layer}: %{x} tokens with log‖a‖ in [%{customdata[0]:.3f}, %{customdata[1]:.3f})<extra></extra>`,
    });
  }

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
    xaxis2: { domain: [0.72, 1], anchor: 'y', title: { text: 'tokens per bin (Freedman–Diaconis)' }, rangemode: 'tozero' },
    legend: { title: { text: 'histogram' }, x: 1.02, y: 1 },
    hovermode: 'closest',
  };
  const title = options.title ?? 'Log norm of each token\'s attention adjustment, by layer';
  return { data: [...strips, ...histograms], layout: labelled(layout, title, label) };
}
