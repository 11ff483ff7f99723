/**
 * Predictions with their uncertainty, statsmodels' get_prediction and PredictionResults: the
 * predicted mean x'b, its standard error sqrt(x' V x) from the fit's covariance, and intervals for
 * the mean and for a new observation (whose variance adds scale / weight).
 */
import { normalPpf, tPpf } from './distributions';
import type { RegressionResults } from './ols';

/** statsmodels' summary_frame columns, one array per column (pass to danfojs' `new DataFrame(...)`). */
export type PredictionFrame = Record<'mean' | 'mean_se' | 'mean_ci_lower' | 'mean_ci_upper' | 'obs_ci_lower' | 'obs_ci_upper', number[]>;

export class PredictionResults {
  readonly predictedMean: number[];
  readonly varPredMean: number[];
  /** scale / weight per row. */
  readonly varResid: number[];
  readonly df: number;
  readonly dist: 't' | 'norm';

  constructor(predictedMean: number[], varPredMean: number[], varResid: number[], df: number, dist: 't' | 'norm') {
    this.predictedMean = predictedMean;
    this.varPredMean = varPredMean;
    this.varResid = varResid;
    this.df = df;
    this.dist = dist;
  }

  get seMean(): number[] {
    return this.varPredMean.map(Math.sqrt);
  }

  get seObs(): number[] {
    return this.varPredMean.map((v, i) => Math.sqrt(v + this.varResid[i]));
  }

  /** [lower, upper] per row, for the mean or (obs) for a new observation. */
  confInt(options: { obs?: boolean; alpha?: number } = {}): [number, number][] {
    const alpha = options.alpha ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) throw new Error(`confInt: alpha must be in (0, 1), got ${alpha}.`);
    const q = this.dist === 't' ? tPpf(1 - alpha / 2, this.df) : normalPpf(1 - alpha / 2);
    const se = options.obs ? this.seObs : this.seMean;
    return this.predictedMean.map((m, i) => [m - q * se[i], m + q * se[i]]);
  }

  /** mean, mean_se, mean_ci_lower/upper, obs_ci_lower/upper, as statsmodels' summary_frame(alpha). */
  summaryFrame(alpha = 0.05): PredictionFrame {
    const mean = this.confInt({ alpha });
    const obs = this.confInt({ alpha, obs: true });
    return {
      mean: this.predictedMean.slice(),
      mean_se: this.seMean,
      mean_ci_lower: mean.map((c) => c[0]),
      mean_ci_upper: mean.map((c) => c[1]),
      obs_ci_lower: obs.map((c) => c[0]),
      obs_ci_upper: obs.map((c) => c[1]),
    };
  }
}

const isNumberRows = (v: unknown): v is ArrayLike<ArrayLike<number>> =>
  Array.isArray(v) && v.length > 0 && v.every((row) => (Array.isArray(row) || ArrayBuffer.isView(row)) && Array.from(row as ArrayLike<unknown>).every((x) => typeof x === 'number'));

/** The design rows to predict at: the fit's own rows, rows given, one row, or (formula fits) new data. */
function predictionRows(res: RegressionResults, exog: unknown): number[][] {
  const { model } = res;
  const k = res.kExog;
  if (exog === undefined) return Array.from({ length: model.n }, (_, i) => Array.from({ length: k }, (_, j) => model.exog[j * model.n + i]));
  if (isNumberRows(exog)) return Array.from(exog, (row) => Array.from(row));
  if (Array.isArray(exog) && exog.length > 0 && exog.every((x) => typeof x === 'number')) {
    return k > 1 ? [exog as number[]] : (exog as number[]).map((x) => [x]);
  }
  if (model.designInfo?.build) return model.designInfo.build(exog);
  throw new Error(`getPrediction: exog must be rows of ${k} numbers (number[][]) for this fit; data records work for formula fits only.`);
}

export function getPrediction(res: RegressionResults, exog?: unknown, weights?: ArrayLike<number> | number): PredictionResults {
  const rows = predictionRows(res, exog);
  const k = res.kExog;
  rows.forEach((row, i) => {
    if (row.length !== k) throw new Error(`getPrediction: row ${i} has ${row.length} values; the model has ${k} parameters (${res.exogNames.join(', ')}).`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new Error(`getPrediction: exog[${i}][${j}] is ${v}; predictions need finite values.`);
    });
  });
  const w = weights ?? (exog === undefined && res.model.weights ? res.model.weights : undefined);
  if (w !== undefined && typeof w !== 'number' && w.length !== rows.length) {
    throw new Error(`getPrediction: ${w.length} weights for ${rows.length} rows; give one per row or a single number.`);
  }
  const cov = res.covArray;
  const mean = rows.map((row) => row.reduce((s, v, j) => s + v * res.params[j], 0));
  const varMean = rows.map((row) => {
    let s = 0;
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += row[a] * cov[a * k + b] * row[b];
    return s;
  });
  const varResid = rows.map((_, i) => res.scale / (w === undefined ? 1 : typeof w === 'number' ? w : w[i]));
  return new PredictionResults(mean, varMean, varResid, res.dfResid, res.useT ? 't' : 'norm');
}
