/**
 * Ordinary least squares with statsmodels' results: `ols(y, X).summary()` prints what
 * `sm.OLS(y, X).fit().summary()` prints (statsmodels 0.13.5), and the attributes carry the same
 * names (camelCase) and meanings.
 */
import { leastSquares, jacobiSVD, rFactor } from './linalg';
import { chiSquareSf, fSf, normalPpf, normalSf, tPpf, tSf } from './distributions';
import { renderSummary, summaryTables, SummaryTables } from './summary';
import { pyFormat } from './pyformat';

export type CovType = 'nonrobust' | 'HC0' | 'HC1' | 'HC2' | 'HC3';

export interface OLSOptions {
  /** Column names (statsmodels' exog_names); default `const`, `x1`, `x2`, ... as statsmodels names arrays. */
  names?: string[];
  /** Name of the dependent variable (default `y`). */
  yName?: string;
  covType?: CovType;
  /**
   * Low-order parts of X when the design is known beyond double precision (the exact design is
   * X + XLow, as double-double numbers): polynomial powers of data, for instance. The formula
   * interface supplies them for powers; most callers leave this out.
   */
  XLow?: ArrayLike<ArrayLike<number>>;
}

const EPS = 2.220446049250313e-16;

const COV_DESCRIPTIONS: Record<CovType, string> = {
  nonrobust: 'Standard Errors assume that the covariance matrix of the errors is correctly specified.',
  HC0: 'Standard Errors are heteroscedasticity robust (HC0)',
  HC1: 'Standard Errors are heteroscedasticity robust (HC1)',
  HC2: 'Standard Errors are heteroscedasticity robust (HC2)',
  HC3: 'Standard Errors are heteroscedasticity robust (HC3)',
};

/** X as rows -> column-major Float64Array (n, k), checking shape and finiteness. */
function designMatrix(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>): { x: Float64Array; n: number; k: number } {
  const n = X.length;
  if (n === 0) throw new Error('ols: X has no rows; pass at least one observation (one row per observation).');
  if (y.length !== n) {
    throw new Error(`ols: y has ${y.length} values but X has ${n} rows; they must have one row per observation.`);
  }
  const first = X[0];
  if (first == null || typeof first.length !== 'number') {
    throw new Error('ols: X must be an array of rows (number[][]); row 0 is not an array.');
  }
  const k = first.length;
  if (k === 0) throw new Error('ols: X has no columns; add at least one regressor (e.g. addConstant(X)).');
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = X[i];
    if (row == null || row.length !== k) {
      throw new Error(
        `ols: X is ragged: row ${i} has ${row == null ? 'no' : row.length} values, row 0 has ${k}; every row needs ${k}.`,
      );
    }
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new Error(
          `ols: X[${i}][${j}] is ${JSON.stringify(v)} (${typeof v}), not a number; convert or encode the column (e.g. with olsFormula's C(...)).`,
        );
      }
      if (!Number.isFinite(v)) {
        throw new Error(
          `ols: X[${i}][${j}] is ${v}; statsmodels refuses NaN/inf too ("exog contains inf or nans"). Drop or impute row ${i} first.`,
        );
      }
      x[j * n + i] = v;
    }
  }
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (typeof v !== 'number') throw new Error(`ols: y[${i}] is ${JSON.stringify(v)} (${typeof v}), not a number.`);
    if (!Number.isFinite(v)) throw new Error(`ols: y[${i}] is ${v}; drop or impute row ${i} first.`);
  }
  return { x, n, k };
}

/** numpy.linalg.matrix_rank of a column-major (n, k) matrix: singular values above smax * max(n, k) * eps. */
function matrixRank(x: Float64Array, n: number, k: number): number {
  const s = jacobiSVD(rFactor(x, n, k), k).s;
  const tolerance = s[0] * Math.max(n, k) * EPS;
  return s.filter((v) => v > tolerance).length;
}

/** statsmodels' k_constant / const_idx detection (ModelData._handle_constant, hasconst=None). */
function detectConstant(x: Float64Array, n: number, k: number): { kConstant: number; constIdx: number | null } {
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
  const augmented = new Float64Array(n * (k + 1));
  augmented.fill(1, 0, n);
  augmented.set(x, n);
  const implicit = matrixRank(augmented, n, k + 1) === matrixRank(x, n, k);
  return { kConstant: implicit ? 1 : 0, constIdx: null };
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

/** Moore-Penrose inverse of a small symmetric matrix (row-major), numpy's rcond = 1e-15. */
function pinvSmall(m: Float64Array, size: number): Float64Array {
  const columnMajor = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) columnMajor[j * size + i] = m[i * size + j];
  const { s, u, v } = jacobiSVD(columnMajor, size);
  const out = new Float64Array(size * size);
  for (let c = 0; c < size; c++) {
    if (!(s[c] > 1e-15 * s[0])) continue;
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] += (v[c * size + i] * u[c * size + j]) / s[c];
  }
  return out;
}

/** numpy.linalg.matrix_rank of a small square matrix (row-major): singular values above smax * size * eps. */
function symmetricRank(m: Float64Array, size: number): number {
  const columnMajor = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) columnMajor[j * size + i] = m[i * size + j];
  const s = jacobiSVD(columnMajor, size).s;
  return s.filter((v) => v > s[0] * size * EPS).length;
}

function moments(resid: Float64Array): { skew: number; kurtosis: number } {
  const n = resid.length;
  let mean = 0;
  for (const r of resid) mean += r;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of resid) {
    const d = r - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  // scipy returns NaN when the variance is zero to working precision.
  const zero = m2 <= (EPS * Math.abs(mean)) ** 2 || m2 === 0;
  return { skew: zero ? NaN : m3 / m2 ** 1.5, kurtosis: zero ? NaN : m4 / (m2 * m2) };
}

/** scipy.stats.normaltest (D'Agostino-Pearson): skewtest and kurtosistest z-scores combined. */
function omnibusTest(skew: number, kurtosis: number, n: number): { statistic: number; pvalue: number } {
  if (n < 8) return { statistic: NaN, pvalue: NaN }; // statsmodels' omni_normtest: not valid below 8
  let y = skew * Math.sqrt(((n + 1) * (n + 3)) / (6.0 * (n - 2)));
  const beta2 = (3.0 * (n ** 2 + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2.0 / (w2 - 1));
  if (y === 0) y = 1;
  const zSkew = delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));

  const e = (3.0 * (n - 1)) / (n + 1);
  const varb2 = (24.0 * n * (n - 2) * (n - 3)) / ((n + 1) * (n + 1.0) * (n + 3) * (n + 5));
  const x = (kurtosis - e) / Math.sqrt(varb2);
  const sqrtbeta1 = ((6.0 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6.0 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6.0 + (8.0 / sqrtbeta1) * (2.0 / sqrtbeta1 + Math.sqrt(1 + 4.0 / sqrtbeta1 ** 2));
  const term1 = 1 - 2 / (9.0 * a);
  const denom = 1 + x * Math.sqrt(2 / (a - 4.0));
  const term2 = denom === 0 ? NaN : Math.sign(denom) * Math.pow((1 - 2.0 / a) / Math.abs(denom), 1 / 3.0);
  const zKurtosis = (term1 - term2) / Math.sqrt(2 / (9.0 * a));

  const statistic = zSkew * zSkew + zKurtosis * zKurtosis;
  return { statistic, pvalue: chiSquareSf(statistic, 2) };
}

export class OLSResults {
  readonly nobs: number;
  readonly params: number[];
  readonly exogNames: string[];
  readonly endogName: string;
  readonly covType: CovType;
  /** t statistics and t p-values (nonrobust) or z (robust covariances), as statsmodels' use_t. */
  readonly useT: boolean;
  readonly kConstant: number;
  readonly constIdx: number | null;
  readonly rank: number;
  readonly dfModel: number;
  readonly dfResid: number;
  /** pinv(X'X), statsmodels' normalized_cov_params (k x k). */
  readonly normalizedCovParams: number[][];
  /** The covariance of the estimates (scaled, or the robust sandwich). */
  readonly covParams: number[][];
  readonly bse: number[];
  readonly tvalues: number[];
  readonly pvalues: number[];
  private readonly residArray: Float64Array;
  private readonly endog: Float64Array;
  private residCache: number[] | undefined;
  private fittedCache: number[] | undefined;
  readonly ssr: number;
  readonly centeredTss: number;
  readonly uncenteredTss: number;
  readonly ess: number;
  readonly rsquared: number;
  readonly rsquaredAdj: number;
  readonly mseModel: number;
  readonly mseResid: number;
  readonly mseTotal: number;
  readonly scale: number;
  readonly fvalue: number;
  readonly fPvalue: number;
  readonly llf: number;
  readonly aic: number;
  readonly bic: number;
  readonly skew: number;
  /** Pearson's kurtosis (3 for a normal distribution), as the summary prints it. */
  readonly kurtosis: number;
  readonly omnibus: number;
  readonly omnibusPvalue: number;
  readonly jarqueBera: number;
  readonly jarqueBeraPvalue: number;
  readonly durbinWatson: number;
  /** Eigenvalues of X'X, descending (squared singular values of X). */
  readonly eigenvals: number[];
  readonly conditionNumber: number;
  /** How the fit was solved: 'qr', 'qr-double-double' (ill-conditioned) or 'pinv' (rank deficient). */
  readonly method: string;
  /** Number of columns of X (k). */
  readonly kExog: number;

  constructor(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>, options: OLSOptions = {}) {
    const covType = options.covType ?? 'nonrobust';
    if (!(covType in COV_DESCRIPTIONS)) {
      throw new Error(`ols: covType ${JSON.stringify(covType)} is not one of ${Object.keys(COV_DESCRIPTIONS).join(', ')}.`);
    }
    const { x, n, k } = designMatrix(y, X);
    const names = options.names ?? defaultNames(x, n, k);
    if (names.length !== k) {
      throw new Error(`ols: ${names.length} names for ${k} columns of X; pass one name per column.`);
    }
    const yv = new Float64Array(n);
    for (let i = 0; i < n; i++) yv[i] = y[i];
    let xLow: Float64Array | undefined;
    if (options.XLow) {
      const low = designMatrix(yv, options.XLow);
      if (low.k !== k) throw new Error(`ols: XLow has ${low.k} columns but X has ${k}; they must have the same shape.`);
      xLow = low.x;
    }
    const fit = leastSquares(x, n, k, yv, xLow);
    const { kConstant, constIdx } = detectConstant(x, n, k);

    this.nobs = n;
    this.kExog = k;
    this.exogNames = names.slice();
    this.endogName = options.yName ?? 'y';
    this.covType = covType;
    this.useT = covType === 'nonrobust';
    this.kConstant = kConstant;
    this.constIdx = constIdx;
    this.method = fit.method;
    this.params = Array.from(fit.params);
    this.rank = fit.rank;
    this.dfModel = fit.rank - kConstant;
    this.dfResid = n - fit.rank;
    this.residArray = fit.resid;
    this.endog = yv;

    let ssr = 0;
    for (const r of fit.resid) ssr += r * r;
    let mean = 0;
    for (const v of yv) mean += v;
    mean /= n;
    let centeredTss = 0;
    let uncenteredTss = 0;
    for (const v of yv) {
      centeredTss += (v - mean) * (v - mean);
      uncenteredTss += v * v;
    }
    this.ssr = ssr;
    this.centeredTss = centeredTss;
    this.uncenteredTss = uncenteredTss;
    this.ess = kConstant ? centeredTss - ssr : uncenteredTss - ssr;
    this.rsquared = kConstant ? 1 - ssr / centeredTss : 1 - ssr / uncenteredTss;
    this.rsquaredAdj = 1 - ((n - kConstant) / this.dfResid) * (1 - this.rsquared);
    this.mseModel = this.dfModel === 0 ? NaN : this.ess / this.dfModel;
    this.mseResid = this.dfResid === 0 ? NaN : ssr / this.dfResid;
    this.mseTotal = this.dfResid + this.dfModel === 0 ? NaN : (kConstant ? centeredTss : uncenteredTss) / (this.dfResid + this.dfModel);
    this.scale = ssr / this.dfResid;

    const normalized = fit.normalizedCov;
    this.normalizedCovParams = Array.from({ length: k }, (_, i) => Array.from(normalized.subarray(i * k, i * k + k)));
    const cov = covType === 'nonrobust' ? normalized.map((v) => v * this.scale) : this.sandwich(x, n, k, normalized, fit.resid, covType);
    this.covParams = Array.from({ length: k }, (_, i) => Array.from(cov.subarray(i * k, i * k + k)));
    this.bse = this.params.map((_, i) => Math.sqrt(cov[i * k + i]));
    this.tvalues = this.params.map((b, i) => b / this.bse[i]);
    this.pvalues = this.tvalues.map((t) => (this.useT ? tSf(Math.abs(t), this.dfResid) * 2 : normalSf(Math.abs(t)) * 2));

    if (covType === 'nonrobust') {
      this.fvalue = this.mseModel / this.mseResid;
      this.fPvalue = this.dfModel === 0 ? NaN : fSf(this.fvalue, this.dfModel, this.dfResid);
    } else {
      const wald = this.robustWald(cov, k);
      this.fvalue = wald.fvalue;
      this.fPvalue = this.dfModel === 0 ? NaN : wald.pvalue;
    }

    const nobs2 = n / 2;
    this.llf = -nobs2 * Math.log(2 * Math.PI) - nobs2 * Math.log(ssr / n) - nobs2;
    const kParams = this.dfModel + kConstant;
    this.aic = -2 * this.llf + 2 * kParams;
    this.bic = -2 * this.llf + Math.log(n) * kParams;

    const { skew, kurtosis } = moments(fit.resid);
    this.skew = skew;
    this.kurtosis = kurtosis;
    this.jarqueBera = (n / 6) * (skew ** 2 + (1 / 4) * (kurtosis - 3) ** 2);
    this.jarqueBeraPvalue = chiSquareSf(this.jarqueBera, 2);
    const omnibus = omnibusTest(skew, kurtosis, n);
    this.omnibus = omnibus.statistic;
    this.omnibusPvalue = omnibus.pvalue;
    let diffSq = 0;
    for (let i = 1; i < n; i++) diffSq += (fit.resid[i] - fit.resid[i - 1]) ** 2;
    this.durbinWatson = diffSq / ssr;
    this.eigenvals = Array.from(fit.singularValues, (s) => s * s).sort((a, b) => b - a);
    this.conditionNumber = Math.sqrt(this.eigenvals[0] / this.eigenvals[k - 1]);
  }

  /** HC0-HC3: pinv(X) diag(w) pinv(X)', with pinv(X) = pinv(X'X) X'. */
  private sandwich(x: Float64Array, n: number, k: number, normalized: Float64Array, resid: Float64Array, covType: CovType): Float64Array {
    const weights = new Float64Array(n);
    const row = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const e2 = resid[i] * resid[i];
      if (covType === 'HC0') weights[i] = e2;
      else if (covType === 'HC1') weights[i] = (n / this.dfResid) * e2;
      else {
        // leverage h_ii = x_i' pinv(X'X) x_i
        for (let j = 0; j < k; j++) row[j] = x[j * n + i];
        let h = 0;
        for (let a = 0; a < k; a++) {
          let s = 0;
          for (let b = 0; b < k; b++) s += normalized[a * k + b] * row[b];
          h += row[a] * s;
        }
        weights[i] = covType === 'HC2' ? e2 / (1 - h) : (resid[i] / (1 - h)) ** 2;
      }
    }
    // meat = X' diag(w) X (k, k)
    const meat = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        const ca = a * n;
        const cb = b * n;
        for (let i = 0; i < n; i++) s += x[ca + i] * weights[i] * x[cb + i];
        meat[a * k + b] = s;
        meat[b * k + a] = s;
      }
    }
    const multiply = (p: Float64Array, q: Float64Array): Float64Array => {
      const out = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += p[i * k + l] * q[l * k + j];
        out[i * k + j] = s;
      }
      return out;
    };
    return multiply(multiply(normalized, meat), normalized);
  }

  /** statsmodels' robust F: a Wald test that all coefficients but the constant are zero. */
  private robustWald(cov: Float64Array, k: number): { fvalue: number; pvalue: number } {
    let idx = Array.from({ length: k }, (_, i) => i);
    if (this.kConstant === 1) {
      if (this.constIdx === null) return { fvalue: NaN, pvalue: NaN }; // implicit constant (statsmodels #2444)
      idx = idx.filter((i) => i !== this.constIdx);
      if (idx.length === 0) return { fvalue: NaN, pvalue: NaN };
    }
    const size = idx.length;
    const sub = new Float64Array(size * size);
    idx.forEach((a, i) => idx.forEach((b, j) => (sub[i * size + j] = cov[a * k + b])));
    // statsmodels: J = matrix_rank(cov), F = b' pinv(cov) b / J. The quadratic form is computed on the
    // correlation scale (cov = D C D), which gives the same number without losing digits when the
    // columns' scales differ by orders of magnitude.
    const J = symmetricRank(sub, size);
    const d = idx.map((_, i) => Math.sqrt(sub[i * size + i]) || 1);
    const corr = sub.map((v, p) => v / (d[Math.floor(p / size)] * d[p % size]));
    const inv = pinvSmall(corr, size);
    let quad = 0;
    idx.forEach((a, i) => idx.forEach((b, j) => (quad += (this.params[a] / d[i]) * inv[i * size + j] * (this.params[b] / d[j]))));
    const fvalue = quad / J;
    return { fvalue, pvalue: fSf(fvalue, J, this.dfResid) };
  }

  /** Residuals y - X b (computed on first use, like statsmodels' cached attributes). */
  get resid(): number[] {
    this.residCache ??= Array.from(this.residArray);
    return this.residCache;
  }

  /** Fitted values X b. */
  get fittedValues(): number[] {
    this.fittedCache ??= Array.from(this.residArray, (r, i) => this.endog[i] - r);
    return this.fittedCache;
  }

  /** Confidence intervals [lower, upper] per parameter (t or normal quantiles as useT). */
  confInt(alpha = 0.05): [number, number][] {
    if (!(alpha > 0 && alpha < 1)) throw new Error(`confInt: alpha must be in (0, 1), got ${alpha}.`);
    const q = this.useT ? tPpf(1 - alpha / 2, this.dfResid) : normalPpf(1 - alpha / 2);
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

  /** The Notes under the summary, without their [n] numbers. */
  notes(): string[] {
    const notes: string[] = [];
    if (!this.kConstant) notes.push('R² is computed without centering (uncentered) since the model does not contain a constant.');
    notes.push(COV_DESCRIPTIONS[this.covType]);
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

  /** statsmodels' summary text; Date and Time are now (or `now`). */
  summary(options: { alpha?: number; now?: Date } = {}): string {
    return renderSummary(this, options.alpha ?? 0.05, options.now ?? new Date());
  }

  /** The same three tables and notes as plain data (for dataframes and HTML). */
  summaryTables(options: { alpha?: number; now?: Date } = {}): SummaryTables {
    return summaryTables(this, options.alpha ?? 0.05, options.now ?? new Date());
  }
}

/** Fit y on X by least squares; `X` rows are observations. Add a constant column with addConstant. */
export function ols(y: ArrayLike<number>, X: ArrayLike<ArrayLike<number>>, options: OLSOptions = {}): OLSResults {
  return new OLSResults(y, X, options);
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
