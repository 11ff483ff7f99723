/**
 * Tests of linear restrictions R b = q on fitted parameters, statsmodels' t_test, f_test and
 * wald_test with their ContrastResults: attributes (effect, sd, statistic, pvalue, df) and the
 * summary() text statsmodels 0.13.5 prints for each.
 */
import { chiSquareSf, fSf, normalPpf, normalSf, tPpf, tSf } from './distributions';
import { linearConstraint, Restrictions } from './constraints';
import { paramTable } from './summary';
import { pyFormat, pyRepr } from './pyformat';
import type { RegressionResults } from './ols';
import { pinvSymmetric, squareRank } from './linalg';

export type { Restrictions } from './constraints';

/** What a test of R b = q reads from a fit: its estimates, their covariance and how to test them. */
export type LinearEstimates = Pick<RegressionResults, 'params' | 'exogNames' | 'covArray' | 'kExog' | 'useT' | 'dfResidInference'>;

export class ContrastResults {
  /** 't' or 'norm' (t_test), 'F' or 'chi2' (wald_test / f_test). */
  readonly distribution: 't' | 'norm' | 'F' | 'chi2';
  /** R b per restriction (t and z tests). */
  readonly effect: number[] | null;
  /** Standard errors of R b (t and z tests). */
  readonly sd: number[] | null;
  /** t, z, F or chi-square statistics (one per restriction for t and z, one for F and chi2). */
  readonly statistic: number[];
  readonly pvalue: number[];
  /** The F statistic (F tests). */
  readonly fvalue: number | null;
  readonly dfDenom: number;
  readonly dfNum: number;
  /** Whether the Wald statistic is a scalar (f_test) or statsmodels 0.13.5's 1x1 array (wald_test's default). */
  private readonly scalar: boolean;

  constructor(fields: {
    distribution: ContrastResults['distribution'];
    effect?: number[];
    sd?: number[];
    statistic: number[];
    dfDenom: number;
    dfNum?: number;
    scalar?: boolean;
  }) {
    this.distribution = fields.distribution;
    this.effect = fields.effect ?? null;
    this.sd = fields.sd ?? null;
    this.statistic = fields.statistic;
    this.dfDenom = fields.dfDenom;
    this.dfNum = fields.dfNum ?? NaN;
    this.scalar = fields.scalar ?? true;
    this.fvalue = this.distribution === 'F' ? this.statistic[0] : null;
    this.pvalue = this.statistic.map((s) => {
      switch (this.distribution) {
        case 'F':
          return fSf(s, this.dfNum, this.dfDenom);
        case 'chi2':
          return chiSquareSf(s, this.dfDenom);
        case 't':
          return tSf(Math.abs(s), this.dfDenom) * 2;
        default:
          return Number.isNaN(s) ? NaN : normalSf(Math.abs(s)) * 2;
      }
    });
  }

  /** t statistics (t and z tests), statsmodels' tvalue. */
  get tvalue(): number[] {
    return this.statistic;
  }

  /** [lower, upper] around each effect (t and z tests only). */
  confInt(alpha = 0.05): [number, number][] {
    if (!this.effect || !this.sd) throw new Error('confInt: only t and z tests have confidence intervals (this is an F or chi-square test).');
    if (!(alpha > 0 && alpha < 1)) throw new Error(`confInt: alpha must be in (0, 1), got ${alpha}.`);
    const q = this.distribution === 't' ? tPpf(1 - alpha / 2, this.dfDenom) : normalPpf(1 - alpha / 2);
    return this.effect.map((e, i) => [e - q * this.sd![i], e + q * this.sd![i]]);
  }

  /** statsmodels' text: the 'Test for Constraints' table (t, z) or the one-line F / Wald result. */
  summary(options: { alpha?: number; xname?: string[] } = {}): string {
    const alpha = options.alpha ?? 0.05;
    if (this.effect && this.sd) {
      const names = options.xname ?? this.effect.map((_, i) => `c${i}`);
      return paramTable('Test for Constraints', names, this.effect, this.sd, this.statistic, this.pvalue, this.confInt(alpha), this.distribution === 't', alpha).join('\n');
    }
    const statistic = this.scalar ? pyRepr(this.statistic[0]) : null;
    if (this.distribution === 'F') {
      const f = statistic ?? `array([[${numpyFloat(this.statistic[0])}]])`;
      return `<F test: F=${f}, p=${pyRepr(this.pvalue[0])}, df_denom=${pyFormat('%.3g', this.dfDenom)}, df_num=${pyFormat('%.3g', this.dfNum)}>`;
    }
    const chi = statistic ?? `[[${numpyFloat(this.statistic[0])}]]`;
    return `<Wald test (chi2): statistic=${chi}, p-value=${pyRepr(this.pvalue[0])}, df_denom=${pyFormat('%.3g', this.dfDenom)}>`;
  }
}

/**
 * How numpy 1.24 prints one float inside an array: at most 8 decimals, trailing zeros dropped (the
 * point kept), scientific from 1e8 up and below 1e-4.
 */
export function numpyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const a = Math.abs(x);
  const sign = x < 0 ? '-' : '';
  if (a !== 0 && (a >= 1e8 || a < 1e-4)) {
    const shortest = a.toExponential(); // shortest round-trip digits
    const digits = shortest.split('e')[0].replace('.', '').length - 1;
    let [mantissa, exponent] = (digits > 8 ? pyFormat('%.8e', a) : pyFormat(`%.${digits}e`, a)).split('e');
    mantissa = mantissa.includes('.') ? mantissa.replace(/0+$/, '') : `${mantissa}.`;
    return `${sign}${mantissa}e${exponent}`;
  }
  const repr = pyRepr(a);
  const decimals = repr.includes('.') ? repr.split('.')[1].length : 0;
  const text = decimals > 8 ? pyFormat('%.8f', a) : repr;
  return sign + text.replace(/0+$/, '');
}

function covOfRestrictions(res: LinearEstimates, R: number[][]): Float64Array {
  const k = res.kExog;
  const cov = res.covArray;
  const m = R.length;
  const out = new Float64Array(m * m);
  const rv = R.map((row) => Array.from({ length: k }, (_, j) => row.reduce((s, r, l) => s + r * cov[l * k + j], 0)));
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) out[a * m + b] = rv[a].reduce((s, v, j) => s + v * R[b][j], 0);
  return out;
}

/** statsmodels' t_test: one t (or z, as the fit's useT) test per restriction. */
export function tTest(res: LinearEstimates, restrictions: Restrictions): ContrastResults {
  const { R, q } = linearConstraint(restrictions, res.exogNames);
  const cov = covOfRestrictions(res, R);
  const m = R.length;
  const effect = R.map((row) => row.reduce((s, r, j) => s + r * res.params[j], 0));
  const sd = effect.map((_, i) => Math.sqrt(cov[i * m + i]));
  const statistic = effect.map((e, i) => (e - q[i]) / sd[i]);
  return new ContrastResults({ distribution: res.useT ? 't' : 'norm', effect, sd, statistic, dfDenom: res.dfResidInference });
}

/**
 * statsmodels' wald_test: W = (R b - q)' pinv(R V R') (R b - q), with J = rank(R V R'); F = W / J on
 * (J, df) degrees of freedom when useF (default: the fit's useT), else chi-square(J).
 */
export function waldTest(res: LinearEstimates, restrictions: Restrictions, options: { useF?: boolean; scalar?: boolean } = {}): ContrastResults {
  const { R, q } = linearConstraint(restrictions, res.exogNames);
  const useF = options.useF ?? res.useT;
  const m = R.length;
  const cov = covOfRestrictions(res, R);
  if (cov.some(Number.isNaN)) throw new Error('waldTest: the covariance of the restrictions has NaN entries (a parameter without a standard error); drop those restrictions.');
  const J = squareRank(cov, m);
  const Rbq = R.map((row, i) => row.reduce((s, r, j) => s + r * res.params[j], 0) - q[i]);
  // Full rank: the quadratic form on the correlation scale (the same number, no digits lost to
  // columns of very different scales). Singular (e.g. fewer clusters than restrictions): pinv of the
  // covariance itself, as statsmodels, since a pseudo-inverse does not commute with the scaling.
  const d = J === m ? Array.from({ length: m }, (_, i) => Math.sqrt(cov[i * m + i]) || 1) : new Array<number>(m).fill(1);
  const inv = pinvSymmetric(cov.map((v, p) => v / (d[Math.floor(p / m)] * d[p % m])), m);
  const z = Rbq.map((v, i) => v / d[i]);
  let w = 0;
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) w += z[a] * inv[a * m + b] * z[b];
  const scalar = options.scalar ?? false;
  if (useF) return new ContrastResults({ distribution: 'F', statistic: [w / J], dfNum: J, dfDenom: res.dfResidInference, scalar });
  return new ContrastResults({ distribution: 'chi2', statistic: [w], dfDenom: J, scalar });
}
