/**
 * What the per-layer regressions found, in sentences computed from the numbers, so that the notebook's
 * conclusions and the report say what this run shows and nothing it does not. On synthetic weights
 * the first sentence says the numbers are not GPT-2's. `covarianceFindings` says what robust
 * (e.g. Newey-West) standard errors change against nonrobust ones, layer by layer, and where the
 * Wald test of lag1 = lag2 rejects.
 */
import { pyFormat } from '../stats/pyformat';
import { neweyWestMaxlags } from '../stats/stattools';
import type { RegressionRow, WaldRow } from './regressions';

/** Which weights produced the numbers: the model spec, and whether its weights are synthetic. */
export interface ModelLabel {
  /** The model spec, e.g. `gpt2`, `gpt2-xl`, `synthetic:gpt2`. */
  model: string;
  /** True when the weights are synthetic (a seeded function of each weight's name, not trained). */
  synthetic: boolean;
}

/** The columns of the regression table that the findings read (which errors, when known). */
export type FindingRow = Pick<RegressionRow, 'layer' | 'term' | 'coef' | 'p' | 'r2' | 'nobs'> & Partial<Pick<RegressionRow, 'cov_type' | 'maxlags'>>;

export interface TermFindings {
  term: string;
  significant: number[];
  positive: number[];
  negative: number[];
  meanCoef: number;
  largest: { layer: number; coef: number };
}

export interface SweepFindings {
  model: string;
  synthetic: boolean;
  alpha: number;
  layers: number[];
  nobs: number[];
  /** The standard errors in words (covarianceName), when the rows say which. */
  covariance?: string;
  terms: TermFindings[];
  r2: { min: { layer: number; value: number }; max: { layer: number; value: number } };
}

const TERM_NAMES: Record<string, string> = { lag1: 'β1 (token t−1)', lag2: 'β2 (token t−2)' };

/** Below this many rows per regression the findings say that the sample is small. */
export const SMALL_SAMPLE = 30;

export function sweepFindings(rows: FindingRow[], label: ModelLabel, alpha = 0.05): SweepFindings {
  const layers = [...new Set(rows.map((r) => r.layer))].sort((a, b) => a - b);
  if (layers.length === 0) throw new Error('sweepFindings: the regression table has no rows');
  for (const layer of layers) {
    const own = rows.filter((r) => r.layer === layer);
    if (own[0].nobs <= own.length) {
      throw new Error(
        `sweepFindings: layer ${layer} has ${own[0].nobs} rows for ${own.length} parameters, so no residual degrees of freedom: ` +
          'nothing can be concluded from it; use a longer text',
      );
    }
  }
  const terms = [...new Set(rows.map((r) => r.term))].filter((t) => t !== 'const');
  const termFindings = terms.map((term) => {
    const own = rows.filter((r) => r.term === term).sort((a, b) => a.layer - b.layer);
    const significant = own.filter((r) => r.p < alpha);
    const largest = own.reduce((best, r) => (Math.abs(r.coef) > Math.abs(best.coef) ? r : best), own[0]);
    return {
      term,
      significant: significant.map((r) => r.layer),
      positive: significant.filter((r) => r.coef > 0).map((r) => r.layer),
      negative: significant.filter((r) => r.coef < 0).map((r) => r.layer),
      meanCoef: own.reduce((s, r) => s + r.coef, 0) / own.length,
      largest: { layer: largest.layer, coef: largest.coef },
    };
  });
  const perLayer = layers.map((layer) => rows.find((r) => r.layer === layer)!);
  const byR2 = [...perLayer].sort((a, b) => a.r2 - b.r2);
  return {
    model: label.model,
    synthetic: label.synthetic,
    alpha,
    layers,
    nobs: [...new Set(perLayer.map((r) => r.nobs))],
    covariance: perLayer[0].cov_type === undefined ? undefined : covarianceName(perLayer[0].cov_type, perLayer[0].maxlags ?? null),
    terms: termFindings,
    r2: {
      min: { layer: byR2[0].layer, value: byR2[0].r2 },
      max: { layer: byR2[byR2.length - 1].layer, value: byR2[byR2.length - 1].r2 },
    },
  };
}

function layerList(layers: number[]): string {
  if (layers.length === 0) return 'none';
  return layers.join(', ');
}

function share(count: number, total: number): string {
  if (count === 0) return 'in no layer';
  if (count === total) return `in all ${total} layers`;
  return `in ${count} of ${total} layers`;
}

/** Which layers, and with which sign, in brackets ('' when none is significant). */
function signs(t: TermFindings, n: number): string {
  if (t.significant.length === 0) return '';
  const which = t.significant.length === n ? '' : `layers ${layerList(t.significant)}; `;
  if (t.positive.length === t.significant.length) return ` (${which}all positive)`;
  if (t.negative.length === t.significant.length) return ` (${which}all negative)`;
  return ` (${which}positive in ${t.positive.length}, negative in ${t.negative.length})`;
}

/** The findings as sentences (plain text, Unicode), one idea each. */
export function findingSentences(f: SweepFindings): string[] {
  const sentences: string[] = [];
  const n = f.layers.length;
  if (f.synthetic) {
    sentences.push(
      `These numbers come from synthetic weights (${f.model}): a seeded stand-in with GPT-2's architecture that was never trained. ` +
        'They show that the pipeline runs end to end; they say nothing about how GPT-2 behaves. ' +
        `Run on the trained weights (model ${trainedModel(f.model)}) for real numbers.`,
    );
  }
  const errors = f.covariance ? `, ${f.covariance} standard errors` : '';
  sentences.push(`Model ${f.model}: ${n} layers, ${f.nobs.join(' / ')} observations per regression, significance level ${f.alpha}${errors}.`);
  const fewest = Math.min(...f.nobs);
  if (fewest < SMALL_SAMPLE) {
    sentences.push(
      `Each regression has only ${fewest} rows, fewer than ${SMALL_SAMPLE}: its p-values and R² rest on so few tokens that ` +
        'they say little; a longer text gives numbers worth reading.',
    );
  }
  for (const t of f.terms) {
    const name = TERM_NAMES[t.term] ?? t.term;
    sentences.push(
      `${name} is significant ${share(t.significant.length, n)}` +
        signs(t, n) +
        `; its mean over layers is ${t.meanCoef.toFixed(3)}, largest in size at layer ${t.largest.layer} (${t.largest.coef.toFixed(3)}).`,
    );
  }
  const expectedByChance = n * f.alpha;
  sentences.push(
    `With ${n} layers tested at ${f.alpha}, about ${expectedByChance.toFixed(1)} significant layers per term would turn up by chance alone, ` +
      'so only counts well above that point to a real pattern.',
  );
  const { min, max } = f.r2;
  // Rounded outwards, so the stated range always holds the R² values.
  const explained = `between ${Math.floor(100 * min.value)}% and ${Math.ceil(100 * max.value)}%`;
  sentences.push(
    `R² runs from ${min.value.toFixed(3)} (layer ${min.layer}) to ${max.value.toFixed(3)} (layer ${max.layer}): ` +
      (max.value < 0.1
        ? 'the previous two tokens explain less than 10% of the variation in every layer.'
        : `the previous two tokens explain ${explained} of the variation, ` +
          (max.value - min.value < 0.25 ? 'a similar share in every layer.' : 'depending on the layer.')),
  );
  const lag1 = f.terms.find((t) => t.term === 'lag1');
  if (lag1) {
    if (lag1.positive.length > n / 2) {
      sentences.push('In most layers, a token whose predecessor got a large attention adjustment tends to get a large one too (β1 > 0, significant).');
    } else if (lag1.negative.length > n / 2) {
      sentences.push('In most layers, a large adjustment for the previous token goes with a smaller one for this token (β1 < 0, significant).');
    } else {
      sentences.push('The previous token\'s adjustment size does not predict this token\'s in most layers (β1 is not significant in a majority of them).');
    }
  }
  return sentences;
}

/** The trained model a synthetic spec stands in for (`synthetic:gpt2-xl` → `gpt2-xl`; the tiny test size → `gpt2`). */
function trainedModel(spec: string): string {
  const size = spec.replace(/^synthetic:/, '');
  return size === 'tiny' ? 'gpt2' : size;
}

/** The sentences as a Markdown list under a heading, for a notebook's display.markdown. */
export function findingsMarkdown(f: SweepFindings, heading = 'What this run shows'): string {
  return sentencesMarkdown(findingSentences(f), f.synthetic, heading);
}

/**
 * Finding sentences (findingSentences, corpusFindingSentences) as a Markdown list under a heading;
 * on synthetic weights their first sentence, the caveat, stands above the list in bold.
 */
export function sentencesMarkdown(sentences: string[], synthetic: boolean, heading = 'What this run shows'): string {
  const [first, ...rest] = sentences;
  const caveat = synthetic ? `> **${first}**\n\n` : '';
  const items = (synthetic ? rest : sentences).map((s) => `- ${s}`).join('\n');
  return `### ${heading}\n\n${caveat}${items}\n`;
}

/** Standard errors in words: `nonrobust`, `HC3`, `HAC (Newey-West, 3 lags)`. */
export function covarianceName(covType: string, maxlags: number | null): string {
  if (covType === 'HAC') return `HAC (Newey-West, ${maxlags} ${maxlags === 1 ? 'lag' : 'lags'})`;
  return covType;
}

/** The regression rows covarianceFindings reads: a term's p-value in a layer, and which errors gave it. */
export type CovarianceRow = Pick<RegressionRow, 'layer' | 'term' | 'p' | 'nobs' | 'cov_type' | 'maxlags'>;
/** The Wald test rows covarianceFindings reads. */
export type EqualityRow = Pick<WaldRow, 'layer' | 'restriction' | 'p' | 'distribution' | 'cov_type' | 'maxlags'>;

/** One sweep's tables under one covariance. */
export interface CovarianceResults {
  rows: CovarianceRow[];
  /** The Wald test of one restriction (lag1 = lag2) in every layer, under the same errors. */
  wald: EqualityRow[];
}

/** A layer whose conclusion about a term changes, with p under the baseline's errors and the chosen ones. */
export interface ChangedLayer {
  layer: number;
  before: number;
  after: number;
}

export interface TermChanges {
  term: string;
  /** Layers where the term is significant, under the baseline's errors and the chosen ones. */
  baseline: number[];
  chosen: number[];
  /** Significant with the baseline's errors, not with the chosen ones; and the other way round. */
  lost: ChangedLayer[];
  gained: ChangedLayer[];
}

export interface CovarianceFindings {
  alpha: number;
  layers: number[];
  nobs: number;
  covType: string;
  maxlags: number | null;
  /** The chosen errors and the baseline's in words (covarianceName). */
  chosen: string;
  baseline: string | null;
  /** Per term other than the constant; empty when there is no baseline to compare with. */
  terms: TermChanges[];
  equality: {
    restriction: string;
    distribution: EqualityRow['distribution'];
    rejected: number[];
    baseline: { distribution: EqualityRow['distribution']; rejected: number[] } | null;
  } | null;
}

function onlyCovariance(rows: Array<Pick<CovarianceRow, 'cov_type' | 'maxlags'>>, which: string): { covType: string; maxlags: number | null } {
  const kinds = [...new Set(rows.map((r) => covarianceName(r.cov_type, r.maxlags)))];
  if (kinds.length !== 1) throw new Error(`covarianceFindings: the ${which} rows mix standard errors (${kinds.join('; ')}); pass one covariance's rows`);
  return { covType: rows[0].cov_type, maxlags: rows[0].maxlags };
}

/**
 * What the chosen standard errors change against the baseline's (nonrobust, normally) with the same
 * coefficients: which layers' terms gain or lose significance at `alpha`, and in which layers the
 * Wald test of the restriction (lag1 = lag2) rejects under each. With no baseline, or a baseline with
 * the same errors, only the Wald tests.
 */
export function covarianceFindings(chosen: CovarianceResults, baseline: CovarianceResults | null, alpha = 0.05): CovarianceFindings {
  if (chosen.rows.length === 0) throw new Error('covarianceFindings: the regression table has no rows');
  const { covType, maxlags } = onlyCovariance(chosen.rows, 'chosen');
  const layers = [...new Set(chosen.rows.map((r) => r.layer))].sort((a, b) => a - b);
  const name = covarianceName(covType, maxlags);
  const base = baseline && baseline.rows.length > 0 ? onlyCovariance(baseline.rows, 'baseline') : null;
  const compared = base && covarianceName(base.covType, base.maxlags) !== name ? baseline : null;
  const terms = [...new Set(chosen.rows.map((r) => r.term))].filter((t) => t !== 'const');
  const termChanges = compared
    ? terms.map((term) => {
        const pOf = (rows: CovarianceRow[], layer: number) => {
          const row = rows.find((r) => r.layer === layer && r.term === term);
          if (!row) throw new Error(`covarianceFindings: no ${term} row for layer ${layer} in the baseline; pass the same layers and terms`);
          return row.p;
        };
        const pairs = layers.map((layer) => ({ layer, before: pOf(compared.rows, layer), after: pOf(chosen.rows, layer) }));
        return {
          term,
          baseline: pairs.filter((x) => x.before < alpha).map((x) => x.layer),
          chosen: pairs.filter((x) => x.after < alpha).map((x) => x.layer),
          lost: pairs.filter((x) => x.before < alpha && !(x.after < alpha)),
          gained: pairs.filter((x) => !(x.before < alpha) && x.after < alpha),
        };
      })
    : [];
  const rejected = (rows: EqualityRow[]) => rows.filter((r) => r.p < alpha).map((r) => r.layer).sort((a, b) => a - b);
  const equality =
    chosen.wald.length === 0
      ? null
      : {
          restriction: chosen.wald[0].restriction,
          distribution: chosen.wald[0].distribution,
          rejected: rejected(chosen.wald),
          baseline: compared && compared.wald.length > 0 ? { distribution: compared.wald[0].distribution, rejected: rejected(compared.wald) } : null,
        };
  return {
    alpha,
    layers,
    nobs: chosen.rows[0].nobs,
    covType,
    maxlags,
    chosen: name,
    baseline: compared ? covarianceName(base!.covType, base!.maxlags) : null,
    terms: termChanges,
    equality,
  };
}

/** "layer 4 (p 0.0312 → 0.0871)", "layers 4 (...) and 7 (...)". */
function changedLayers(changes: ChangedLayer[]): string {
  const each = changes.map((c) => `${c.layer} (p ${pyFormat('%#.3g', c.before)} → ${pyFormat('%#.3g', c.after)})`);
  return `${changes.length === 1 ? 'layer' : 'layers'} ${andList(each)}`;
}

function andList(items: Array<string | number>): string {
  return items.length === 1 ? String(items[0]) : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function layersNamed(layers: number[]): string {
  return `${layers.length === 1 ? 'layer' : 'layers'} ${andList(layers)}`;
}

const WALD_NAME: Record<EqualityRow['distribution'], string> = { F: 'F test', chi2: 'chi-square Wald test' };

/** Where a test rejects, as a phrase: "in no layer", "in every layer", "in layers 0 and 3 (2 of 12)". */
function whereRejected(rejected: number[], n: number): string {
  if (rejected.length === 0) return 'in no layer';
  if (rejected.length === n) return `in every layer (all ${n})`;
  return `in ${layersNamed(rejected)} (${rejected.length} of ${n})`;
}

/** The covariance findings as sentences (plain text, Unicode). */
export function covarianceSentences(f: CovarianceFindings): string[] {
  const sentences: string[] = [];
  const n = f.layers.length;
  if (f.covType === 'HAC') {
    const rule = neweyWestMaxlags(f.nobs);
    const lags =
      f.maxlags === rule
        ? `${f.maxlags} lags, the usual rule ⌊4 (n/100)^(2/9)⌋ for n = ${f.nobs} rows`
        : `${f.maxlags} lags (the usual rule ⌊4 (n/100)^(2/9)⌋ would give ${rule} for n = ${f.nobs} rows)`;
    sentences.push(
      `Standard errors: Newey-West (HAC) with ${lags}. They allow the errors of tokens up to ${f.maxlags} apart to be correlated, ` +
        'and of unequal variance; as statsmodels does, their p-values come from the normal distribution.',
    );
  } else if (f.covType !== 'nonrobust') {
    sentences.push(
      `Standard errors: ${f.covType}. They allow the errors to have unequal variance; as statsmodels does, their p-values come from the normal distribution.`,
    );
  }
  for (const t of f.terms) {
    const name = TERM_NAMES[t.term] ?? t.term;
    if (t.lost.length === 0 && t.gained.length === 0) {
      const where =
        t.chosen.length === 0
          ? 'in no layer with either errors'
          : t.chosen.length === n
            ? `in all ${n} layers with both errors`
            : `in the same layers with both errors (${layersNamed(t.chosen)})`;
      sentences.push(`${name} is significant ${where}: no conclusion about it changes with ${f.chosen} errors.`);
      continue;
    }
    const changes = [
      t.lost.length ? `loses significance in ${changedLayers(t.lost)}` : '',
      t.gained.length ? `gains it in ${changedLayers(t.gained)}` : '',
    ].filter(Boolean);
    sentences.push(
      `${name} is significant ${share(t.chosen.length, n)} with ${f.chosen} errors, against ${t.baseline.length} with ${f.baseline} errors: ` +
        `it ${changes.join(' and ')}.`,
    );
  }
  if (f.equality) {
    const { restriction, distribution, rejected, baseline } = f.equality;
    const verdict =
      rejected.length === 0
        ? 'the data cannot tell the weights of tokens t−1 and t−2 apart in any layer.'
        : rejected.length === n
          ? 'tokens t−1 and t−2 weigh differently in every layer.'
          : 'there tokens t−1 and t−2 weigh differently; elsewhere the data cannot tell their weights apart.';
    sentences.push(
      `β1 = β2 (${restriction}; ${WALD_NAME[distribution]} with ${f.chosen} errors) is rejected at ${f.alpha} ${whereRejected(rejected, n)}: ${verdict}`,
    );
    if (baseline) {
      const lost = baseline.rejected.filter((l) => !rejected.includes(l));
      const gained = rejected.filter((l) => !baseline.rejected.includes(l));
      const other = `With ${f.baseline} errors (${WALD_NAME[baseline.distribution]}) it is rejected ${whereRejected(baseline.rejected, n)}`;
      if (lost.length === 0 && gained.length === 0) {
        sentences.push(`${other}: this conclusion does not change.`);
      } else {
        const changes = [lost.length ? `no longer rejected in ${layersNamed(lost)}` : '', gained.length ? `newly rejected in ${layersNamed(gained)}` : ''].filter(Boolean);
        sentences.push(`${other}; with ${f.chosen} errors it is ${changes.join(' and ')}.`);
      }
    }
  }
  return sentences;
}

/** The covariance findings as a Markdown list under a heading. */
export function covarianceMarkdown(f: CovarianceFindings, heading = `What ${f.chosen} errors change`): string {
  return `### ${heading}\n\n${covarianceSentences(f).map((s) => `- ${s}`).join('\n')}\n`;
}
