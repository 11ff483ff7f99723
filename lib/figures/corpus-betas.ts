/**
 * The corpus regressions' betas by layer, one panel per lag (β1 above, β2 below): the pooled beta with
 * its cluster-robust confidence interval (filled marker when p < alpha, open otherwise), over a box
 * per layer of the texts' own betas (quartiles, Tukey's whiskers), so a reader sees both the
 * corpus's estimate and whether the texts agree with it.
 */
import type { CorpusRegressionRow } from '../frames/corpus-regressions';
import type { TextBetaSpread } from '../frames/corpus-text-fits';
import { Figure, ModelLabel, Trace, labelled } from './figure';

export type PooledBetaRow = Pick<CorpusRegressionRow, 'layer' | 'term' | 'coef' | 'p' | 'ci_low' | 'ci_high' | 'clusters'>;

export interface CorpusBetasOptions {
  /** Significance level of the filled markers, and 1 − the intervals' level (the rows' own intervals are drawn). */
  alpha?: number;
  title?: string;
}

const TERMS = [
  { term: 'lag1', name: 'β1 (token t−1)', color: '#1f77b4', axis: '' },
  { term: 'lag2', name: 'β2 (token t−2)', color: '#d62728', axis: '2' },
];

export function corpusBetasFigure(pooled: PooledBetaRow[], spread: TextBetaSpread[], label: ModelLabel, options: CorpusBetasOptions = {}): Figure {
  const alpha = options.alpha ?? 0.05;
  const data: Trace[] = [];
  let maxLayer = 0;
  for (const { term, name, color, axis } of TERMS) {
    const rows = pooled.filter((r) => r.term === term).sort((a, b) => a.layer - b.layer);
    if (rows.length === 0) {
      throw new Error(`corpusBetasFigure: no pooled rows with term '${term}'; pass corpusRegressionRows(pooledLayerFits(...)), which has terms const, lag1, lag2`);
    }
    maxLayer = Math.max(maxLayer, ...rows.map((r) => r.layer));
    const boxes = spread.filter((s) => s.term === term && s.texts > 0).sort((a, b) => a.layer - b.layer);
    data.push({
      type: 'box',
      x: boxes.map((s) => s.layer),
      q1: boxes.map((s) => s.q1),
      median: boxes.map((s) => s.median),
      q3: boxes.map((s) => s.q3),
      lowerfence: boxes.map((s) => s.lowerWhisker),
      upperfence: boxes.map((s) => s.upperWhisker),
      customdata: boxes.map((s) => [s.texts, s.significant]),
      hovertemplate: `layer %{x}: ${name} of %{customdata[0]} texts' own fits, %{customdata[1]} with p < ${alpha}<extra></extra>`,
      xaxis: 'x',
      yaxis: `y${axis}`,
      name: 'each text\'s own fit (quartiles, Tukey whiskers)',
      legendgroup: 'texts',
      showlegend: axis === '',
      fillcolor: 'rgba(128, 128, 128, 0.25)',
      line: { color: '#888', width: 1 },
      boxpoints: false,
    });
    data.push({
      type: 'scatter',
      mode: 'markers',
      x: rows.map((r) => r.layer),
      y: rows.map((r) => r.coef),
      error_y: { type: 'data', symmetric: false, array: rows.map((r) => r.ci_high - r.coef), arrayminus: rows.map((r) => r.coef - r.ci_low), color, thickness: 1.5, width: 4 },
      customdata: rows.map((r) => [r.p, r.ci_low, r.ci_high, r.clusters]),
      marker: { color, size: 9, symbol: rows.map((r) => (r.p < alpha ? 'circle' : 'circle-open')), line: { color, width: 2 } },
      xaxis: 'x',
      yaxis: `y${axis}`,
      name: `${name}, pooled (filled: p < ${alpha})`,
      hovertemplate: `layer %{x}<br>${name} = %{y:.4f}, CI [%{customdata[1]:.4f}, %{customdata[2]:.4f}]<br>p = %{customdata[0]:.3g}, %{customdata[3]} texts<extra></extra>`,
    });
  }
  const zero = (yref: string) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, yref, y0: 0, y1: 0, line: { color: '#444', width: 1, dash: 'dash' } });
  const level = Math.round((1 - alpha) * 100);
  const layout = {
    height: 640,
    // One x axis along the bottom, shared by both panels.
    xaxis: { anchor: 'y2', title: { text: 'layer' }, dtick: maxLayer > 24 ? 4 : 1, zeroline: false },
    yaxis: { anchor: 'x', domain: [0.54, 1], title: { text: 'β1 (token t−1)' }, zeroline: false },
    yaxis2: { anchor: 'x', domain: [0, 0.46], title: { text: 'β2 (token t−2)' }, zeroline: false },
    shapes: [zero('y'), zero('y2')],
    legend: { orientation: 'h', y: -0.12 },
    hovermode: 'closest',
  };
  const title = options.title ?? `Corpus: betas by layer, pooled with ${level}% intervals clustered by text, over each text's own`;
  return { data, layout: labelled(layout, title, label) };
}
