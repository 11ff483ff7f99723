/**
 * Influence of each observation on an OLS fit, statsmodels' OLSInfluence: leverage (the hat
 * matrix's diagonal), internally and externally studentized residuals, Cook's distance and DFFITS,
 * and outlier_test's Bonferroni-adjusted p-values. The leave-one-out variances that statsmodels gets
 * by n refits come from the closed form s_(i)^2 = (SSR - e_i^2 / (1 - h_i)) / (df_resid - 1).
 */
import { fSf, tSf } from './distributions';
import { leverage } from './covariance';
import type { RegressionResults } from './ols';

export class OLSInfluence {
  private readonly results: RegressionResults;
  private readonly cache = new Map<string, number[]>();

  constructor(results: RegressionResults) {
    if (results.model.kind !== 'OLS') {
      throw new Error('getInfluence: available for OLS fits (statsmodels\' OLSInfluence refits without the weights, which does not describe a WLS fit).');
    }
    this.results = results;
  }

  private cached(name: string, compute: () => number[]): number[] {
    if (!this.cache.has(name)) this.cache.set(name, compute());
    return this.cache.get(name)!;
  }

  /** h_i = x_i' pinv(X'X) x_i. */
  get hatMatrixDiag(): number[] {
    return this.cached('hat', () => {
      const { model } = this.results;
      const inputs = { wexog: model.wexog, n: model.n, k: model.k, bread: model.fit.normalizedCov };
      return Array.from({ length: model.n }, (_, i) => leverage(inputs, i));
    });
  }

  /** e_i / (s sqrt(1 - h_i)), s^2 the fit's mse_resid. */
  get residStudentizedInternal(): number[] {
    return this.cached('internal', () => {
      const s = Math.sqrt(this.results.mseResid);
      return this.results.resid.map((e, i) => e / s / Math.sqrt(1 - this.hatMatrixDiag[i]));
    });
  }

  /** Residual variance without observation i, per i. */
  get sigma2NotObsi(): number[] {
    return this.cached('sigma2', () => {
      const { ssr, dfResid } = this.results;
      return this.results.resid.map((e, i) => (ssr - (e * e) / (1 - this.hatMatrixDiag[i])) / (dfResid - 1));
    });
  }

  /** e_i / (s_(i) sqrt(1 - h_i)): t-distributed with df_resid - 1 under the model. */
  get residStudentizedExternal(): number[] {
    return this.cached('external', () => this.results.resid.map((e, i) => e / Math.sqrt(this.sigma2NotObsi[i]) / Math.sqrt(1 - this.hatMatrixDiag[i])));
  }

  /** Cook's distance and its F(k, df_resid) p-value per observation (statsmodels returns the pair). */
  get cooksDistance(): [number[], number[]] {
    const k = this.results.kExog;
    const d = this.cached('cooks', () => this.residStudentizedInternal.map((r, i) => ((r * r) / k) * (this.hatMatrixDiag[i] / (1 - this.hatMatrixDiag[i]))));
    return [d, d.map((v) => fSf(v, k, this.results.dfResid))];
  }

  /** DFFITS (external studentized residual times sqrt(h / (1 - h))) and the threshold 2 sqrt(k / n). */
  get dffits(): [number[], number] {
    const values = this.cached('dffits', () => this.residStudentizedExternal.map((r, i) => r * Math.sqrt(this.hatMatrixDiag[i] / (1 - this.hatMatrixDiag[i]))));
    return [values, 2 * Math.sqrt(this.results.kExog / this.results.nobs)];
  }

  /** The same with the internally studentized residual. */
  get dffitsInternal(): [number[], number] {
    const values = this.cached('dffitsInternal', () => this.residStudentizedInternal.map((r, i) => r * Math.sqrt(this.hatMatrixDiag[i] / (1 - this.hatMatrixDiag[i]))));
    return [values, 2 * Math.sqrt(this.results.kExog / this.results.nobs)];
  }
}

/** statsmodels' outlier_test(method='bonf') columns, one array per column. */
export type OutlierTable = Record<'student_resid' | 'unadj_p' | 'bonf(p)', number[]>;

/** Externally studentized residuals, their two-sided t(df_resid - 1) p-values, and Bonferroni's min(1, n p). */
export function outlierTest(results: RegressionResults, alpha = 0.05): OutlierTable {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`outlierTest: alpha must be in (0, 1), got ${alpha}.`);
  const resid = results.getInfluence().residStudentizedExternal;
  const df = results.dfResid - 1;
  const unadj = resid.map((r) => tSf(Math.abs(r), df) * 2);
  return { student_resid: resid, unadj_p: unadj, 'bonf(p)': unadj.map((p) => Math.min(1, p * resid.length)) };
}
