/**
 * Several cluster-robust least-squares fits stacked into one model: the design is block diagonal
 * (each fit's rows and columns its own, zeros elsewhere), as statsmodels fits stacked data with a
 * formula such as `y ~ C(g) + C(g):x - 1` and `cov_type='cluster'`. The estimates are each fit's
 * own; the clustered covariance joins them across blocks:
 *
 *   V = c B S B,  B = blockdiag(pinv(X_b'X_b)),  S = Σ_groups u_g u_g',
 *   u_g = every block's Σ_{i in g} x_i e_i stacked,  c = G/(G−1) · (N−1)/(N−K)
 *
 * with N rows and K columns in all (statsmodels' correction on the stacked design). Written from
 * the blocks because the stacked design of a large corpus (rows × blocks × columns) would not fit in
 * memory, while V needs only each block's scores summed by group. Tests of cross-block restrictions
 * (is a slope the same in every block?) then run as on any fit.
 */
import { ContrastResults, Restrictions, tTest, waldTest } from './contrast';
import type { RegressionResults } from './ols';

export class StackedResults {
  readonly params: number[];
  readonly exogNames: string[];
  /** Columns of the stacked design (K). */
  readonly kExog: number;
  /** Rows of the stacked design (N). */
  readonly nobs: number;
  /** Distinct groups over all blocks (G). */
  readonly groups: number;
  readonly useT: boolean;
  /** G − 1 (statsmodels' df_resid_inference for cluster-robust errors), or N − rank without the df correction. */
  readonly dfResidInference: number;
  /** V, row-major K × K. */
  readonly covArray: Float64Array;

  constructor(fields: Pick<StackedResults, 'params' | 'exogNames' | 'nobs' | 'groups' | 'useT' | 'dfResidInference' | 'covArray'>) {
    this.params = fields.params;
    this.exogNames = fields.exogNames;
    this.kExog = fields.params.length;
    this.nobs = fields.nobs;
    this.groups = fields.groups;
    this.useT = fields.useT;
    this.dfResidInference = fields.dfResidInference;
    this.covArray = fields.covArray;
  }

  get covParams(): number[][] {
    const k = this.kExog;
    return Array.from({ length: k }, (_, i) => Array.from(this.covArray.subarray(i * k, i * k + k)));
  }

  get bse(): number[] {
    return this.params.map((_, i) => Math.sqrt(this.covArray[i * this.kExog + i]));
  }

  /** t (or z) tests of R b = q, one per row (patsy's syntax on exogNames, or a matrix). */
  tTest(restrictions: Restrictions): ContrastResults {
    return tTest(this, restrictions);
  }

  /** The joint Wald test of R b = q: F on (J, dfResidInference) when useT, else chi-square(J), as statsmodels' wald_test. */
  waldTest(restrictions: Restrictions, options: { useF?: boolean; scalar?: boolean } = {}): ContrastResults {
    return waldTest(this, restrictions, options);
  }
}

/**
 * The fits stacked in order; `names[b]` names block b's columns in the stacked model (one name per
 * column of fit b, unique over all blocks). Every fit must be cluster-robust with the same options;
 * groups are matched across blocks by label.
 */
export function stackClusterFits(fits: RegressionResults[], names: string[][]): StackedResults {
  if (fits.length === 0) throw new Error('stackClusterFits: no fits to stack; pass one fit per block.');
  if (names.length !== fits.length) throw new Error(`stackClusterFits: ${names.length} name lists for ${fits.length} fits; pass one list per fit.`);
  const first = fits[0];
  fits.forEach((fit, b) => {
    if (fit.covType !== 'cluster') throw new Error(`stackClusterFits: fit ${b} has covType ${fit.covType}; stack fits made with covType 'cluster'.`);
    if (names[b].length !== fit.kExog) throw new Error(`stackClusterFits: ${names[b].length} names for fit ${b}'s ${fit.kExog} columns; pass one per column.`);
    for (const key of ['useCorrection', 'dfCorrection'] as const) {
      if (fit.covKwds[key] !== first.covKwds[key]) throw new Error(`stackClusterFits: fit ${b} has ${key} ${fit.covKwds[key]}, fit 0 has ${first.covKwds[key]}; stack fits with the same covariance options.`);
    }
    if (fit.useT !== first.useT) throw new Error(`stackClusterFits: fit ${b} has useT ${fit.useT}, fit 0 has ${first.useT}; stack fits with the same useT.`);
  });
  const exogNames = names.flat();
  const repeated = exogNames.find((name, i) => exogNames.indexOf(name) !== i);
  if (repeated !== undefined) throw new Error(`stackClusterFits: the name ${JSON.stringify(repeated)} is used twice; name each stacked column once.`);

  const offsets = fits.map((_, b) => fits.slice(0, b).reduce((s, f) => s + f.kExog, 0));
  const K = exogNames.length;
  // u_g for each group, in the order groups first appear.
  const index = new Map<number | string, number>();
  const scores: Float64Array[] = [];
  fits.forEach((fit, b) => {
    const { wexog: x, n, k, fit: solution } = fit.model;
    const e = solution.resid;
    const groups = fit.covKwds.groups!;
    for (let i = 0; i < n; i++) {
      let g = index.get(groups[i]);
      if (g === undefined) {
        g = scores.length;
        index.set(groups[i], g);
        scores.push(new Float64Array(K));
      }
      const u = scores[g];
      for (let p = 0; p < k; p++) u[offsets[b] + p] += x[p * n + i] * e[i];
    }
  });
  const meat = new Float64Array(K * K);
  for (const u of scores) {
    for (let p = 0; p < K; p++) {
      if (u[p] === 0) continue;
      for (let q = 0; q < K; q++) meat[p * K + q] += u[p] * u[q];
    }
  }
  // B S B with B block diagonal: each block of rows and columns multiplied by its own bread.
  const bread = (b: number) => fits[b].model.fit.normalizedCov;
  const blockOf = fits.flatMap((fit, b) => new Array<number>(fit.kExog).fill(b));
  const half = new Float64Array(K * K); // B S
  for (let p = 0; p < K; p++) {
    const b = blockOf[p];
    const k = fits[b].kExog;
    const r = p - offsets[b];
    for (let q = 0; q < K; q++) {
      let acc = 0;
      for (let l = 0; l < k; l++) acc += bread(b)[r * k + l] * meat[(offsets[b] + l) * K + q];
      half[p * K + q] = acc;
    }
  }
  const N = fits.reduce((s, f) => s + f.nobs, 0);
  const G = scores.length;
  const factor = first.covKwds.useCorrection ? (G / (G - 1)) * ((N - 1) / (N - K)) : 1;
  const cov = new Float64Array(K * K);
  for (let p = 0; p < K; p++) {
    for (let q = 0; q < K; q++) {
      const b = blockOf[q];
      const k = fits[b].kExog;
      const c = q - offsets[b];
      let acc = 0;
      for (let l = 0; l < k; l++) acc += half[p * K + offsets[b] + l] * bread(b)[l * k + c];
      cov[p * K + q] = factor * acc;
    }
  }
  const rank = fits.reduce((s, f) => s + f.rank, 0);
  return new StackedResults({
    params: fits.flatMap((f) => f.params),
    exogNames,
    nobs: N,
    groups: G,
    useT: first.useT,
    dfResidInference: first.covKwds.dfCorrection ? G - 1 : N - rank,
    covArray: cov,
  });
}
