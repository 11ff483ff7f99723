// The corpus findings say what the numbers say: on the synthetic corpus, the counts and values in
// the sentences are read from statsmodels' goldens (not from our fits), and the head sentences from
// shares written by hand.
import { describe, expect, it } from 'vitest';
import { corpusFindingSentences } from '../lib/frames/corpus-findings';
import { sentencesMarkdown } from '../lib/frames/findings';
import type { HeadShares } from '../lib/frames/corpus-head-shares';
import { corpusLagDesign } from '../lib/frames/corpus-norms';
import { LagEqualityTest, corpusRegressionRows, lagEqualityTest, pooledLayerFits } from '../lib/frames/corpus-regressions';
import { perTextFits, textBetaSpread } from '../lib/frames/corpus-text-fits';
import { CORPUS_GOLDENS, goldenCorpus } from './helpers/corpus';

const G = CORPUS_GOLDENS;
const design = corpusLagDesign(goldenCorpus());
const fits = pooledLayerFits(design);
const input = {
  label: { model: 'synthetic:gpt2', synthetic: true },
  pooled: corpusRegressionRows(fits),
  spread: textBetaSpread(perTextFits(design)),
  equality: lagEqualityTest(fits),
  withoutBias: corpusRegressionRows(pooledLayerFits(corpusLagDesign(goldenCorpus(), 'log_norm_without_bias'))),
};
const heads: HeadShares = { layers: [0, 1], heads: 3, share: [[0.5, 0.3, -0.1], [0.1, 0.6, 0.2]], bias: [0.3, 0.1], tokens: [120, 120], texts: 8 };
const sentences = corpusFindingSentences({ ...input, heads });
const find = (pattern: RegExp) => {
  const found = sentences.filter((s) => pattern.test(s));
  expect(found.length, `one sentence matches ${pattern}`).toBe(1);
  return found[0];
};

describe('corpus findings on the synthetic corpus', () => {
  it('starts with the synthetic-weights caveat and says the errors are clustered by text', () => {
    expect(sentences[0]).toMatch(/synthetic weights \(synthetic:gpt2\).*say nothing about how GPT-2 behaves/);
    expect(find(/^Each layer's regression pools the whole corpus/)).toContain(`standard errors are clustered by text (${G.pooled[0].clusters} texts)`);
  });

  it('counts the layers where each pooled beta is significant, as statsmodels\' p-values do', () => {
    for (const [k, name] of [[1, 'β1 \\(token t−1\\)'], [2, 'β2 \\(token t−2\\)']] as const) {
      const significant = G.pooled.filter((g: any) => g.pvalues[k] < 0.05);
      const positive = significant.filter((g: any) => g.params[k] > 0).length;
      const sentence = find(new RegExp(`^${name} is significant`));
      const count = significant.length === 4 ? 'in all 4 layers' : `in ${significant.length} of 4 layers`;
      expect(sentence).toContain(count);
      if (positive === significant.length) expect(sentence).toContain('all positive');
    }
  });

  it('reports the texts\' own betas from numpy\'s percentiles and statsmodels\' per-text p-values', () => {
    const summary = G.per_text_summary.filter((s: any) => s.term === 'lag1');
    const medians = summary.map((s: any) => s.median).sort((a: number, b: number) => a - b);
    const shares = summary.map((s: any) => Math.round(100 * s.share_significant)).sort((a: number, b: number) => a - b);
    const inside = summary.filter((s: any) => G.pooled[s.layer].params[1] >= s.q1 && G.pooled[s.layer].params[1] <= s.q3).length;
    const sentence = find(/^The texts' own β1/);
    expect(sentence).toContain(`a median from ${medians[0].toFixed(3)}`);
    expect(sentence).toContain(`to ${medians[3].toFixed(3)}`);
    expect(sentence).toContain(`${shares[0]}% to ${shares[3]}% of texts find it significant at 0.05`);
    expect(sentence).toContain(`within the texts' quartiles in ${inside} of 4 layers`);
    // gamma (5 tokens, 2 rows) is the one text statsmodels did not fit
    expect(G.per_text_summary[0].too_short).toEqual(['gamma']);
    expect(find(/^Each text's own fit/)).toBe("Each text's own fit: 7 of 8 texts are fitted in every layer; 1 is too short for a fit of its own (fewer than 4 rows).");
  });

  it('reports the Wald test with statsmodels\' statistic and p-value and what it means', () => {
    const sentence = find(/^Is β1 \(token t−1\) the same in all 4 layers\?/);
    expect(sentence).toContain(`χ²(3) = ${G.stacked.statistic.toFixed(2)}`);
    expect(sentence).toContain('p = 7.45e-07'); // '%#.3g' % the golden p-value, the workbook's one style
    expect(G.stacked.pvalue).toBeLessThan(0.05);
    expect(sentence).toContain('equality is rejected at 0.05');
  });

  it('says a test that is not rejected is not evidence of equality, and when the clusters are too few', () => {
    const weak: LagEqualityTest = { ...input.equality, statistic: 1.2, pvalue: 0.55, dfNum: 2, layers: [0, 1, 2, 3, 4], clusters: 3 };
    const out = corpusFindingSentences({ ...input, equality: weak });
    expect(out.find((s) => s.startsWith('Is β1'))).toMatch(/χ²\(2\) = 1\.20, p = 0\.550: equality is not rejected at 0\.05; .*not evidence that it is equal/);
    expect(out).toContain('With 3 texts the clustered covariance has rank below the 4 restrictions, so the test has 2 degrees of freedom; more texts than layers are needed for a full test.');
  });

  it('names the heads that carry most of ‖a_t‖², the bias\'s range and the negative shares', () => {
    expect(find(/the largest are/)).toContain('head 1 of layer 1 (0.60), head 0 of layer 0 (0.50), head 1 of layer 0 (0.30)');
    expect(find(/largest share in each layer/)).toBe('The head with the largest share in each layer: layer 0: head 0 (0.50); layer 1: head 1 (0.60).');
    expect(find(/bias b_O carries/)).toBe(
      'c_proj\'s bias b_O carries from 0.10 (layer 1) to 0.30 (layer 0) of ‖a_t‖²; 1 of 6 head-layer shares is negative (the head writes against the rest, on average).',
    );
  });

  it('compares β1 without c_proj\'s bias with β1 with it, from statsmodels\' fits of both', () => {
    const count = (goldens: any[]) => goldens.filter((g) => g.pvalues[1] < 0.05 && g.params[1] > 0).length;
    const mean = (goldens: any[]) => goldens.reduce((s, g) => s + g.params[1], 0) / goldens.length;
    const sentence = find(/^Refitted on log‖a_t − b_O‖/);
    expect(sentence).toContain(`positive and significant in ${count(G.pooled_without_bias)} of 4 layers (${count(G.pooled)} with the bias)`);
    expect(sentence).toContain(`its mean over layers is ${mean(G.pooled_without_bias).toFixed(3)} (${mean(G.pooled).toFixed(3)})`);
  });

  it('leaves out the heads and the refit when the run did not make them', () => {
    const plain = corpusFindingSentences({ ...input, withoutBias: undefined });
    expect(plain.some((s) => /head|b_O/.test(s))).toBe(false);
    expect(corpusFindingSentences({ ...input, label: { model: 'gpt2', synthetic: false } })[0]).toMatch(/^Model gpt2: 4 layers, 75 observations/);
  });

  it('refuses rows of the wrong response', () => {
    expect(() => corpusFindingSentences({ ...input, pooled: input.withoutBias })).toThrow(/pooled has a row of response log_norm_without_bias; pass the rows of the log_norm fits there/);
    expect(() => corpusFindingSentences({ ...input, withoutBias: input.pooled })).toThrow(/withoutBias has a row of response log_norm; pass the rows of the log_norm_without_bias fits there/);
  });

  it('as Markdown: the caveat above the list on synthetic weights, every sentence a list item otherwise', () => {
    const synthetic = sentencesMarkdown(sentences, true, 'What the corpus shows');
    expect(synthetic.startsWith(`### What the corpus shows\n\n> **${sentences[0]}**\n\n- ${sentences[1]}\n`)).toBe(true);
    expect(synthetic.match(/^- /gm)).toHaveLength(sentences.length - 1);
    const trained = sentencesMarkdown(sentences.slice(1), false);
    expect(trained.startsWith(`### What this run shows\n\n- ${sentences[1]}\n`)).toBe(true);
    expect(trained.match(/^- /gm)).toHaveLength(sentences.length - 1);
  });
});
