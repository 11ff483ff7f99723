/** Statistics for the workbook: least squares with statsmodels' results, formulas, histograms, distributions, seeded random numbers. */
export { ols, addConstant, OLSResults } from './ols';
export type { OLSOptions, CovType } from './ols';
export type { SummaryTables, Pairs } from './summary';
export { olsFormula, designMatrices } from './formula';
export type { DataFrameLike, FormulaData, DesignMatrices } from './formula';
export { histogram, histogramBinEdges, percentile } from './histogram';
export type { Bins, BinRule } from './histogram';
export { normal, uniform, discreteUniform, linspace, logspace } from './random';
export type { Generator } from './random';
export { pyFormat, pyRepr } from './pyformat';
export * from './distributions';
