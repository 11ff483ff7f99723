/**
 * Robust covariances of least-squares estimates, statsmodels' sandwich estimators (0.13.5):
 * cov = B S B with the bread B = pinv(X'X) and a meat S built from the scores x_i e_i (whitened
 * design and residuals):
 * - HC0-HC3: heteroscedasticity robust (White; HC1 scales by n / df_resid; HC2 and HC3 divide each
 *   e_i^2 by 1 - h_i and (1 - h_i)^2, h_i the leverage).
 * - HAC: Newey-West, S = sum over lags l <= maxlags of w_l (G_l + G_l'), G_l = sum_i s_i s_{i-l}',
 *   Bartlett weights w_l = 1 - l / (maxlags + 1) (or uniform); useCorrection multiplies by n / (n - k).
 * - cluster: S = sum over groups of (sum of the group's scores)(...)'; useCorrection (default true)
 *   multiplies by G / (G - 1) (n - 1) / (n - k).
 */

export type CovType = 'nonrobust' | 'HC0' | 'HC1' | 'HC2' | 'HC3' | 'HAC' | 'cluster';
export const COV_TYPES: readonly CovType[] = ['nonrobust', 'HC0', 'HC1', 'HC2', 'HC3', 'HAC', 'cluster'];

export interface CovKwds {
  /** HAC: the highest lag in the kernel window (required; see neweyWestMaxlags for statsmodels users' rule). */
  maxlags?: number;
  /** HAC: 'bartlett' (default, Newey-West) or 'uniform'. */
  kernel?: 'bartlett' | 'uniform';
  /** HAC (default false) and cluster (default true): the small-sample correction. */
  useCorrection?: boolean;
  /** cluster: one group label per observation (numbers or strings). */
  groups?: ArrayLike<number | string>;
  /** cluster: t and F tests on G - 1 degrees of freedom (default true). */
  dfCorrection?: boolean;
}

/** What a sandwich needs: the whitened design (column-major n x k), residuals and the bread. */
export interface SandwichInputs {
  wexog: Float64Array;
  wresid: Float64Array;
  n: number;
  k: number;
  /** pinv(X'X), row-major k x k. */
  bread: Float64Array;
  dfResid: number;
}

/** The summary's note for a covariance type, statsmodels' text. */
export function covDescription(covType: CovType, kwds: CovKwds): string {
  switch (covType) {
    case 'nonrobust':
      return 'Standard Errors assume that the covariance matrix of the errors is correctly specified.';
    case 'HAC':
      return `Standard Errors are heteroscedasticity and autocorrelation robust (HAC) using ${kwds.maxlags} lags and ${kwds.useCorrection ? 'with' : 'without'} small sample correction`;
    case 'cluster':
      return 'Standard Errors are robust to cluster correlation (cluster)';
    default:
      return `Standard Errors are heteroscedasticity robust (${covType})`;
  }
}

/** Checks the covariance type and its keywords against n observations; returns the keywords with defaults filled in. */
export function checkCovKwds(covType: unknown, kwds: CovKwds | undefined, n: number): CovKwds {
  if (!COV_TYPES.includes(covType as CovType)) {
    throw new Error(`covType ${JSON.stringify(covType)} is not one of ${COV_TYPES.join(', ')}.`);
  }
  const given = kwds ?? {};
  const allowed: Record<CovType, string[]> = {
    nonrobust: [],
    HC0: [],
    HC1: [],
    HC2: [],
    HC3: [],
    HAC: ['maxlags', 'kernel', 'useCorrection'],
    cluster: ['groups', 'useCorrection', 'dfCorrection'],
  };
  const unknown = Object.keys(given).filter((key) => !allowed[covType as CovType].includes(key));
  if (unknown.length) {
    const takes = allowed[covType as CovType];
    throw new Error(`covKwds ${unknown.join(', ')} do not apply to covType ${covType}; it takes ${takes.length ? takes.join(', ') : 'no keywords'}.`);
  }
  if (covType === 'HAC') {
    const { maxlags, kernel = 'bartlett', useCorrection = false } = given;
    if (!(Number.isInteger(maxlags) && (maxlags as number) >= 0 && (maxlags as number) < n)) {
      throw new Error(`covType HAC needs covKwds.maxlags, an integer from 0 to ${n - 1}, got ${JSON.stringify(maxlags)}; e.g. neweyWestMaxlags(nobs) = ${Math.floor(4 * (n / 100) ** (2 / 9))}.`);
    }
    if (kernel !== 'bartlett' && kernel !== 'uniform') throw new Error(`covKwds.kernel ${JSON.stringify(kernel)} is not 'bartlett' or 'uniform'.`);
    return { maxlags, kernel, useCorrection: Boolean(useCorrection) };
  }
  if (covType === 'cluster') {
    const { groups, useCorrection = true, dfCorrection = true } = given;
    if (groups == null || typeof groups.length !== 'number') throw new Error('covType cluster needs covKwds.groups: one group label per observation.');
    if (groups.length !== n) throw new Error(`covKwds.groups has ${groups.length} labels for ${n} observations; give one per observation.`);
    for (let i = 0; i < n; i++) {
      const g = groups[i];
      if (!((typeof g === 'number' && Number.isFinite(g)) || typeof g === 'string')) {
        throw new Error(`covKwds.groups[${i}] is ${JSON.stringify(g)}; group labels must be finite numbers or strings.`);
      }
    }
    if (new Set(Array.from(groups)).size < 2) throw new Error('covKwds.groups has a single group; cluster-robust errors need at least two.');
    return { groups, useCorrection: Boolean(useCorrection), dfCorrection: Boolean(dfCorrection) };
  }
  return {};
}

/** The number of distinct groups (for cluster's degrees of freedom). */
export function groupCount(groups: ArrayLike<number | string>): number {
  return new Set(Array.from(groups)).size;
}

/** The meat S (k x k, row-major) for a robust covariance type. */
function meat(covType: CovType, kwds: CovKwds, s: SandwichInputs): Float64Array {
  const { wexog: x, wresid: e, n, k } = s;
  const out = new Float64Array(k * k);
  /** out += w (a b' + b a') or w a a' when a === b; a, b are rows i and j of the scores. */
  const addOuter = (weights: Float64Array | null, lag: number, w: number): void => {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) {
        let acc = 0;
        const cp = p * n;
        const cq = q * n;
        for (let i = lag; i < n; i++) {
          const scale = weights ? weights[i] : e[i] * e[i - lag];
          acc += x[cp + i] * x[cq + i - lag] * scale;
        }
        out[p * k + q] += w * acc;
        if (lag > 0) out[q * k + p] += w * acc;
      }
    }
  };
  if (covType === 'HAC') {
    const maxlags = kwds.maxlags!;
    for (let lag = 0; lag <= maxlags; lag++) addOuter(null, lag, kwds.kernel === 'uniform' ? 1 : 1 - lag / (maxlags + 1));
    return out;
  }
  if (covType === 'cluster') {
    const index = new Map<number | string, number>();
    const groups = kwds.groups!;
    const sums: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      let g = index.get(groups[i]);
      if (g === undefined) {
        g = sums.length;
        index.set(groups[i], g);
        sums.push(new Float64Array(k));
      }
      for (let p = 0; p < k; p++) sums[g][p] += x[p * n + i] * e[i];
    }
    for (const sum of sums) for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) out[p * k + q] += sum[p] * sum[q];
    return out;
  }
  // HC0-HC3: diagonal weights on x_i x_i'
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e2 = e[i] * e[i];
    if (covType === 'HC0' || covType === 'HC1') weights[i] = e2;
    else {
      const h = leverage(s, i);
      weights[i] = covType === 'HC2' ? e2 / (1 - h) : e2 / (1 - h) ** 2;
    }
  }
  addOuter(weights, 0, 1);
  return out;
}

/** h_i = x_i' pinv(X'X) x_i, the diagonal of the hat matrix. */
export function leverage(s: Pick<SandwichInputs, 'wexog' | 'n' | 'k' | 'bread'>, i: number): number {
  const { wexog: x, n, k, bread } = s;
  let h = 0;
  for (let a = 0; a < k; a++) {
    let acc = 0;
    for (let b = 0; b < k; b++) acc += bread[a * k + b] * x[b * n + i];
    h += x[a * n + i] * acc;
  }
  return h;
}

/** The robust covariance of the estimates (row-major k x k). */
export function robustCovariance(covType: Exclude<CovType, 'nonrobust'>, kwds: CovKwds, s: SandwichInputs): Float64Array {
  const { n, k, bread } = s;
  const m = meat(covType, kwds, s);
  const half = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let acc = 0;
    for (let l = 0; l < k; l++) acc += bread[i * k + l] * m[l * k + j];
    half[i * k + j] = acc;
  }
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let acc = 0;
    for (let l = 0; l < k; l++) acc += half[i * k + l] * bread[l * k + j];
    cov[i * k + j] = acc;
  }
  let factor = 1;
  if (covType === 'HC1') factor = n / s.dfResid;
  else if (covType === 'HAC' && kwds.useCorrection) factor = n / (n - k);
  else if (covType === 'cluster' && kwds.useCorrection) {
    const groups = groupCount(kwds.groups!);
    factor = (groups / (groups - 1)) * ((n - 1) / (n - k));
  }
  return factor === 1 ? cov : cov.map((v) => v * factor);
}
