/**
 * Part 4's autoregressions, one per layer, on the lag frame (see norms.ts):
 *
 *   log‖a_t‖ = β0 + β1 log‖a_t−1‖ + β2 log‖a_t−2‖ + ε,   t = 3..T−1
 *
 * and the table that collects them: one row per layer and term, with the columns
 * layer, term, coef, std_err, t, p, ci_low, ci_high, r2, adj_r2, nobs.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';
import { OLSResults, ols } from '../stats/ols';
import type { LagOptions } from './norms';

export interface LayerFit {
  layer: number;
  /** The positions t of the rows, in order. */
  positions: number[];
  result: OLSResults;
}

export const REGRESSION_COLUMNS = ['layer', 'term', 'coef', 'std_err', 't', 'p', 'ci_low', 'ci_high', 'r2', 'adj_r2', 'nobs'] as const;

/** The lag columns of a lag frame, in order: lag1, lag2, ... */
function lagColumns(lagged: DataFrame): string[] {
  const lags = (lagged.columns as string[]).filter((c) => /^lag\d+$/.test(c));
  if (lags.length === 0 || !(lagged.columns as string[]).includes('log_norm')) {
    throw new Error(`expected a lag frame (columns log_norm, lag1, ...), got columns ${(lagged.columns as string[]).join(', ')}; build it with lagFrame(normsFrame(...))`);
  }
  return lags.sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
}

/** The layers present in a frame with a `layer` column, ascending. */
export function layersOf(frame: DataFrame): number[] {
  return [...new Set(frame.column('layer').values as number[])].sort((a, b) => a - b);
}

/** y (log_norm) and X (const, lag1, lag2, ...) of one layer, rows in position order. */
export function layerDesign(lagged: DataFrame, layer: number): { y: number[]; X: number[][]; names: string[]; positions: number[] } {
  const lags = lagColumns(lagged);
  const layers = lagged.column('layer').values as number[];
  const position = lagged.column('position').values as number[];
  const logNorm = lagged.column('log_norm').values as number[];
  const lagValues = lags.map((c) => lagged.column(c).values as number[]);
  const rows = layers.map((l, i) => i).filter((i) => layers[i] === layer).sort((a, b) => position[a] - position[b]);
  if (rows.length === 0) {
    throw new Error(`layer ${layer} is not in the frame, which has layers ${layersOf(lagged).join(', ')}`);
  }
  return {
    y: rows.map((i) => logNorm[i]),
    X: rows.map((i) => [1, ...lagValues.map((column) => column[i])]),
    names: ['const', ...lags],
    positions: rows.map((i) => position[i]),
  };
}

/**
 * The fewest tokens a text may have for every layer's fit to keep one residual degree of freedom:
 * the rows (positions firstPosition + lags .. T−1) must outnumber the parameters (a constant and the
 * lags). With the defaults, 7 tokens give 4 rows for 3 parameters.
 */
export function minimumTokens(options: LagOptions = {}): number {
  const lags = options.lags ?? 2;
  const firstPosition = options.firstPosition ?? 1;
  return firstPosition + lags + (lags + 1) + 1;
}

/** The OLS fit of one layer's log norms on their own lags. */
export function fitLayer(lagged: DataFrame, layer: number): LayerFit {
  const { y, X, names, positions } = layerDesign(lagged, layer);
  if (y.length <= names.length) {
    throw new Error(
      `layer ${layer} has ${y.length} rows for ${names.length} parameters (${names.join(', ')}): a fit needs at least one row more ` +
        'than parameters to estimate anything; use a longer text',
    );
  }
  return { layer, positions, result: ols(y, X, { names, yName: 'log_norm' }) };
}

/** One fit per layer, in layer order. */
export function fitAllLayers(lagged: DataFrame): LayerFit[] {
  return layersOf(lagged).map((layer) => fitLayer(lagged, layer));
}

/** One row of the regression table. */
export interface RegressionRow {
  layer: number;
  term: string;
  coef: number;
  std_err: number;
  t: number;
  p: number;
  ci_low: number;
  ci_high: number;
  r2: number;
  adj_r2: number;
  nobs: number;
}

/** The rows of the regression table as plain objects (what regressionTable's frame holds). */
export function regressionRows(fits: LayerFit[], alpha = 0.05): RegressionRow[] {
  return fits.flatMap(({ layer, result }) => {
    const ci = result.confInt(alpha);
    return result.exogNames.map((term, k) => ({
      layer,
      term,
      coef: result.params[k],
      std_err: result.bse[k],
      t: result.tvalues[k],
      p: result.pvalues[k],
      ci_low: ci[k][0],
      ci_high: ci[k][1],
      r2: result.rsquared,
      adj_r2: result.rsquaredAdj,
      nobs: result.nobs,
    }));
  });
}

/** One row per layer and term (const, lag1, lag2): coefficients, errors, t, p, 95% CI, R², n. */
export function regressionTable(fits: LayerFit[], alpha = 0.05): DataFrame {
  const rows = regressionRows(fits, alpha);
  const columns: Record<string, Array<number | string>> = {};
  for (const name of REGRESSION_COLUMNS) columns[name] = rows.map((r) => r[name]);
  return new DataFrame(columns, { columns: [...REGRESSION_COLUMNS] });
}
