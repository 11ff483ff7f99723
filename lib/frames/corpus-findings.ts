/**
 * What the corpus regressions found, in sentences computed from the numbers: the pooled betas read
 * as for one text (findings.ts), then what only a corpus shows: how many texts and clusters are
 * behind the errors, whether the texts' own fits agree with the pooled beta, whether lag 1's beta
 * differs between layers, which heads carry the adjustment's squared norm, and what changes without
 * c_proj's bias. Each sentence says only what its numbers support.
 */
import type { HeadShares } from './corpus-head-shares';
import type { CorpusRegressionRow, LagEqualityTest } from './corpus-regressions';
import type { TextBetaSpread } from './corpus-text-fits';
import { MIN_TEXT_ROWS } from './corpus-text-fits';
import { SweepFindings, findingSentences, sweepFindings } from './findings';
import { formatPValue } from '../stats/pyformat';

export interface CorpusFindingsInput {
  label: { model: string; synthetic: boolean };
  /** corpusRegressionRows of the pooled fits of log‖a_t‖. */
  pooled: CorpusRegressionRow[];
  /** textBetaSpread of the texts' own fits. */
  spread: TextBetaSpread[];
  /** lagEqualityTest of the pooled fits. */
  equality: LagEqualityTest;
  /** HeadShareAccumulator.means(), when the run decomposed the heads. */
  heads?: HeadShares;
  /** corpusRegressionRows of the pooled fits of log‖a_t − b_O‖. */
  withoutBias?: CorpusRegressionRow[];
  alpha?: number;
}

const NAMES: Record<string, string> = { lag1: 'β1 (token t−1)', lag2: 'β2 (token t−2)' };

const pText = (p: number) => `p = ${formatPValue(p)}`;
const pct = (share: number) => `${Math.round(100 * share)}%`;

function range<T>(items: T[], value: (item: T) => number): { low: T; high: T } {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return { low: sorted[0], high: sorted[sorted.length - 1] };
}

function spreadSentences(spread: TextBetaSpread[], pooled: CorpusRegressionRow[], alpha: number): string[] {
  if (spread.length === 0) throw new Error('corpusFindingSentences: spread has no rows; pass textBetaSpread(perTextFits(design))');
  // Every layer has the same rows, so the same texts are too short in each; collinear lags can differ by layer.
  const { texts, tooShort } = spread[0];
  const where = spread.every((s) => s.texts === texts) ? 'in every layer' : `in layer ${spread[0].layer}`;
  const collinear = Math.max(...spread.map((s) => s.rankDeficient));
  const sentences = [
    `Each text's own fit: ${texts} of ${texts + tooShort + spread[0].rankDeficient} texts are fitted ${where}; ` +
      `${tooShort} ${tooShort === 1 ? 'is' : 'are'} too short for a fit of ${tooShort === 1 ? 'its' : 'their'} own (fewer than ${MIN_TEXT_ROWS} rows)` +
      (collinear > 0 ? `, and in some layer up to ${collinear} ${collinear === 1 ? 'has' : 'have'} collinear lags and ${collinear === 1 ? 'is' : 'are'} left out too` : '') +
      '.',
  ];
  for (const term of ['lag1', 'lag2']) {
    const own = spread.filter((s) => s.term === term && s.texts > 0);
    if (own.length === 0) continue;
    const median = range(own, (s) => s.median);
    const share = range(own, (s) => s.shareSignificant);
    const inside = own.filter((s) => {
      const row = pooled.find((r) => r.layer === s.layer && r.term === term);
      return row !== undefined && row.coef >= s.q1 && row.coef <= s.q3;
    }).length;
    sentences.push(
      `The texts' own ${NAMES[term]} has a median from ${median.low.median.toFixed(3)} (layer ${median.low.layer}) to ${median.high.median.toFixed(3)} (layer ${median.high.layer}); ` +
        `${share.low.shareSignificant === share.high.shareSignificant ? `${pct(share.low.shareSignificant)} of texts in every layer` : `${pct(share.low.shareSignificant)} to ${pct(share.high.shareSignificant)} of texts`} find it significant at ${alpha}, ` +
        `and the pooled beta lies within the texts' quartiles in ${inside} of ${own.length} layers.`,
    );
  }
  return sentences;
}

function equalitySentences(test: LagEqualityTest, alpha: number): string[] {
  const L = test.layers.length;
  const name = NAMES[test.term] ?? test.term;
  const statistic = test.distribution === 'F' ? `F(${test.dfNum}, ${test.dfDenom}) = ${test.statistic.toFixed(2)}` : `χ²(${test.dfNum}) = ${test.statistic.toFixed(2)}`;
  const sentences = [
    `Is ${name} the same in all ${L} layers? The Wald test on the stacked model, errors clustered by text, gives ${statistic}, ${pText(test.pvalue)}: ` +
      (test.pvalue < alpha
        ? `equality is rejected at ${alpha}; ${name} differs between layers.`
        : `equality is not rejected at ${alpha}; these data do not show ${name} differing between layers (which is not evidence that it is equal).`),
  ];
  if (test.dfNum < L - 1) {
    sentences.push(
      `With ${test.clusters} texts the clustered covariance has rank below the ${L - 1} restrictions, so the test has ${test.dfNum} degrees of freedom; more texts than layers are needed for a full test.`,
    );
  }
  return sentences;
}

function headSentences(h: HeadShares): string[] {
  const cells = h.layers.flatMap((layer, i) => h.share[i].map((share, head) => ({ layer, head, share })));
  const top = [...cells].sort((a, b) => b.share - a.share).slice(0, 3);
  const perLayer = h.layers.map((layer, i) => {
    const best = h.share[i].reduce((b, share, head) => (share > h.share[i][b] ? head : b), 0);
    return `layer ${layer}: head ${best} (${h.share[i][best].toFixed(2)})`;
  });
  const bias = range(h.layers.map((layer, i) => ({ layer, share: h.bias[i] })), (b) => b.share);
  const negative = cells.filter((c) => c.share < 0).length;
  return [
    `Heads (mean share of ‖a_t‖² over ${[...new Set(h.tokens)].map((n) => n.toLocaleString('en-US')).join(' / ')} measured tokens per layer; each layer's shares and the bias's sum to 1): ` +
      `the largest are ${top.map((c) => `head ${c.head} of layer ${c.layer} (${c.share.toFixed(2)})`).join(', ')}.`,
    `The head with the largest share in each layer: ${perLayer.join('; ')}.`,
    `c_proj's bias b_O carries from ${bias.low.share.toFixed(2)} (layer ${bias.low.layer}) to ${bias.high.share.toFixed(2)} (layer ${bias.high.layer}) of ‖a_t‖²; ` +
      `${negative} of ${cells.length} head-layer shares ${negative === 1 ? 'is' : 'are'} negative (the head writes against the rest, on average).`,
  ];
}

function withoutBiasSentence(withBias: SweepFindings, without: SweepFindings): string {
  const count = (f: SweepFindings) => f.terms.find((t) => t.term === 'lag1')!;
  const a = count(withBias);
  const b = count(without);
  const L = withBias.layers.length;
  return (
    `Refitted on log‖a_t − b_O‖ (the adjustment without c_proj's bias): β1 is positive and significant in ${b.positive.length} of ${L} layers ` +
    `(${a.positive.length} with the bias), negative and significant in ${b.negative.length} (${a.negative.length}); its mean over layers is ${b.meanCoef.toFixed(3)} (${a.meanCoef.toFixed(3)}).`
  );
}

/** The corpus findings as sentences (plain text, Unicode), one idea each; the first is the synthetic-weights caveat when it applies. */
export function corpusFindingSentences(input: CorpusFindingsInput): string[] {
  const alpha = input.alpha ?? 0.05;
  for (const [rows, response, what] of [[input.pooled, 'log_norm', 'pooled'], [input.withoutBias ?? [], 'log_norm_without_bias', 'withoutBias']] as const) {
    const other = rows.find((r) => r.response !== response);
    if (other) throw new Error(`corpusFindingSentences: ${what} has a row of response ${other.response}; pass the rows of the ${response} fits there`);
  }
  const pooled = sweepFindings(input.pooled, input.label, alpha);
  const clusters = [...new Set(input.pooled.map((r) => r.clusters))];
  const sentences = findingSentences(pooled);
  sentences.push(`Each layer's regression pools the whole corpus; standard errors are clustered by text (${clusters.join(' / ')} texts), so tokens of one text are not counted as independent.`);
  sentences.push(...spreadSentences(input.spread, input.pooled, alpha));
  sentences.push(...equalitySentences(input.equality, alpha));
  if (input.heads) sentences.push(...headSentences(input.heads));
  if (input.withoutBias) sentences.push(withoutBiasSentence(pooled, sweepFindings(input.withoutBias, input.label, alpha)));
  return sentences;
}
