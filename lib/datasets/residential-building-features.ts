/**
 * What part 3 derives from the Residential Building columns before its regression: log transforms of
 * Price and FloorArea (both right-skewed), a binary high-interest indicator (Interest > 14.5), the
 * removal of rows with any |z| > 3 (z from the sample standard deviation, as pandas' `.std()`), and
 * the design with the interaction bin-Interest × CPI.
 *
 * Column names are the article's, so frames and summaries read like it: `log-Price`, `log-FloorArea`,
 * `bin-Interest`, `Intercept`, `Int X CPI`.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame, Series } from 'danfojs';

/** Interest rates above this (in %) count as high; the rates are whole numbers 11..15. */
export const HIGH_INTEREST_THRESHOLD = 14.5;

/** The columns the article screens for outliers, and the |z| above which a row is dropped. */
export const OUTLIER_COLUMNS = ['log-Price', 'log-FloorArea', 'CPI'];
export const OUTLIER_Z_LIMIT = 3;

/** The regressors in the article's order; the response is log-Price. */
export const PRICE_MODEL_TERMS = ['CPI', 'log-FloorArea', 'bin-Interest', 'Intercept', 'Int X CPI'];
export const PRICE_MODEL_RESPONSE = 'log-Price';

function column(df: DataFrame, name: string): number[] {
  if (!df.columns.includes(name)) {
    throw new Error(`The frame has no column "${name}" (its columns: ${df.columns.join(', ')}).`);
  }
  return (df[name] as Series).values as number[];
}

function naturalLog(values: number[], name: string): number[] {
  return values.map((v, row) => {
    if (!(v > 0)) {
      throw new Error(`log(${name}) needs positive values, but row ${row} holds ${v}.`);
    }
    return Math.log(v);
  });
}

/** A copy of the frame with log-Price, log-FloorArea and bin-Interest (1 when Interest > 14.5, else 0). */
export function withArticleTransforms(df: DataFrame): DataFrame {
  const out = df.copy();
  out.addColumn('log-Price', naturalLog(column(df, 'Price'), 'Price'), { inplace: true });
  out.addColumn('log-FloorArea', naturalLog(column(df, 'FloorArea'), 'FloorArea'), { inplace: true });
  const binInterest = column(df, 'Interest').map((rate) => (rate > HIGH_INTEREST_THRESHOLD ? 1 : 0));
  out.addColumn('bin-Interest', binInterest, { inplace: true });
  return out;
}

/** z-scores of the given columns, (x − mean) / sd with the sample sd (n − 1), one column each. */
export function zScores(df: DataFrame, columns: string[]): DataFrame {
  const scores: Record<string, number[]> = {};
  for (const name of columns) {
    const values = column(df, name);
    const series = new Series(values);
    const mean = series.mean() as number;
    const sd = series.std() as number; // danfojs' std divides by n − 1, like pandas
    if (!(sd > 0)) {
      throw new Error(`Column "${name}" has no spread (sd = ${sd}); its z-scores are undefined.`);
    }
    scores[name] = values.map((v) => (v - mean) / sd);
  }
  return new DataFrame(scores, { columns, index: df.index });
}

export interface OutlierScreen {
  /** The rows kept, index reset to 0..n−1. */
  kept: DataFrame;
  /** The z-scores of every row before screening (what the box plot shows). */
  z: DataFrame;
  /** How many rows each column's |z| > limit flags (a row may be flagged by several). */
  flaggedBy: Record<string, number>;
  removedRows: number;
}

/** Drops every row whose |z| exceeds `limit` in any of `columns` (the article: 372 → 368 rows). */
export function withoutOutliers(
  df: DataFrame,
  columns: string[] = OUTLIER_COLUMNS,
  limit: number = OUTLIER_Z_LIMIT,
): OutlierScreen {
  const z = zScores(df, columns);
  const flaggedBy: Record<string, number> = {};
  const keep: boolean[] = new Array(df.shape[0]).fill(true);
  for (const name of columns) {
    const scores = (z[name] as Series).values as number[];
    flaggedBy[name] = 0;
    scores.forEach((score, row) => {
      if (Math.abs(score) > limit) {
        flaggedBy[name]++;
        keep[row] = false;
      }
    });
  }
  const kept = df.loc({ rows: keep }).resetIndex();
  return { kept, z, flaggedBy, removedRows: keep.filter((k) => !k).length };
}

export interface PriceModelData {
  y: number[];
  /** One row per project: CPI, log-FloorArea, bin-Interest, 1, bin-Interest × CPI. */
  X: number[][];
  names: string[];
  yName: string;
}

/** The response and design of the article's regression, from a frame that has the transforms. */
export function priceModelData(df: DataFrame): PriceModelData {
  const cpi = column(df, 'CPI');
  const logFloorArea = column(df, 'log-FloorArea');
  const binInterest = column(df, 'bin-Interest');
  const X = cpi.map((c, row) => [c, logFloorArea[row], binInterest[row], 1, binInterest[row] * c]);
  return { y: column(df, PRICE_MODEL_RESPONSE), X, names: [...PRICE_MODEL_TERMS], yName: PRICE_MODEL_RESPONSE };
}
