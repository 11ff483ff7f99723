/**
 * What the per-layer regressions found, in sentences computed from the numbers, so that the notebook's
 * conclusions and the report say what this run shows and nothing it does not. On synthetic weights
 * the first sentence says the numbers are not GPT-2's.
 */
import type { RegressionRow } from './regressions';

/** Which weights produced the numbers: the model spec, and whether its weights are synthetic. */
export interface ModelLabel {
  /** The model spec, e.g. `gpt2`, `gpt2-xl`, `synthetic:gpt2`. */
  model: string;
  /** True when the weights are synthetic (a seeded function of each weight's name, not trained). */
  synthetic: boolean;
}

/** The columns of the regression table that the findings read. */
export type FindingRow = Pick<RegressionRow, 'layer' | 'term' | 'coef' | 'p' | 'r2' | 'nobs'>;

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
  sentences.push(`Model ${f.model}: ${n} layers, ${f.nobs.join(' / ')} observations per regression, significance level ${f.alpha}.`);
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
  const [first, ...rest] = findingSentences(f);
  const caveat = f.synthetic ? `> **${first}**\n\n` : '';
  const items = (f.synthetic ? rest : [first, ...rest]).map((s) => `- ${s}`).join('\n');
  return `### ${heading}\n\n${caveat}${items}\n`;
}
