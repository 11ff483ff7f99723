/**
 * The corpus regressions: per layer, the article's lag design pooled over every text (see
 * corpus-norms.ts), with standard errors clustered by text, since a text's tokens are not
 * independent of one another; a Wald test that a lag's beta is the same in every layer, on the
 * stacked model `log_norm ~ C(layer) + C(layer):lag1 + C(layer):lag2 - 1` clustered by text; and
 * the rows of regressions.csv, which say their covariance type and number of clusters.
 *
 * Inference is statsmodels' default for cluster-robust fits (z statistics, chi-square Wald test)
 * unless `useT` asks for t and F on G − 1 degrees of freedom, the safer choice with few texts.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';
import { RegressionResults, ols } from '../stats/ols';
import { stackClusterFits } from '../stats/stacked';
import { CorpusLagDesign, LAG_NAMES, LagResponse } from './corpus-norms';
import { REGRESSION_COLUMNS, RegressionRow, regressionRows } from './regressions';

export interface CorpusFitOptions {
  /** t and F tests on G − 1 degrees of freedom (default false: z and chi-square, statsmodels' default). */
  useT?: boolean;
}

export interface PooledLayerFit {
  layer: number;
  response: LagResponse;
  /** Texts with rows in this layer's fit. */
  clusters: number;
  result: RegressionResults;
}

/** One pooled fit per layer, errors clustered by text. */
export function pooledLayerFits(design: CorpusLagDesign, options: CorpusFitOptions = {}): PooledLayerFit[] {
  return design.layers.map(({ layer, y, lag1, lag2, text }) => {
    const clusters = new Set(text).size;
    if (clusters < 2) {
      throw new Error(`pooledLayerFits: layer ${layer} has rows from ${clusters} text${clusters === 1 ? '' : 's'}; errors clustered by text need at least two texts long enough for the lags (4 tokens or more)`);
    }
    const X = Array.from({ length: y.length }, (_, i) => [1, lag1[i], lag2[i]]);
    const result = ols(y, X, { names: LAG_NAMES, yName: design.response, covType: 'cluster', covKwds: { groups: text }, useT: options.useT ?? false });
    return { layer, response: design.response, clusters, result };
  });
}

/** The Wald test that a lag's beta is the same in every layer, as statsmodels' wald_test reports it. */
export interface LagEqualityTest {
  term: string;
  layers: number[];
  /** The L − 1 restrictions in patsy's syntax on the stacked model's names. */
  restriction: string;
  /** 'chi2' (statistic W on dfNum degrees of freedom) or 'F' (W / dfNum on dfNum and dfDenom). */
  distribution: 'chi2' | 'F';
  statistic: number;
  dfNum: number;
  /** G − 1 for F; for chi2 statsmodels reports the restrictions' count here too. */
  dfDenom: number;
  pvalue: number;
  clusters: number;
  nobs: number;
  /** statsmodels' one-line text, e.g. `<Wald test (chi2): statistic=[[31.27]], p-value=..., df_denom=3>`. */
  summary: string;
}

/** The name of a pooled fit's column in the stacked model, as patsy names it. */
export function stackedName(layer: number, term: string): string {
  return term === 'const' ? `C(layer)[${layer}]` : `C(layer)[${layer}]:${term}`;
}

/** H0: `term`'s beta is equal in all layers of `fits` (at least two), against the stacked model clustered by text. */
export function lagEqualityTest(fits: PooledLayerFit[], term = 'lag1'): LagEqualityTest {
  if (fits.length < 2) throw new Error(`lagEqualityTest: ${fits.length} layer fit; testing that a beta is the same in every layer needs at least two layers`);
  if (!fits[0].result.exogNames.includes(term)) {
    throw new Error(`lagEqualityTest: no term ${JSON.stringify(term)}; the fits have ${fits[0].result.exogNames.join(', ')}`);
  }
  const stacked = stackClusterFits(
    fits.map((f) => f.result),
    fits.map((f) => f.result.exogNames.map((name) => stackedName(f.layer, name))),
  );
  const restriction = fits
    .slice(1)
    .map((f, i) => `${stackedName(fits[i].layer, term)} = ${stackedName(f.layer, term)}`)
    .join(', ');
  const test = stacked.waldTest(restriction);
  const distribution = test.distribution === 'F' ? 'F' : 'chi2';
  return {
    term,
    layers: fits.map((f) => f.layer),
    restriction,
    distribution,
    statistic: test.statistic[0],
    dfNum: distribution === 'F' ? test.dfNum : test.dfDenom,
    dfDenom: test.dfDenom,
    pvalue: test.pvalue[0],
    clusters: stacked.groups,
    nobs: stacked.nobs,
    summary: test.summary(),
  };
}

/** A row of the corpus regression table: the single-text table's columns, then what was regressed and how the errors were computed. */
export interface CorpusRegressionRow extends Omit<RegressionRow, 'cov_type'> {
  response: LagResponse;
  cov_type: 'cluster';
  /** Number of clusters (texts) behind the standard errors. */
  clusters: number;
}

/** The single-text table's columns (cov_type among them; maxlags stays empty), then what was regressed and on how many clusters. */
export const CORPUS_REGRESSION_COLUMNS = [...REGRESSION_COLUMNS, 'response', 'clusters'] as const;

/** One row per layer and term (const, lag1, lag2), cluster-robust errors and (1 − alpha) intervals. */
export function corpusRegressionRows(fits: PooledLayerFit[], alpha = 0.05): CorpusRegressionRow[] {
  return fits.flatMap((f) =>
    // regressionRows reads only the layer and the result (the single-text positions do not apply here).
    regressionRows([{ layer: f.layer, positions: [], result: f.result }], alpha).map((row) => ({
      ...row,
      response: f.response,
      cov_type: 'cluster' as const,
      clusters: f.clusters,
    })),
  );
}

/** The rows as a DataFrame in CORPUS_REGRESSION_COLUMNS order (for frameToCsv: regressions.csv). */
export function corpusRegressionTable(rows: CorpusRegressionRow[]): DataFrame {
  const columns: Record<string, Array<number | string | null>> = {};
  for (const name of CORPUS_REGRESSION_COLUMNS) columns[name] = rows.map((r) => r[name]);
  return new DataFrame(columns, { columns: [...CORPUS_REGRESSION_COLUMNS] });
}
