/**
 * Least squares with statsmodels' results: `ols(y, X).summary()` prints what
 * `sm.OLS(y, X).fit().summary()` prints (statsmodels 0.13.5), `wls(y, X, weights)` what `sm.WLS`
 * prints, and the attributes carry the same names (camelCase) and meanings.
 *
 * As statsmodels' `@cache_readonly` properties, each statistic is computed when first asked for:
 * a fit solves the least squares and nothing more; a summary pays only for what it prints.
 */
import { largestSingularValue, leastSquares, LeastSquaresSolution, rFactor, singularValues } from './linalg';

const EPS = 2.220446049250313e-16;
import { fSf, normalPpf, normalSf, tPpf, tSf } from './distributions';
import { checkCovKwds, covDescription, CovKwds, CovType, groupCount, robustCovariance } from './covariance';
import { durbinWatson, jarqueBera, omniNormtest } from './stattools';
import { renderSummary, summaryTables, SummaryTables } from './summary';
import { pyFormat } from './pyformat';
import { ContrastResults, Restrictions, tTest, waldTest } from './contrast';
import { PredictionResults, getPrediction } from './prediction';
import { OLSInfluence, outlierTest, OutlierTable } from './influence';

export type { CovType, CovKwds } from './covariance';

export interface OLSOptions {
  /** Column names (statsmodels' exog_names); default `const`, `x1`, `x2`, ... as statsmodels names arrays. */
  names?: string[];
  /** Name of the dependent variable (default `y`). */
  yName?: string;
  /** statsmodels' fit(cov_type=...): 'nonrobust' (default), 'HC0'-'HC3', 'HAC' or 'cluster'. */
  covType?: CovType;
  /** The covariance's keywords: { maxlags } for HAC, { groups } for cluster (see CovKwds). */
  covKwds?: CovKwds;
  /** t (true) or normal (false) inference; statsmodels' default: t for nonrobust only. */
  useT?: boolean;
  /**
   * Low-order parts of X when the design is known beyond double precision (the exact design is
   * X + XLow, as double-double numbers): polynomial powers of data, for instance. The formula
   * interface supplies them for powers; most callers leave this out.
   */
  XLow?: ArrayLike<ArrayLike<number>>;
}

/** The terms of a formula fit and their columns (patsy's design_info), for anovaLm and predictions. */
export interface DesignInfo {
  terms: { name: string; factors: string[]; start: number; stop: number }[];
  /** Builds the design rows of new data (a formula fit's getPrediction takes data, not rows). */
  build?: (data: unknown) => number[][];
}

/** The fitted model: data, whitening and the least-squares solution, shared by every covariance of it. */
export interface FittedModel {
  kind: 'OLS' | 'WLS';
  n: number;
  k: number;
  /** X and y as given (column-major n x k), and whitened by sqrt(weights) (the same arrays for OLS). */
  exog: Float64Array;
  endog: Float64Array;
  wexog: Float64Array;
  wendog: Float64Array;
  weights: Float64Array | null;
  exogNames: string[];
  endogName: string;
  kConstant: number;
  constIdx: number | null;
  fit: LeastSquaresSolution;
  designInfo?: DesignInfo;
}

/** X as rows -> column-major Float64Array (n, k), checking shape and finiteness. */
function designMatrix(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>, who: string): { x: Float64Array; n: number; k: number } {
  const n = X.length;
  if (n === 0) throw new Error(`${who}: X has no rows; pass at least one observation (one row per observation).`);
  if (y.length !== n) {
    throw new Error(`${who}: y has ${y.length} values but X has ${n} rows; they must have one row per observation.`);
  }
  const first = X[0];
  if (first == null || typeof first.length !== 'number') {
    throw new Error(`${who}: X must be an array of rows (number[][]); row 0 is not an array.`);
  }
  const k = first.length;
  if (k === 0) throw new Error(`${who}: X has no columns; add at least one regressor (e.g. addConstant(X)).`);
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (row == null || row.length !== k) {
      throw new Error(`${who}: X is ragged: row ${i} has ${row == null ? 'no' : row.length} values, row 0 has ${k}; every row needs ${k}.`);
    }
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new Error(
          `${who}: X[${i}][${j}] is ${JSON.stringify(v)} (${typeof v}), not a number; convert or encode the column (e.g. with olsFormula's C(...)).`,
        );
      }
      if (!Number.isFinite(v)) {
        throw new Error(`${who}: X[${i}][${j}] is ${v}; statsmodels refuses NaN/inf too ("exog contains inf or nans"). Drop or impute row ${i} first.`);
      }
      x[j * n + i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (typeof v !== 'number') throw new Error(`${who}: y[${i}] is ${JSON.stringify(v)} (${typeof v}), not a number.`);
    if (!Number.isFinite(v)) throw new Error(`${who}: y[${i}] is ${v}; drop or impute row ${i} first.`);
  }
  return { x, n, k };
}

/** statsmodels' k_constant / const_idx detection (ModelData._handle_constant, hasconst=None). */
function detectConstant(x: Float64Array, n: number, k: number, fit: LeastSquaresSolution): { kConstant: number; constIdx: number | null } {
  const constant: number[] = [];
  for (let j = 0; j < k; j++) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = x[j * n + i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) constant.push(j);
  }
  const mean = (j: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[j * n + i];
    return s / n;
  };
  if (constant.length === 1 && mean(constant[0]) !== 0) return { kConstant: 1, constIdx: constant[0] };
  if (constant.length > 1) {
    const ones = constant.find((j) => mean(j) === 1);
    if (ones !== undefined) return { kConstant: 1, constIdx: ones };
    const nonzero = constant.find((j) => mean(j) !== 0);
    if (nonzero !== undefined) return { kConstant: 1, constIdx: nonzero };
  }
  // No usable constant column: is a constant implied by the columns (e.g. a full set of dummies)?
  // statsmodels compares matrix_rank([X 1]) with matrix_rank(X); they are equal when the ones lie in
  // X's column space, i.e. when their distance from it (the last diagonal of the R of [X 1]) is
  // below the rank tolerance, s_max([X 1]) max(n, k + 1) eps.
  const augmented = rFactor(x, n, k, new Float64Array(n).fill(1));
  const distance = n > k ? Math.abs(augmented[k * (k + 1) + k]) : 0;
  const sMax = Math.hypot(largestSingularValue(fit.r, fit.rRows, k), Math.sqrt(n));
  return { kConstant: distance <= sMax * Math.max(n, k + 1) * EPS ? 1 : 0, constIdx: null };
}

/** statsmodels' default names for array input: `const` at the constant column, x1, x2, ... elsewhere. */
function defaultNames(x: Float64Array, n: number, k: number): string[] {
  const variances = Array.from({ length: k }, (_, j) => {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[j * n + i];
    mean /= n;
    let s = 0;
    for (let i = 0; i < n; i++) s += (x[j * n + i] - mean) ** 2;
    return s / n;
  });
  if (!variances.some((v) => v === 0)) return variances.map((_, j) => `x${j + 1}`);
  const constIdx = variances.indexOf(Math.min(...variances));
  const names = Array.from({ length: k - 1 }, (_, j) => `x${j + 1}`);
  names.splice(constIdx, 0, 'const');
  return names;
}

/** Fits the model: checks, whitens by sqrt(weights) and solves; the results object does the rest. */
export function fitModel(
  y: ArrayLike<number>,
  X: ArrayLike<ArrayLike<number>>,
  weights: ArrayLike<number> | null,
  options: OLSOptions & { designInfo?: DesignInfo },
): FittedModel {
  const kind = weights ? 'WLS' : 'OLS';
  const who = kind.toLowerCase();
  const { x, n, k } = designMatrix(y, X, who);
  const names = options.names ?? defaultNames(x, n, k);
  if (names.length !== k) throw new Error(`${who}: ${names.length} names for ${k} columns of X; pass one name per column.`);
  const endog = Float64Array.from(y);
  let w: Float64Array | null = null;
  if (weights) {
    if (weights.length !== n) throw new Error(`wls: ${weights.length} weights for ${n} observations; pass one weight per row.`);
    w = Float64Array.from(weights);
    w.forEach((v, i) => {
      if (!(Number.isFinite(v) && v > 0)) throw new Error(`wls: weights[${i}] is ${weights[i]}; weights must be positive and finite (drop row ${i} instead of weighting it 0).`);
    });
  }
  const root = w ? w.map(Math.sqrt) : null;
  const wexog = root ? x.map((v, p) => v * root[p % n]) : x;
  const wendog = root ? endog.map((v, i) => v * root[i]) : endog;
  let xLow: Float64Array | undefined;
  if (options.XLow) {
    const low = designMatrix(endog, options.XLow, who);
    if (low.k !== k) throw new Error(`${who}: XLow has ${low.k} columns but X has ${k}; they must have the same shape.`);
    xLow = root ? low.x.map((v, p) => v * root[p % n]) : low.x;
  }
  const fit = leastSquares(wexog, n, k, wendog, xLow);
  const { kConstant, constIdx } = detectConstant(x, n, k, fit);
  return { kind, n, k, exog: x, endog, wexog, wendog, weights: w, exogNames: names.slice(), endogName: options.yName ?? 'y', kConstant, constIdx, fit, designInfo: options.designInfo };
}

export class RegressionResults {
  readonly model: FittedModel;
  readonly nobs: number;
  readonly params: number[];
  readonly exogNames: string[];
  readonly endogName: string;
  readonly covType: CovType;
  /** The covariance's keywords, defaults filled in. */
  readonly covKwds: CovKwds;
  /** t statistics and t p-values (nonrobust by default) or z (robust covariances), as statsmodels' use_t. */
  readonly useT: boolean;
  readonly kConstant: number;
  readonly constIdx: number | null;
  readonly rank: number;
  readonly dfModel: number;
  readonly dfResid: number;
  /** Degrees of freedom of t and F tests: G - 1 for cluster-robust errors (statsmodels' df_resid_inference), else dfResid. */
  readonly dfResidInference: number;
  /** How the fit was solved: 'qr', 'qr-double-double' (ill-conditioned) or 'pinv' (rank deficient). */
  readonly method: string;
  /** Number of columns of X (k). */
  readonly kExog: number;
  private readonly cache = new Map<string, unknown>();

  constructor(model: FittedModel, options: Pick<OLSOptions, 'covType' | 'covKwds' | 'useT'> = {}) {
    const covType = options.covType ?? 'nonrobust';
    this.covKwds = checkCovKwds(covType, options.covKwds, model.n);
    this.model = model;
    this.covType = covType;
    this.useT = options.useT ?? covType === 'nonrobust';
    this.nobs = model.n;
    this.kExog = model.k;
    this.exogNames = model.exogNames;
    this.endogName = model.endogName;
    this.kConstant = model.kConstant;
    this.constIdx = model.constIdx;
    this.method = model.fit.method;
    this.params = Array.from(model.fit.params);
    this.rank = model.fit.rank;
    this.dfModel = model.fit.rank - model.kConstant;
    this.dfResid = model.n - model.fit.rank;
    const clustered = covType === 'cluster' && this.covKwds.dfCorrection !== false;
    this.dfResidInference = clustered ? groupCount(this.covKwds.groups!) - 1 : this.dfResid;
  }

  /** The value of `compute()`, computed on first use (statsmodels' cache_readonly). */
  protected cached<T>(name: string, compute: () => T): T {
    if (!this.cache.has(name)) this.cache.set(name, compute());
    return this.cache.get(name) as T;
  }

  /** The same fit with another covariance (statsmodels' get_robustcov_results); useT stays as it is unless given. */
  getRobustcovResults(covType: CovType, covKwds: CovKwds & { useT?: boolean } = {}): RegressionResults {
    const { useT = this.useT, ...kwds } = covKwds;
    return new RegressionResults(this.model, { covType, covKwds: kwds, useT });
  }

  /** pinv(X'X) of the whitened design, statsmodels' normalized_cov_params (k x k). */
  get normalizedCovParams(): number[][] {
    return this.cached('normalizedCovParams', () => toRows(this.model.fit.normalizedCov, this.kExog));
  }

  /** The covariance of the estimates (scaled, or the robust sandwich), row-major. */
  get covArray(): Float64Array {
    return this.cached('covArray', () => {
      const { fit, wexog, n, k } = this.model;
      if (this.covType === 'nonrobust') return fit.normalizedCov.map((v) => v * this.scale);
      return robustCovariance(this.covType, this.covKwds, { wexog, wresid: fit.resid, n, k, bread: fit.normalizedCov, dfResid: this.dfResid });
    });
  }

  /** The covariance of the estimates (k x k). */
  get covParams(): number[][] {
    return this.cached('covParams', () => toRows(this.covArray, this.kExog));
  }

  get bse(): number[] {
    return this.cached('bse', () => this.params.map((_, i) => Math.sqrt(this.covArray[i * this.kExog + i])));
  }

  get tvalues(): number[] {
    return this.cached('tvalues', () => this.params.map((b, i) => b / this.bse[i]));
  }

  get pvalues(): number[] {
    return this.cached('pvalues', () =>
      this.tvalues.map((t) => (this.useT ? tSf(Math.abs(t), this.dfResidInference) * 2 : normalSf(Math.abs(t)) * 2)),
    );
  }

  /** Residuals y - X b. */
  get resid(): number[] {
    return this.cached('resid', () => {
      const { fit, weights } = this.model;
      return Array.from(fit.resid, (r, i) => (weights ? r / Math.sqrt(weights[i]) : r));
    });
  }

  /** Whitened residuals sqrt(w) (y - X b) (the residuals themselves for OLS). */
  get wresid(): number[] {
    return this.cached('wresid', () => Array.from(this.model.fit.resid));
  }

  /** Fitted values X b. */
  get fittedValues(): number[] {
    return this.cached('fittedValues', () => this.resid.map((r, i) => this.model.endog[i] - r));
  }

  get ssr(): number {
    return this.cached('ssr', () => this.model.fit.resid.reduce((s, r) => s + r * r, 0));
  }

  /** Sum of squares about the (weighted) mean of y. */
  get centeredTss(): number {
    return this.cached('centeredTss', () => {
      const { endog, weights } = this.model;
      let sw = 0;
      let mean = 0;
      endog.forEach((v, i) => {
        const w = weights ? weights[i] : 1;
        sw += w;
        mean += w * v;
      });
      mean /= sw;
      return endog.reduce((s, v, i) => s + (weights ? weights[i] : 1) * (v - mean) ** 2, 0);
    });
  }

  get uncenteredTss(): number {
    return this.cached('uncenteredTss', () => this.model.wendog.reduce((s, v) => s + v * v, 0));
  }

  get ess(): number {
    return this.kConstant ? this.centeredTss - this.ssr : this.uncenteredTss - this.ssr;
  }

  get rsquared(): number {
    return this.kConstant ? 1 - this.ssr / this.centeredTss : 1 - this.ssr / this.uncenteredTss;
  }

  get rsquaredAdj(): number {
    return 1 - ((this.nobs - this.kConstant) / this.dfResid) * (1 - this.rsquared);
  }

  get mseModel(): number {
    return this.dfModel === 0 ? NaN : this.ess / this.dfModel;
  }

  get mseResid(): number {
    return this.dfResid === 0 ? NaN : this.ssr / this.dfResid;
  }

  get mseTotal(): number {
    const df = this.dfResid + this.dfModel;
    return df === 0 ? NaN : (this.kConstant ? this.centeredTss : this.uncenteredTss) / df;
  }

  get scale(): number {
    return this.ssr / this.dfResid;
  }

  /** F statistic of the model: mse_model / mse_resid, or for robust covariances the Wald F that all but the constant are zero. */
  get fvalue(): number {
    return this.modelFTest.fvalue;
  }

  get fPvalue(): number {
    return this.modelFTest.pvalue;
  }

  private get modelFTest(): { fvalue: number; pvalue: number } {
    return this.cached('modelFTest', () => {
      if (this.covType === 'nonrobust') {
        const fvalue = this.mseModel / this.mseResid;
        return { fvalue, pvalue: this.dfModel === 0 ? NaN : fSf(fvalue, this.dfModel, this.dfResid) };
      }
      const k = this.kExog;
      let idx = Array.from({ length: k }, (_, i) => i);
      if (this.kConstant === 1) {
        if (this.constIdx === null) return { fvalue: NaN, pvalue: NaN }; // implicit constant (statsmodels #2444)
        idx = idx.filter((i) => i !== this.constIdx);
        if (idx.length === 0) return { fvalue: NaN, pvalue: NaN };
      }
      const test = this.fTest(idx.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))));
      return { fvalue: test.fvalue!, pvalue: this.dfModel === 0 ? NaN : test.pvalue[0] };
    });
  }

  /** Gaussian log-likelihood; for WLS with the weights' term 0.5 sum log w, as statsmodels. */
  get llf(): number {
    return this.cached('llf', () => {
      const nobs2 = this.nobs / 2;
      const { weights } = this.model;
      if (!weights) return -nobs2 * Math.log(2 * Math.PI) - nobs2 * Math.log(this.ssr / this.nobs) - nobs2;
      return -Math.log(this.ssr) * nobs2 - (1 + Math.log(Math.PI / nobs2)) * nobs2 + 0.5 * weights.reduce((s, w) => s + Math.log(w), 0);
    });
  }

  get aic(): number {
    return -2 * this.llf + 2 * (this.dfModel + this.kConstant);
  }

  get bic(): number {
    return -2 * this.llf + Math.log(this.nobs) * (this.dfModel + this.kConstant);
  }

  private get normality(): ReturnType<typeof jarqueBera> & { omnibus: number; omnibusPvalue: number } {
    return this.cached('normality', () => {
      const omni = omniNormtest(this.model.fit.resid);
      return { ...jarqueBera(this.model.fit.resid), omnibus: omni.statistic, omnibusPvalue: omni.pvalue };
    });
  }

  get skew(): number {
    return this.normality.skew;
  }

  /** Pearson's kurtosis (3 for a normal distribution), as the summary prints it. */
  get kurtosis(): number {
    return this.normality.kurtosis;
  }

  get omnibus(): number {
    return this.normality.omnibus;
  }

  get omnibusPvalue(): number {
    return this.normality.omnibusPvalue;
  }

  get jarqueBera(): number {
    return this.normality.statistic;
  }

  get jarqueBeraPvalue(): number {
    return this.normality.pvalue;
  }

  get durbinWatson(): number {
    return this.cached('durbinWatson', () => durbinWatson(this.model.fit.resid));
  }

  /** Eigenvalues of X'X (whitened), descending: the squared singular values of X, min(n, k) of them. */
  get eigenvals(): number[] {
    return this.cached('eigenvals', () => Array.from(singularValues(this.model.fit.r, this.model.fit.rRows, this.kExog), (s) => s * s));
  }

  get conditionNumber(): number {
    return this.cached('conditionNumber', () => Math.sqrt(this.eigenvals[0] / this.eigenvals[this.eigenvals.length - 1]));
  }

  /** Confidence intervals [lower, upper] per parameter (t or normal quantiles as useT). */
  confInt(alpha = 0.05): [number, number][] {
    if (!(alpha > 0 && alpha < 1)) throw new Error(`confInt: alpha must be in (0, 1), got ${alpha}.`);
    const q = this.useT ? tPpf(1 - alpha / 2, this.dfResidInference) : normalPpf(1 - alpha / 2);
    return this.params.map((b, i) => [b - q * this.bse[i], b + q * this.bse[i]]);
  }

  /** X (rows) times the estimates. */
  predict(X: ArrayLike<ArrayLike<number>>): number[] {
    return Array.from({ length: X.length }, (_, i) => {
      const row = X[i];
      if (row.length !== this.params.length) {
        throw new Error(`predict: row ${i} has ${row.length} values; the model has ${this.params.length} parameters.`);
      }
      let s = 0;
      for (let j = 0; j < row.length; j++) s += row[j] * this.params[j];
      return s;
    });
  }

  /** t (or z) tests of R b = q, one per row: a matrix, or patsy's syntax ('lag1 = lag2, const = 0'). */
  tTest(restrictions: Restrictions): ContrastResults {
    return tTest(this, restrictions);
  }

  /** The joint F test of R b = q (statsmodels' f_test: a scalar F). */
  fTest(restrictions: Restrictions): ContrastResults {
    return waldTest(this, restrictions, { useF: true, scalar: true });
  }

  /** The joint Wald test of R b = q: F when useT (default as the fit), else chi-square; scalar false prints as statsmodels 0.13.5's default. */
  waldTest(restrictions: Restrictions, options: { useF?: boolean; scalar?: boolean } = {}): ContrastResults {
    return waldTest(this, restrictions, options);
  }

  /** F test that this model's extra parameters over a nested `restricted` fit are zero (statsmodels' compare_f_test). */
  compareFTest(restricted: RegressionResults): { fvalue: number; pvalue: number; dfDiff: number } {
    const dfDiff = restricted.dfResid - this.dfResid;
    if (!(dfDiff > 0)) {
      throw new Error(`compareFTest: the restricted model has ${restricted.dfResid} residual degrees of freedom, not more than this model's ${this.dfResid}; call it on the larger model with the nested one as argument.`);
    }
    const fvalue = ((restricted.ssr - this.ssr) / dfDiff / this.ssr) * this.dfResid;
    return { fvalue, pvalue: fSf(fvalue, dfDiff, this.dfResid), dfDiff };
  }

  /** Predicted means and their intervals at new rows (or the fitted rows); a formula fit also takes data. */
  getPrediction(exog?: unknown, options: { weights?: ArrayLike<number> | number } = {}): PredictionResults {
    return getPrediction(this, exog, options.weights);
  }

  /** Leverage, Cook's distance, studentized residuals and DFFITS (statsmodels' OLSInfluence). */
  getInfluence(): OLSInfluence {
    return this.cached('influence', () => new OLSInfluence(this));
  }

  /** Externally studentized residuals with Bonferroni-adjusted p-values (statsmodels' outlier_test('bonf')). */
  outlierTest(alpha = 0.05): OutlierTable {
    return outlierTest(this, alpha);
  }

  /** The Notes under the summary, without their [n] numbers. */
  notes(): string[] {
    const notes: string[] = [];
    if (!this.kConstant) notes.push('R² is computed without centering (uncentered) since the model does not contain a constant.');
    notes.push(covDescription(this.covType, this.covKwds));
    if (this.nobs < this.kExog) notes.push('The input rank is higher than the number of observations.');
    const smallest = this.eigenvals[this.eigenvals.length - 1];
    if (smallest < 1e-10) {
      notes.push(
        `The smallest eigenvalue is ${pyFormat('%6.3g', smallest)}. This might indicate that there are\nstrong multicollinearity problems or that the design matrix is singular.`,
      );
    } else if (this.conditionNumber > 1000) {
      notes.push(
        `The condition number is large, ${pyFormat('%6.3g', this.conditionNumber)}. This might indicate that there are\nstrong multicollinearity or other numerical problems.`,
      );
    }
    return notes;
  }

  /** 'OLS' or 'WLS', as the summary's Model line. */
  get modelName(): string {
    return this.model.kind;
  }

  /** statsmodels' summary text; Date and Time are now (or `now`). */
  summary(options: { alpha?: number; now?: Date } = {}): string {
    return renderSummary(this, options.alpha ?? 0.05, options.now ?? new Date());
  }

  /** The same three tables and notes as plain data (for dataframes and HTML). */
  summaryTables(options: { alpha?: number; now?: Date } = {}): SummaryTables {
    return summaryTables(this, options.alpha ?? 0.05, options.now ?? new Date());
  }
}

/** The results of an OLS fit (statsmodels' OLSResults): the same class as every least-squares fit. */
export const OLSResults = RegressionResults;
export type OLSResults = RegressionResults;

function toRows(m: Float64Array, k: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from(m.subarray(i * k, i * k + k)));
}

/** Fit y on X by least squares; `X` rows are observations. Add a constant column with addConstant. */
export function ols(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>, options: OLSOptions & { designInfo?: DesignInfo } = {}): RegressionResults {
  return new RegressionResults(fitModel(y, X, null, options), options);
}

/** Weighted least squares (statsmodels' WLS): weights proportional to the inverse variance of each error. */
export function wls(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>, weights: ArrayLike<number>, options: OLSOptions & { designInfo?: DesignInfo } = {}): RegressionResults {
  if (weights == null || typeof weights.length !== 'number') throw new Error('wls: weights must be an array with one positive weight per row.');
  return new RegressionResults(fitModel(y, X, weights, options), options);
}

/** statsmodels' add_constant: a column of ones in front (unless a constant column is already there). */
export function addConstant(X: ArrayLike<ArrayLike<number>>, options: { prepend?: boolean; hasConstant?: 'skip' | 'add' } = {}): number[][] {
  const prepend = options.prepend ?? true;
  const rows = Array.from(X, (row) => Array.from(row));
  const k = rows.length ? rows[0].length : 0;
  if ((options.hasConstant ?? 'skip') === 'skip' && rows.length > 0) {
    for (let j = 0; j < k; j++) {
      const v = rows[0][j];
      if (v !== 0 && rows.every((r) => r[j] === v)) return rows;
    }
  }
  return rows.map((r) => (prepend ? [1, ...r] : [...r, 1]));
}
