// Robust covariances, WLS, tests, predictions and diagnostics against statsmodels 0.13.5's own
// results (test/fixtures/ols/robust-goldens.json, made by test/python/robust_goldens.py): every
// statistic to 1e-8 relative (p-values 1e-6), every summary() character for character except Date
// and Time. Includes the article's design (log attention norm on its two lags) for every layer of
// both synthetic models with Newey-West errors, and pooled texts with errors clustered by text.
import { describe, expect, it } from 'vitest';
import { acf, anovaLm, ContrastResults, hetBreuschpagan, ols, olsFormula, RegressionResults, wls, wlsFormula } from '../lib/stats';
import { ROBUST_GOLDENS } from './helpers/fixtures';
import { STATSMODELS_ATTRIBUTES, asNumber, relativeError, withoutDateTime } from './helpers/statsmodels';

const cases: any[] = ROBUST_GOLDENS.cases;
const formulas: any[] = ROBUST_GOLDENS.formulas;
const TOLERANCE = 1e-8;
const P_TOLERANCE = 1e-6;

const tolerance = (name: string): number => (/p(value)?$|_p$|pvalue|unadj|bonf/.test(name) ? P_TOLERANCE : TOLERANCE);

/** Failures of `ours` against statsmodels' `theirs` under the name's tolerance. */
function check(failures: string[], name: string, theirs: unknown, ours: unknown): void {
  const err = relativeError(theirs, ours);
  if (!(err <= tolerance(name))) failures.push(`${name}: relative error ${err.toExponential(2)}`);
}

/** Interval bounds: relative to the bound or the half-width (scipy's t.ppf is ~3e-10 off). */
function checkIntervals(failures: string[], name: string, theirs: number[][], ours: [number, number][]): void {
  theirs.forEach(([lo, hi], i) => {
    const half = Math.abs(hi - lo) / 2;
    const err = Math.max(Math.abs(ours[i][0] - lo) / Math.max(Math.abs(lo), half), Math.abs(ours[i][1] - hi) / Math.max(Math.abs(hi), half));
    if (!(err <= TOLERANCE)) failures.push(`${name}[${i}]: relative error ${err.toExponential(2)}`);
  });
}

function checkSummary(failures: string[], name: string, theirs: string, ours: string): void {
  const a = withoutDateTime(ours).split('\n');
  const b = withoutDateTime(theirs).split('\n');
  const line = a.findIndex((l, j) => l !== b[j]);
  if (line >= 0 || a.length !== b.length) failures.push(`${name} line ${line}: ours ${JSON.stringify(a[line])} statsmodels ${JSON.stringify(b[line])}`);
}

function checkFit(failures: string[], c: any, res: RegressionResults): void {
  for (const [py, ts] of Object.entries(STATSMODELS_ATTRIBUTES)) check(failures, py, c[py], res[ts]);
  check(failures, 'cov_params', c.cov_params.flat(), res.covParams.flat());
  check(failures, 'resid', c.resid, res.resid);
  checkIntervals(failures, 'conf_int', c.conf_int, res.confInt(0.05));
  if (res.useT !== c.use_t) failures.push(`use_t ${res.useT} vs ${c.use_t}`);
  if (JSON.stringify(res.exogNames) !== JSON.stringify(c.names)) failures.push(`names ${res.exogNames} vs ${c.names}`);
  checkSummary(failures, 'summary', c.summary, res.summary());
}

function checkContrast(failures: string[], name: string, theirs: any, ours: ContrastResults): void {
  if (theirs.effect) {
    check(failures, `${name}.effect`, theirs.effect, ours.effect);
    check(failures, `${name}.sd`, theirs.sd, ours.sd);
    checkIntervals(failures, `${name}.conf_int`, theirs.conf_int, ours.confInt(0.05));
  }
  check(failures, `${name}.statistic`, theirs.statistic, ours.statistic);
  check(failures, `${name}.pvalue`, theirs.pvalue, ours.pvalue);
  if (theirs.df_denom) check(failures, `${name}.df_denom`, theirs.df_denom, ours.dfDenom);
  if (theirs.df_num) check(failures, `${name}.df_num`, theirs.df_num, ours.dfNum);
  // The one-line F and Wald texts print full-precision numbers (compared above to 1e-8 and 1e-6): the
  // texts must be equal when the numbers agree to the last digit, and equal apart from them otherwise.
  const exact = theirs.effect || (relativeError(theirs.statistic, ours.statistic) === 0 && relativeError(theirs.pvalue, ours.pvalue) === 0);
  if (exact) checkSummary(failures, `${name}.summary`, theirs.summary, ours.summary());
  else checkSummary(failures, `${name}.summary shape`, maskNumbers(theirs.summary), maskNumbers(ours.summary()));
}

/** sum over a, b of |x_a M_ab x_b| per row: the size of x' M x before its terms cancel. */
function quadraticSizes(X: number[][], m: ArrayLike<number>, k: number): number[] {
  return X.map((x) => {
    let s = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += Math.abs(x[a] * m[a * k + b] * x[b]);
    return s;
  });
}

/** |ours - theirs| <= tolerance * size, elementwise. */
function checkAgainst(failures: string[], name: string, theirs: number[], ours: number[], size: number[]): void {
  const worst = Math.max(...theirs.map((t, i) => Math.abs(asNumber(t) - ours[i]) / size[i]));
  if (!(worst <= TOLERANCE)) failures.push(`${name}: error ${worst.toExponential(2)} of the terms' size`);
}

/** Means to 1e-8; standard errors against the uncancelled size of x' V x; bounds as intervals. */
function checkPrediction(failures: string[], name: string, theirs: any, ours: any, res: RegressionResults, X: number[][]): void {
  check(failures, `${name}.mean`, theirs.mean, ours.mean);
  const size = quadraticSizes(X, res.covArray, res.kExog).map(Math.sqrt);
  checkAgainst(failures, `${name}.mean_se`, theirs.mean_se, ours.mean_se, size);
  for (const kind of ['mean', 'obs']) {
    const pairs = (frame: any): [number, number][] => frame[`${kind}_ci_lower`].map((lo: number, i: number) => [asNumber(lo), asNumber(frame[`${kind}_ci_upper`][i])]);
    checkIntervals(failures, `${name}.${kind}_ci`, pairs(theirs), pairs(ours));
  }
}

const maskNumbers = (s: string): string => s.replace(/\d\.\d{6,}(e[-+]\d+)?/g, '#');

function fitOf(c: any): RegressionResults {
  const { y, X, names, cov_type: covType, cov_kwds: kwds, weights } = c.input;
  const covKwds = Object.keys(kwds).length
    ? { maxlags: kwds.maxlags, kernel: kwds.kernel, useCorrection: kwds.use_correction, groups: kwds.groups, dfCorrection: kwds.df_correction }
    : undefined;
  for (const key of Object.keys(covKwds ?? {})) if ((covKwds as any)[key] === undefined) delete (covKwds as any)[key];
  const options = { names, covType, covKwds };
  return weights ? wls(y, X, weights, options) : ols(y, X, options);
}

describe('robust covariances, WLS, tests and diagnostics against statsmodels 0.13.5 goldens', () => {
  it('has the fixture: at least 20 cases, the article design for every layer of both models', () => {
    expect(ROBUST_GOLDENS.statsmodels).toMatch(/^0\.13\.5/);
    expect(cases.length + formulas.length).toBeGreaterThanOrEqual(20);
    expect(cases.filter((c) => /^tiny\.hungary\.L\d\.HAC$/.test(c.name)).length).toBe(3);
    expect(cases.filter((c) => /^gpt2-shape\.hungary\.L\d+\.HAC$/.test(c.name)).length).toBe(12);
  });

  for (const c of cases.filter((x) => !/^(scaled|nearly)/.test(x.name))) {
    describe(c.name, () => {
      const res = fitOf(c);
      it('fit: every statistic, the covariance and the summary', () => {
        const failures: string[] = [];
        checkFit(failures, c, res);
        expect(failures).toEqual([]);
      });
      it('t_test, f_test and wald_test (F and chi-square), with their summaries', () => {
        const failures: string[] = [];
        for (const [key, restriction] of Object.entries<string>(c.t_tests ?? {})) checkContrast(failures, `t_test.${key}`, c[`t_test.${key}`], res.tTest(restriction));
        for (const [key, restriction] of Object.entries<string>(c.f_tests ?? {})) {
          checkContrast(failures, `f_test.${key}`, c[`f_test.${key}`], res.fTest(restriction));
          checkContrast(failures, `wald_test.${key}`, c[`wald_test.${key}`], res.waldTest(restriction));
          checkContrast(failures, `wald_test_chi2.${key}`, c[`wald_test_chi2.${key}`], res.waldTest(restriction, { useF: false }));
        }
        expect(Object.keys(c).filter((k) => /^(t|f)_test\./.test(k)).length).toBeGreaterThan(0);
        expect(failures).toEqual([]);
      });
      it('compare_f_test, predictions, influence, outlier test, Breusch-Pagan, acf', () => {
        const failures: string[] = [];
        const k = c.input.names.length;
        const restrictedX = c.input.X.map((row: number[]) => row.slice(0, k - 1));
        const restricted = c.input.weights ? wls(c.input.y, restrictedX, c.input.weights) : ols(c.input.y, restrictedX);
        const compared = res.compareFTest(restricted);
        check(failures, 'compare_f_test', c.compare_f_test, [compared.fvalue, compared.pvalue, compared.dfDiff]);
        checkPrediction(failures, 'prediction', c.prediction, res.getPrediction(c.prediction_exog).summaryFrame(0.1), res, c.prediction_exog);
        checkPrediction(failures, 'prediction_fitted', c.prediction_fitted, res.getPrediction().summaryFrame(0.05), res, c.input.X);
        if (c.influence) {
          const infl = res.getInfluence();
          // h = x' B x sums terms of both signs: its error is measured against the sum of their sizes.
          const hSize = quadraticSizes(c.input.X, res.model.fit.normalizedCov, res.kExog);
          checkAgainst(failures, 'hat_matrix_diag', c.influence.hat_matrix_diag, infl.hatMatrixDiag, hSize);
          checkAgainst(failures, 'cooks_distance', c.influence.cooks_distance, infl.cooksDistance[0], infl.cooksDistance[0].map((d, i) => (d * hSize[i]) / infl.hatMatrixDiag[i]));
          check(failures, 'cooks_pvalue', c.influence.cooks_pvalue, infl.cooksDistance[1]);
          check(failures, 'resid_studentized_internal', c.influence.resid_studentized_internal, infl.residStudentizedInternal);
          check(failures, 'resid_studentized_external', c.influence.resid_studentized_external, infl.residStudentizedExternal);
          check(failures, 'dffits', c.influence.dffits, infl.dffits[0]);
          check(failures, 'dffits_threshold', c.influence.dffits_threshold, infl.dffits[1]);
          const outliers = res.outlierTest();
          check(failures, 'student_resid', c.outlier_test.map((r: number[]) => r[0]), outliers.student_resid);
          check(failures, 'unadj_p', c.outlier_test.map((r: number[]) => r[1]), outliers.unadj_p);
          check(failures, 'bonf_p', c.outlier_test.map((r: number[]) => r[2]), outliers['bonf(p)']);
          const bp = hetBreuschpagan(res.resid, c.input.X);
          check(failures, 'het_breuschpagan', c.het_breuschpagan.slice(0, 1), [bp.lm]);
          check(failures, 'het_breuschpagan_p', [c.het_breuschpagan[1], c.het_breuschpagan[3]], [bp.lmPvalue, bp.fPvalue]);
          check(failures, 'het_breuschpagan_f', c.het_breuschpagan[2], bp.fvalue);
        }
        const a = acf(res.resid, c.acf.nlags, { alpha: 0.05, qstat: true });
        check(failures, 'acf', c.acf.acf, a.acf);
        check(failures, 'acf.confint', c.acf.confint.flat(), a.confint!.flat());
        check(failures, 'acf.qstat', c.acf.qstat, a.qstat);
        check(failures, 'acf.pvalues', c.acf.pvalues, a.pvalues);
        expect(failures).toEqual([]);
      });
    });
  }

  it('data scaled by 1e155 and 1e-170: statsmodels\' coefficients, rank and degrees of freedom', () => {
    for (const name of ['scaled.1e155', 'scaled.1e-170']) {
      const c = cases.find((x) => x.name === name);
      const res = fitOf(c);
      expect(relativeError(c.params, res.params)).toBeLessThan(TOLERANCE);
      expect(res.rank).toBe(3);
      expect(res.dfResid).toBe(c.df_resid);
      expect(res.kConstant).toBe(c.k_constant);
    }
  });

  it('two nearly equal columns: statsmodels\' rank, and a least-squares fit at least as good as its own (in exact arithmetic)', () => {
    const c = cases.find((x) => x.name === 'nearly.equal.columns');
    const res = fitOf(c);
    expect(res.dfResid).toBe(c.df_resid);
    expect(res.method).toBe('qr-double-double');
    // statsmodels' pinv and its double-precision residuals lose digits here (coefficients near 5e12), so
    // the residual sums of squares of both coefficient vectors are computed exactly from the doubles.
    const X: number[][] = c.input.X;
    const y: number[] = c.input.y;
    const ours = exactSsr(X, y, res.params);
    const theirs = exactSsr(X, y, c.params.map(asNumber));
    expect(ours).toBeLessThanOrEqual(theirs * (1 + 1e-12));
    expect(relativeError(ours, res.ssr)).toBeLessThan(1e-6); // res.ssr is that of the unrounded solution
    expect(relativeError(c.params, res.params)).toBeLessThan(1e-2);
  });
});

/** A double as an exact integer times 2^-SHIFT. */
const SHIFT = 1100n;
function exactScaled(v: number): bigint {
  if (v === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(v));
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) mantissa |= 1n << 52n;
  const exponent = BigInt(biased === 0 ? -1074 : biased - 1075) + SHIFT;
  const scaled = exponent >= 0n ? mantissa << exponent : mantissa >> -exponent;
  return v < 0 ? -scaled : scaled;
}

/** sum of (y - X b)^2 in exact integer arithmetic, rounded to a double at the end. */
function exactSsr(X: number[][], y: number[], b: number[]): number {
  const bb = b.map(exactScaled);
  let ssr = 0n;
  X.forEach((row, i) => {
    let e = exactScaled(y[i]) << SHIFT;
    row.forEach((v, j) => (e -= exactScaled(v) * bb[j]));
    ssr += e * e;
  });
  const bits = BigInt(ssr.toString(2).length);
  const keep = bits > 60n ? bits - 60n : 0n;
  return Number(ssr >> keep) * 2 ** Number(keep - 4n * SHIFT);
}

describe('formula fits against statsmodels 0.13.5 goldens', () => {
  for (const f of formulas) {
    it(f.name, () => {
      const failures: string[] = [];
      if (f.anova1) {
        const res = olsFormula(f.formula, f.data);
        checkFit(failures, f, res);
        for (const [typ, theirs] of [[1, f.anova1], [2, f.anova2]] as const) {
          const table = anovaLm(res, { typ });
          expect(table.index).toEqual(theirs.index);
          for (const column of Object.keys(theirs).filter((k) => k !== 'index')) check(failures, `anova${typ}.${column}`, theirs[column], table.columns[column]);
        }
      } else if (f.anova_models) {
        const table = anovaLm(f.formulas.map((formula: string) => olsFormula(formula, f.data)));
        for (const column of Object.keys(f.anova_models).filter((k) => k !== 'index')) check(failures, `anova.${column}`, f.anova_models[column], table.columns[column]);
      } else if (f.weights) {
        checkFit(failures, f, wlsFormula(f.formula, f.data, f.weights));
      } else if (f.groups) {
        checkFit(failures, f, olsFormula(f.formula, f.data, { covType: 'cluster', covKwds: { groups: f.groups } }));
      } else {
        const res = olsFormula(f.formula, f.data, { covType: 'HAC', covKwds: { maxlags: f.maxlags } });
        checkFit(failures, f, res);
        const frame = res.getPrediction(f.new_data).summaryFrame(0.05);
        check(failures, 'prediction.mean', f.prediction.mean, frame.mean);
        check(failures, 'prediction.mean_se', f.prediction.mean_se, frame.mean_se);
        check(failures, 'prediction.obs_ci_lower', f.prediction.obs_ci_lower, frame.obs_ci_lower);
      }
      expect(failures).toEqual([]);
    });
  }
  it('asNumber reads statsmodels\' JSON (null is NaN)', () => expect(Number.isNaN(asNumber(null))).toBe(true));
});
