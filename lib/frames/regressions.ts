/**
 * Part 4's autoregressions, one per layer, on the lag frame (see norms.ts):
 *
 *   log‖a_t‖ = β0 + β1 log‖a_t−1‖ + β2 log‖a_t−2‖ + ε,   t = 3..T−1
 *
 * with the standard errors statsmodels' fit(cov_type=...) gives: nonrobust (the default), HC0–HC3,
 * or HAC (Newey-West, Bartlett kernel) at `maxlags` lags, by default floor(4 (n/100)^(2/9)). The
 * table collects them: one row per layer and term, with the columns
 * layer, term, coef, std_err, t, p, ci_low, ci_high, r2, adj_r2, nobs, cov_type, maxlags.
 * Robust errors give z statistics and normal p-values and intervals, as statsmodels does.
 * `waldTests` tests a restriction such as `lag1 = lag2` in every layer under the fit's covariance.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';
import { OLSResults, ols } from '../stats/ols';
import { neweyWestMaxlags } from '../stats/stattools';
import type { CovType } from '../stats/ols';
import type { LagOptions } from './norms';

export interface LayerFit {
  layer: number;
  /** The positions t of the rows, in order. */
  positions: number[];
  result: OLSResults;
}

export const REGRESSION_COLUMNS = ['layer', 'term', 'coef', 'std_err', 't', 'p', 'ci_low', 'ci_high', 'r2', 'adj_r2', 'nobs', 'cov_type', 'maxlags'] as const;

/** The covariances a single text's regressions can take (cluster needs groups, which one text lacks). */
export const LAYER_COV_TYPES = ['nonrobust', 'HC0', 'HC1', 'HC2', 'HC3', 'HAC'] as const satisfies readonly CovType[];
export type LayerCovType = (typeof LAYER_COV_TYPES)[number];

/** How a layer's standard errors are computed. */
export interface CovarianceChoice {
  /** statsmodels' cov_type (default nonrobust). */
  covType?: LayerCovType;
  /** HAC only: the highest lag in the Newey-West window (default neweyWestMaxlags(nobs)). */
  maxlags?: number;
}

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

/** The rows each layer's regression has for a text of `tokens` tokens: positions firstPosition + lags .. T−1. */
export function rowsPerLayer(tokens: number, options: LagOptions = {}): number {
  return Math.max(0, tokens - (options.firstPosition ?? 1) - (options.lags ?? 2));
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

/** The OLS fit of one layer's log norms on their own lags, with the standard errors chosen. */
export function fitLayer(lagged: DataFrame, layer: number, covariance: CovarianceChoice = {}): LayerFit {
  const { covType = 'nonrobust', maxlags } = covariance;
  if (!(LAYER_COV_TYPES as readonly string[]).includes(covType)) {
    throw new Error(`covType ${JSON.stringify(covType)} is not one of ${LAYER_COV_TYPES.join(', ')}`);
  }
  if (maxlags !== undefined && covType !== 'HAC') {
    throw new Error(`maxlags ${maxlags} applies to HAC errors only, not ${covType}: leave it out or use covType 'HAC'`);
  }
  const { y, X, names, positions } = layerDesign(lagged, layer);
  if (y.length <= names.length) {
    throw new Error(
      `layer ${layer} has ${y.length} rows for ${names.length} parameters (${names.join(', ')}): a fit needs at least one row more ` +
        'than parameters to estimate anything; use a longer text',
    );
  }
  const covKwds = covType === 'HAC' ? { maxlags: maxlags ?? neweyWestMaxlags(y.length) } : undefined;
  return { layer, positions, result: ols(y, X, { names, yName: 'log_norm', covType, covKwds }) };
}

/** One fit per layer, in layer order, each with the standard errors chosen. */
export function fitAllLayers(lagged: DataFrame, covariance: CovarianceChoice = {}): LayerFit[] {
  return layersOf(lagged).map((layer) => fitLayer(lagged, layer, covariance));
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
  /** statsmodels' cov_type of the standard errors: nonrobust, HC0–HC3 or HAC. */
  cov_type: string;
  /** HAC's lags (null for the other covariances). */
  maxlags: number | null;
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
      cov_type: result.covType,
      maxlags: result.covType === 'HAC' ? result.covKwds.maxlags! : null,
    }));
  });
}

/** One row per layer and term (const, lag1, lag2): coefficients, errors, t, p, 95% CI, R², n, and which errors. */
export function regressionTable(fits: LayerFit[], alpha = 0.05): DataFrame {
  return rowsFrame(regressionRows(fits, alpha), REGRESSION_COLUMNS);
}

export const WALD_COLUMNS = ['layer', 'restriction', 'statistic', 'df_num', 'df_denom', 'distribution', 'p', 'cov_type', 'maxlags'] as const;

/** One layer's Wald test of a linear restriction on its betas. */
export interface WaldRow {
  layer: number;
  /** The restriction in patsy's syntax, e.g. `lag1 = lag2`. */
  restriction: string;
  /** F (nonrobust errors) or chi-square (robust errors), as statsmodels' wald_test chooses by use_t. */
  statistic: number;
  /** Restrictions tested (F's numerator degrees of freedom; chi-square's degrees of freedom). */
  df_num: number;
  /** F's denominator degrees of freedom (the residual degrees of freedom); null for chi-square. */
  df_denom: number | null;
  distribution: 'F' | 'chi2';
  p: number;
  cov_type: string;
  maxlags: number | null;
}

/**
 * statsmodels' `res.wald_test(restriction)` in every layer, under each fit's own covariance: an F test
 * for nonrobust errors, a chi-square test for robust ones.
 */
export function waldTests(fits: LayerFit[], restriction = 'lag1 = lag2'): WaldRow[] {
  return fits.map(({ layer, result }) => {
    const test = result.waldTest(restriction, { scalar: true });
    const F = test.distribution === 'F';
    return {
      layer,
      restriction,
      statistic: test.statistic[0],
      df_num: F ? test.dfNum : test.dfDenom,
      df_denom: F ? test.dfDenom : null,
      distribution: F ? 'F' : 'chi2',
      p: test.pvalue[0],
      cov_type: result.covType,
      maxlags: result.covType === 'HAC' ? result.covKwds.maxlags! : null,
    };
  });
}

/** The Wald tests as a frame, one row per layer. */
export function waldTable(rows: WaldRow[]): DataFrame {
  return rowsFrame(rows, WALD_COLUMNS);
}

function rowsFrame<R extends object>(rows: R[], names: readonly (keyof R & string)[]): DataFrame {
  const columns: Record<string, unknown[]> = {};
  for (const name of names) columns[name] = rows.map((r) => r[name]);
  return new DataFrame(columns, { columns: [...names] });
}
