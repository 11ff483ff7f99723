/**
 * Distribution functions for the regression statistics: CDFs, survival functions and quantiles of
 * Student's t, F, chi-square and the normal, from @stdlib (ports of Cephes/Boost).
 *
 * Survival functions are computed from the tail itself, never as 1 - cdf, so that p-values as small
 * as 1e-60 keep their relative accuracy (scipy's `sf` does the same).
 */
import tCdfLib from '@stdlib/stats-base-dists-t-cdf';
import tQuantileLib from '@stdlib/stats-base-dists-t-quantile';
import fCdfLib from '@stdlib/stats-base-dists-f-cdf';
import chiSquareCdfLib from '@stdlib/stats-base-dists-chisquare-cdf';
import gammaincLib from '@stdlib/math-base-special-gammainc';
import normalCdfLib from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileLib from '@stdlib/stats-base-dists-normal-quantile';

export function tCdf(x: number, df: number): number {
  return tCdfLib(x, df);
}

/** P(T > x); the t distribution is symmetric, and its lower tail is computed without cancellation. */
export function tSf(x: number, df: number): number {
  return tCdfLib(-x, df);
}

/**
 * The t quantile (@stdlib's inversion, good to ~1e-15: tCdf(tPpf(p)) = p). scipy 1.10's t.ppf
 * (cdflib's root finder) is off by up to ~3e-10 relative, so confidence bounds from statsmodels can
 * differ from these in the tenth digit.
 */
export function tPpf(p: number, df: number): number {
  return tQuantileLib(p, df);
}

export function fCdf(x: number, dfNum: number, dfDen: number): number {
  return fCdfLib(x, dfNum, dfDen);
}

/** P(F > x) = P(F(dfDen, dfNum) < 1/x): the same incomplete beta scipy's `fdtrc` evaluates. */
export function fSf(x: number, dfNum: number, dfDen: number): number {
  if (Number.isNaN(x) || Number.isNaN(dfNum) || Number.isNaN(dfDen)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return fCdfLib(1 / x, dfDen, dfNum);
}

export function chiSquareCdf(x: number, df: number): number {
  return chiSquareCdfLib(x, df);
}

/**
 * P(X > x) for a chi-square with `df` degrees of freedom: the upper regularized incomplete gamma
 * Q(df/2, x/2), computed from the tail. Below the smallest normal double it is 0, as scipy's.
 */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) return NaN;
  if (x <= 0) return 1;
  const p = df === 2 ? Math.exp(-x / 2) : gammaincLib(x / 2, df / 2, true, true);
  return p < 2.2250738585072014e-308 ? 0 : p;
}

export function normalCdf(x: number, mean = 0, sd = 1): number {
  return normalCdfLib(x, mean, sd);
}

/** P(Z > x), by symmetry from the lower tail. */
export function normalSf(x: number, mean = 0, sd = 1): number {
  return normalCdfLib(2 * mean - x, mean, sd);
}

export function normalPpf(p: number, mean = 0, sd = 1): number {
  return normalQuantileLib(p, mean, sd);
}
