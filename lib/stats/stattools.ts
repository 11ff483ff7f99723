/**
 * Statistics of a residual series, as statsmodels' stats.stattools and tsa.stattools compute them:
 * Durbin-Watson, Jarque-Bera, the omnibus normality test (scipy's normaltest), the autocorrelation
 * function with Bartlett's confidence bands and Ljung-Box statistics, and the Newey-West lag rule.
 */
import { chiSquareSf, normalPpf } from './distributions';

const EPS = 2.220446049250313e-16;

/** Sum of squared successive differences over the sum of squares (2 for uncorrelated errors). */
export function durbinWatson(resid: ArrayLike<number>): number {
  let diffSq = 0;
  let ssr = 0;
  for (let i = 0; i < resid.length; i++) {
    ssr += resid[i] * resid[i];
    if (i > 0) diffSq += (resid[i] - resid[i - 1]) ** 2;
  }
  return diffSq / ssr;
}

/** Skewness and Pearson's kurtosis (3 for a normal distribution), scipy's biased estimators. */
export function moments(x: ArrayLike<number>): { skew: number; kurtosis: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
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

/** statsmodels' jarque_bera: the statistic, its chi-square(2) p-value, skew and kurtosis. */
export function jarqueBera(resid: ArrayLike<number>): { statistic: number; pvalue: number; skew: number; kurtosis: number } {
  const { skew, kurtosis } = moments(resid);
  const statistic = (resid.length / 6) * (skew ** 2 + (1 / 4) * (kurtosis - 3) ** 2);
  return { statistic, pvalue: chiSquareSf(statistic, 2), skew, kurtosis };
}

/** statsmodels' omni_normtest (scipy.stats.normaltest, D'Agostino-Pearson); NaN below 8 observations. */
export function omniNormtest(resid: ArrayLike<number>): { statistic: number; pvalue: number } {
  const n = resid.length;
  if (n < 8) return { statistic: NaN, pvalue: NaN };
  const { skew, kurtosis } = moments(resid);
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

/** The lag count statsmodels users give Newey-West errors: floor(4 (nobs / 100)^(2/9)). */
export function neweyWestMaxlags(nobs: number): number {
  if (!(Number.isInteger(nobs) && nobs > 0)) throw new Error(`neweyWestMaxlags: nobs must be a positive integer, got ${nobs}.`);
  return Math.floor(4 * (nobs / 100) ** (2 / 9));
}

export interface AcfOptions {
  /** Divide the lag-h autocovariance by n - h instead of n (statsmodels' adjusted; default false). */
  adjusted?: boolean;
  /** Confidence level 1 - alpha for Bartlett's bands (statsmodels' alpha; none by default). */
  alpha?: number;
  /** Ljung-Box Q statistics and their p-values (default false). */
  qstat?: boolean;
}

export interface AcfResults {
  /** Autocorrelations at lags 0..nlags (acf[0] = 1). */
  acf: number[];
  /** [lower, upper] per lag, around acf, with Bartlett's variance (when alpha is given). */
  confint?: [number, number][];
  /** Ljung-Box Q for lags 1..nlags and their chi-square p-values (when qstat is set). */
  qstat?: number[];
  pvalues?: number[];
}

/**
 * statsmodels' tsa.stattools.acf(x, nlags): autocovariances of the demeaned series divided by the
 * variance. nlags defaults to min(floor(10 log10 n), n - 1), as statsmodels.
 */
export function acf(x: ArrayLike<number>, nlags?: number, options: AcfOptions = {}): AcfResults {
  const n = x.length;
  if (n < 2) throw new Error(`acf: the series has ${n} value(s); pass at least 2.`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`acf: x[${i}] is ${x[i]}; drop or impute it first (statsmodels' missing='none' refuses it too).`);
  }
  const lags = nlags ?? Math.min(Math.floor(10 * Math.log10(n)), n - 1);
  if (!(Number.isInteger(lags) && lags >= 0 && lags < n)) {
    throw new Error(`acf: nlags must be an integer from 0 to ${n - 1} (the series has ${n} values), got ${nlags}.`);
  }
  const { alpha, adjusted = false, qstat = false } = options;
  if (alpha !== undefined && !(alpha > 0 && alpha < 1)) throw new Error(`acf: alpha must be in (0, 1), got ${alpha}.`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const d = Float64Array.from(x, (v) => v - mean);
  const acov = Array.from({ length: lags + 1 }, (_, h) => {
    let s = 0;
    for (let i = h; i < n; i++) s += d[i] * d[i - h];
    return s / (adjusted ? n - h : n);
  });
  const values = acov.map((c) => c / acov[0]);
  const out: AcfResults = { acf: values };
  if (alpha !== undefined) {
    // Bartlett: var(r_h) = (1 + 2 sum_{j<h} r_j^2) / n, var(r_1) = 1 / n
    const q = normalPpf(1 - alpha / 2);
    let cumulative = 0;
    out.confint = values.map((r, h) => {
      let variance = 0;
      if (h === 1) variance = 1 / n;
      else if (h > 1) {
        cumulative += values[h - 1] ** 2;
        variance = (1 + 2 * cumulative) / n;
      }
      const half = q * Math.sqrt(variance);
      return [r - half, r + half];
    });
  }
  if (qstat) {
    let q = 0;
    out.qstat = values.slice(1).map((r, j) => (q += (n * (n + 2) * r * r) / (n - (j + 1))));
    out.pvalues = out.qstat.map((v, j) => chiSquareSf(v, j + 1));
  }
  return out;
}
