/**
 * Specification tests on a fit's residuals, statsmodels' stats.diagnostic: Breusch-Pagan's test
 * for heteroscedasticity (an auxiliary OLS of the squared residuals on the variables suspected of
 * driving the variance).
 */
import { chiSquareSf } from './distributions';
import { ols } from './ols';

export interface BreuschPagan {
  lm: number;
  lmPvalue: number;
  fvalue: number;
  fPvalue: number;
}

/**
 * statsmodels' het_breuschpagan(resid, exog_het, robust=True): LM = n R^2 of e^2 on exog_het (Koenker's
 * studentized form; robust false gives Breusch and Pagan's ESS / 2 of e^2 / mean(e^2)), chi-square with
 * (columns - 1) degrees of freedom; and the auxiliary regression's F test. exog_het must hold a constant.
 */
export function hetBreuschpagan(resid: ArrayLike<number>, exogHet: ArrayLike<ArrayLike<number>>, options: { robust?: boolean } = {}): BreuschPagan {
  const robust = options.robust ?? true;
  if (resid.length !== exogHet.length) {
    throw new Error(`hetBreuschpagan: ${resid.length} residuals but exogHet has ${exogHet.length} rows; pass one row per residual (e.g. the fit's own X).`);
  }
  let y = Array.from(resid, (e) => e * e);
  if (!robust) {
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    y = y.map((v) => v / mean);
  }
  const aux = ols(y, exogHet);
  const lm = robust ? aux.nobs * aux.rsquared : aux.ess / 2;
  return { lm, lmPvalue: chiSquareSf(lm, aux.kExog - 1), fvalue: aux.fvalue, fPvalue: aux.fPvalue };
}
