/**
 * Figures 2 and 3 of part 4: the autoregression's betas by layer, one series per lag (β1 for t−1, β2
 * for t−2). Layers where a beta is significant (p < alpha) get filled markers, the rest crosses, and
 * a zero line shows which side of no effect each beta falls.
 */
import type { RegressionRow } from '../frames/regressions';
import { Figure, ModelLabel, Trace, labelled } from './figure';
import { formatPValue } from './tables';

/** The columns of the regression table the figure reads (the confidence interval is optional). */
export type BetaRow = Pick<RegressionRow, 'layer' | 'term' | 'coef' | 'p'> & Partial<Pick<RegressionRow, 'ci_low' | 'ci_high'>>;

export interface BetasByLayerOptions {
  /** Significance level for filled markers. */
  alpha?: number;
  /** The regression terms to draw, with their legend names. */
  terms?: Array<{ term: string; name: string; color: string }>;
  title?: string;
}

const DEFAULT_TERMS = [
  { term: 'lag1', name: 'β1 (token t−1)', color: '#1f77b4' },
  { term: 'lag2', name: 'β2 (token t−2)', color: '#d62728' },
];

export function betasByLayerFigure(rows: BetaRow[], label: ModelLabel, options: BetasByLayerOptions = {}): Figure {
  const alpha = options.alpha ?? 0.05;
  const terms = options.terms ?? DEFAULT_TERMS;
  const data: Trace[] = [];
  let maxLayer = 0;
  for (const { term, name, color } of terms) {
    const series = rows.filter((r) => r.term === term).sort((a, b) => a.layer - b.layer);
    if (series.length === 0) {
      throw new Error(`betasByLayerFigure: no rows with term '${term}'; the table has terms ${[...new Set(rows.map((r) => r.term))].join(', ')}`);
    }
    maxLayer = Math.max(maxLayer, ...series.map((r) => r.layer));
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: series.map((r) => r.layer),
      y: series.map((r) => r.coef),
      line: { color, width: 1 },
      name,
      legendgroup: term,
      hoverinfo: 'skip',
    });
    for (const significant of [true, false]) {
      const points = series.filter((r) => (r.p < alpha) === significant);
      data.push({
        type: 'scatter',
        mode: 'markers',
        x: points.map((r) => r.layer),
        y: points.map((r) => r.coef),
        customdata: points.map((r) => [formatPValue(r.p), r.ci_low ?? NaN, r.ci_high ?? NaN]),
        marker: significant
          ? { symbol: 'circle', size: 9, color }
          : { symbol: 'x-thin-open', size: 9, color, line: { color, width: 2 } },
        name: significant ? `${name}: p < ${alpha}` : `${name}: p ≥ ${alpha}`,
        legendgroup: term,
        hovertemplate: `layer %{x}<br>${name} = %{y:.4f}<br>p = %{customdata[0]}<extra></extra>`,
      });
    }
  }
  const layout = {
    height: 460,
    xaxis: { title: { text: 'layer' }, dtick: maxLayer > 24 ? 4 : 1, zeroline: false },
    yaxis: { title: { text: 'beta (OLS coefficient)' }, zeroline: false },
    shapes: [
      { type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: 0, y1: 0, line: { color: '#444', width: 1, dash: 'dash' } },
    ],
    legend: { orientation: 'h', y: -0.18 },
  };
  const title = options.title ?? 'log‖a_t‖ on log‖a_t−1‖ and log‖a_t−2‖: betas by layer';
  return { data, layout: labelled(layout, title, label) };
}
