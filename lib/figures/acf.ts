/**
 * The autocorrelation of a series in its order (a regression's residuals, token by token) as
 * statsmodels' `plot_acf(x, lags=nlags, alpha=alpha, zero=False)` draws it: one bar per lag h = 1..nlags
 * with the autocorrelation r_h of `acf(x, nlags, { alpha })`, and the shaded band of Bartlett's
 * ±z·se(r_h) around zero (statsmodels' confidence interval minus r_h). A bar that leaves the band is a
 * lag where the residuals are correlated at that level, as ordinary least squares' errors assume
 * they are not; those bars are drawn in red.
 */
import { acf } from '../stats/stattools';
import { Figure, ModelLabel, labelled } from './figure';

export interface AcfFigureOptions {
  /** Lags drawn (default statsmodels' min(⌊10 log10 n⌋, n − 1)). */
  nlags?: number;
  /** The band is the 1 − alpha confidence band (default 0.05). */
  alpha?: number;
  title?: string;
}

const INSIDE = '#1f77b4';
const OUTSIDE = '#d62728';

export function acfFigure(series: ArrayLike<number>, label: ModelLabel, options: AcfFigureOptions = {}): Figure {
  const alpha = options.alpha ?? 0.05;
  if (options.nlags !== undefined && !(options.nlags >= 1)) throw new Error(`acfFigure: nlags is ${options.nlags}; draw at least lag 1`);
  const result = acf(series, options.nlags, { alpha });
  const lags = result.acf.map((_, h) => h).slice(1);
  const r = lags.map((h) => result.acf[h]);
  const half = lags.map((h) => result.confint![h][1] - result.acf[h]);
  const level = `${Math.round(100 * (1 - alpha) * 10) / 10}%`;
  const bars = (outside: boolean) => {
    const chosen = lags.map((_, i) => i).filter((i) => Math.abs(r[i]) > half[i] === outside);
    return {
      type: 'bar',
      x: chosen.map((i) => lags[i]),
      y: chosen.map((i) => r[i]),
      customdata: chosen.map((i) => [half[i]]),
      width: 0.35,
      marker: { color: outside ? OUTSIDE : INSIDE },
      name: outside ? `outside the ${level} band` : `inside the ${level} band`,
      hovertemplate: 'lag %{x}<br>r = %{y:.4f}<br>band ±%{customdata[0]:.4f}<extra></extra>',
    };
  };
  const band = {
    type: 'scatter',
    mode: 'lines',
    x: [...lags, ...[...lags].reverse()],
    y: [...half, ...half.map((h) => -h).reverse()],
    fill: 'toself',
    fillcolor: 'rgba(31, 119, 180, 0.18)',
    line: { width: 0 },
    name: `${level} band (Bartlett), statsmodels' plot_acf`,
    hoverinfo: 'skip',
  };
  const layout = {
    height: 380,
    bargap: 0,
    xaxis: { title: { text: 'lag (tokens)' }, dtick: lags.length > 24 ? 5 : 1, range: [0.4, lags.length + 0.6], zeroline: false },
    yaxis: { title: { text: 'autocorrelation' }, zeroline: false },
    shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: 0, y1: 0, line: { color: '#444', width: 1 } }],
    legend: { orientation: 'h', y: -0.3 },
  };
  const title = options.title ?? `Autocorrelation of the residuals, lags 1–${lags.length}`;
  const framed = labelled(layout, title, label);
  // Room below the axis title for the legend.
  return { data: [band, bars(false), bars(true)], layout: { ...framed, margin: { ...(framed.margin as object), b: 100 } } };
}
