// Comparing our OLS results with statsmodels' (stored goldens, or a live run through Python).
import type { OLSResults } from '../../lib/stats';

/** statsmodels' attribute name -> ours (the results both the goldens and the live runs report). */
export const STATSMODELS_ATTRIBUTES: Record<string, keyof OLSResults> = {
  params: 'params',
  bse: 'bse',
  tvalues: 'tvalues',
  pvalues: 'pvalues',
  rsquared: 'rsquared',
  rsquared_adj: 'rsquaredAdj',
  fvalue: 'fvalue',
  f_pvalue: 'fPvalue',
  llf: 'llf',
  aic: 'aic',
  bic: 'bic',
  ssr: 'ssr',
  ess: 'ess',
  centered_tss: 'centeredTss',
  mse_resid: 'mseResid',
  scale: 'scale',
  df_model: 'dfModel',
  df_resid: 'dfResid',
  k_constant: 'kConstant',
  omnibus: 'omnibus',
  omnibus_p: 'omnibusPvalue',
  skew: 'skew',
  kurtosis: 'kurtosis',
  jarque_bera: 'jarqueBera',
  jarque_bera_p: 'jarqueBeraPvalue',
  durbin_watson: 'durbinWatson',
  condition_number: 'conditionNumber',
};

/** JSON from Python: null is NaN, 'inf' and '-inf' are infinities. */
export const asNumber = (v: unknown): number => (v === null ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v));

/** Largest relative difference over a value or array (NaN must match NaN; zero compared absolutely). */
export function relativeError(expected: unknown, actual: unknown): number {
  const e = ([] as unknown[]).concat(expected as never).map(asNumber);
  const a = ([] as unknown[]).concat(actual as never).map(asNumber);
  if (e.length !== a.length) return Infinity;
  let worst = 0;
  e.forEach((v, i) => {
    if (Object.is(v, a[i]) || (Number.isNaN(v) && Number.isNaN(a[i]))) return;
    const d = Math.abs(v - a[i]) / (v === 0 ? 1 : Math.abs(v));
    worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
  });
  return worst;
}

/** A summary without its Date and Time lines (they show when it was printed). */
export const withoutDateTime = (summary: string): string =>
  summary
    .split('\n')
    .filter((line) => !line.startsWith('Date:') && !line.startsWith('Time:'))
    .join('\n');
