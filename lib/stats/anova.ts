/**
 * Analysis of variance tables for formula fits, statsmodels' anova_lm (0.13.5):
 * - type 1 (sequential): each term's sum of squares is what it adds to the terms before it, the
 *   squared entries of Q'y over its columns;
 * - type 2: each term tested against the model without it, keeping the terms that contain it
 *   (marginality), by an F test of the contrasts of its coefficients orthogonal to those terms';
 * - several nested fits: the F test of each against the one before it.
 */
import { fSf } from './distributions';
import { orthogonalComplement, rFactor } from './linalg';
import type { RegressionResults } from './ols';

/** The table as statsmodels prints it: row names, and one array per column (in statsmodels' order). */
export interface AnovaTable {
  index: string[];
  columns: Record<string, number[]>;
}

/** anova_lm(fit, typ=1 or 2), or anova_lm(fit1, fit2, ...) for nested fits (smallest first). */
export function anovaLm(fit: RegressionResults | RegressionResults[], options: { typ?: 1 | 2 } = {}): AnovaTable {
  if (Array.isArray(fit)) return compareModels(fit);
  const typ = options.typ ?? 1;
  const info = fit.model.designInfo;
  if (!info) throw new Error('anovaLm: needs a formula fit (olsFormula or wlsFormula), whose terms it tests; this fit was made from a matrix.');
  const terms = info.terms.filter((t) => t.factors.length > 0); // without the intercept
  if (typ === 1) return typeOne(fit, terms);
  if (typ === 2) return typeTwo(fit, terms);
  throw new Error(`anovaLm: typ ${JSON.stringify(typ)} is not supported; use 1 (sequential) or 2 (marginal).`);
}

type Terms = NonNullable<RegressionResults['model']['designInfo']>['terms'];

function typeOne(fit: RegressionResults, terms: Terms): AnovaTable {
  const { exog, endog, n, k } = fit.model;
  // statsmodels: effects = Q'y from the QR of the design as given (not whitened)
  const r = rFactor(exog, n, k, endog);
  const effect = (j: number): number => r[k * (k + 1) + j];
  const df = terms.map((t) => t.stop - t.start);
  const sumSq = terms.map((t) => {
    let s = 0;
    for (let j = t.start; j < t.stop; j++) s += effect(j) ** 2;
    return s;
  });
  const mse = fit.ssr / fit.dfResid;
  const F = sumSq.map((s, i) => s / df[i] / mse);
  return {
    index: [...terms.map((t) => t.name), 'Residual'],
    columns: {
      df: [...df, fit.dfResid],
      sum_sq: [...sumSq, fit.ssr],
      mean_sq: [...sumSq.map((s, i) => s / df[i]), mse],
      F: [...F, NaN],
      'PR(>F)': [...F.map((f, i) => fSf(f, df[i], fit.dfResid)), NaN],
    },
  };
}

function typeTwo(fit: RegressionResults, terms: Terms): AnovaTable {
  const k = fit.kExog;
  const cov = fit.covArray;
  const range = (t: Terms[number]): number[] => Array.from({ length: t.stop - t.start }, (_, i) => t.start + i);
  const rows = terms.map((term) => {
    const own = new Set(term.factors);
    const containing = terms.filter((t) => t.factors.length > own.size && [...own].every((f) => t.factors.includes(f)));
    const l1 = [...range(term), ...containing.flatMap(range)];
    const l2 = containing.flatMap(range);
    const r = l1.length - l2.length;
    let contrasts: number[][];
    if (l2.length === 0) {
      contrasts = l1.map((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0)));
    } else {
      // L1 V L2' (p x m, column-major), its orthogonal complement (p x r), and the contrasts C' L1
      const p = l1.length;
      const m = l2.length;
      const lvl = new Float64Array(p * m);
      for (let a = 0; a < p; a++) for (let b = 0; b < m; b++) lvl[b * p + a] = cov[l1[a] * k + l2[b]];
      const complement = orthogonalComplement(lvl, p, m);
      contrasts = Array.from({ length: r }, (_, c) => {
        const row = new Array<number>(k).fill(0);
        for (let a = 0; a < p; a++) row[l1[a]] += complement[c * p + a];
        return row;
      });
    }
    const test = fit.fTest(contrasts);
    return { F: test.fvalue!, p: test.pvalue[0], df: r };
  });
  const mse = fit.ssr / fit.dfResid;
  return {
    index: [...terms.map((t) => t.name), 'Residual'],
    columns: {
      sum_sq: [...rows.map((row) => row.F * row.df * mse), fit.ssr],
      df: [...rows.map((row) => row.df), fit.dfResid],
      F: [...rows.map((row) => row.F), NaN],
      'PR(>F)': [...rows.map((row) => row.p), NaN],
    },
  };
}

function compareModels(fits: RegressionResults[]): AnovaTable {
  if (fits.length < 2) throw new Error(`anovaLm: comparing models needs at least two nested fits, got ${fits.length}.`);
  const last = fits[fits.length - 1];
  const scale = last.scale;
  const dfDiff = fits.map((f, i) => (i === 0 ? 0 : fits[i - 1].dfResid - f.dfResid));
  const ssDiff = fits.map((f, i) => (i === 0 ? NaN : fits[i - 1].ssr - f.ssr));
  const F = ssDiff.map((s, i) => s / dfDiff[i] / scale);
  return {
    index: fits.map((_, i) => String(i)),
    columns: {
      df_resid: fits.map((f) => f.dfResid),
      ssr: fits.map((f) => f.ssr),
      df_diff: dfDiff,
      ss_diff: ssDiff,
      F,
      'Pr(>F)': F.map((f, i) => (Number.isNaN(f) ? NaN : fSf(f, dfDiff[i], last.dfResid))),
    },
  };
}
