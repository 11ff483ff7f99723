import { describe, expect, it } from 'vitest';
import {
  CovarianceResults,
  covarianceFindings,
  covarianceMarkdown,
  covarianceSentences,
  findingSentences,
  findingsMarkdown,
  sweepFindings,
} from '../lib/frames/findings';

// Four layers: lag1 positive and significant in layers 0, 1, 3; lag2 significant (negative) in layer 2.
const rows = [0, 1, 2, 3].flatMap((layer) => [
  { layer, term: 'const', coef: 1, p: 0.5, r2: 0.2 + 0.1 * layer, nobs: 92 },
  { layer, term: 'lag1', coef: layer === 2 ? 0.05 : 0.4, p: layer === 2 ? 0.6 : 0.001, r2: 0.2 + 0.1 * layer, nobs: 92 },
  { layer, term: 'lag2', coef: layer === 2 ? -0.3 : 0.01, p: layer === 2 ? 0.01 : 0.9, r2: 0.2 + 0.1 * layer, nobs: 92 },
]);

describe('sweep findings', () => {
  it('counts significant layers by sign, and finds the R² range', () => {
    const f = sweepFindings(rows, { model: 'gpt2', synthetic: false });
    const lag1 = f.terms.find((t) => t.term === 'lag1')!;
    const lag2 = f.terms.find((t) => t.term === 'lag2')!;
    expect(lag1.significant).toEqual([0, 1, 3]);
    expect(lag1.positive).toEqual([0, 1, 3]);
    expect(lag2.negative).toEqual([2]);
    expect(lag2.largest).toEqual({ layer: 2, coef: -0.3 });
    expect(f.r2.min).toEqual({ layer: 0, value: 0.2 });
    expect(f.r2.max.layer).toBe(3);
    expect(f.r2.max.value).toBeCloseTo(0.5, 12);
  });

  it('says what the numbers show, and only that', () => {
    const sentences = findingSentences(sweepFindings(rows, { model: 'gpt2', synthetic: false }));
    expect(sentences.join('\n')).toContain('β1 (token t−1) is significant in 3 of 4 layers (layers 0, 1, 3; all positive)');
    expect(sentences.join('\n')).toContain('β2 (token t−2) is significant in 1 of 4 layers (layers 2; all negative)');
    expect(sentences.join('\n')).toContain('tends to get a large one too');
    expect(sentences.join('\n')).not.toMatch(/synthetic/i);
  });

  it('states the R² range it saw, rounded outwards, and never "at least half" for 0.92 to 1.00', () => {
    const high = rows.map((r) => ({ ...r, r2: r.layer === 0 ? 0.99996 : 0.9207 + 0.01 * (r.layer - 1) }));
    const text = findingSentences(sweepFindings(high, { model: 'gpt2', synthetic: false })).join('\n');
    expect(text).toContain('R² runs from 0.921 (layer 1) to 1.000 (layer 0): the previous two tokens explain between 92% and 100% of the variation, a similar share in every layer.');
    expect(text).not.toMatch(/half/);
    const spread = findingSentences(sweepFindings(rows, { model: 'gpt2', synthetic: false })).join('\n');
    expect(spread).toContain('between 20% and 50% of the variation, depending on the layer.');
    const low = rows.map((r) => ({ ...r, r2: 0.01 * (r.layer + 1) }));
    expect(findingSentences(sweepFindings(low, { model: 'gpt2', synthetic: false })).join('\n')).toContain('less than 10% of the variation in every layer');
  });

  it('draws nothing from fits without residual degrees of freedom, and says when rows are few', () => {
    const three = rows.map((r) => ({ ...r, nobs: 3 }));
    expect(() => sweepFindings(three, { model: 'gpt2', synthetic: false })).toThrow(
      'layer 0 has 3 rows for 3 parameters, so no residual degrees of freedom',
    );
    const few = findingSentences(sweepFindings(rows.map((r) => ({ ...r, nobs: 4 })), { model: 'gpt2', synthetic: false }));
    expect(few[1]).toBe('Each regression has only 4 rows, fewer than 30: its p-values and R² rest on so few tokens that they say little; a longer text gives numbers worth reading.');
    const enough = findingSentences(sweepFindings(rows.map((r) => ({ ...r, nobs: 30 })), { model: 'gpt2', synthetic: false }));
    expect(enough.join('\n')).not.toContain('fewer than 30');
  });

  it('points synthetic weights at the trained model of the same size', () => {
    const xl = findingSentences(sweepFindings(rows, { model: 'synthetic:gpt2-xl', synthetic: true }))[0];
    expect(xl).toContain('Run on the trained weights (model gpt2-xl)');
    expect(findingSentences(sweepFindings(rows, { model: 'synthetic:tiny', synthetic: true }))[0]).toContain('(model gpt2)');
  });

  it('puts the synthetic caveat first on synthetic weights', () => {
    const markdown = findingsMarkdown(sweepFindings(rows, { model: 'synthetic:gpt2', synthetic: true }));
    expect(markdown).toMatch(/^### What this run shows\n\n> \*\*These numbers come from synthetic weights \(synthetic:gpt2\)/);
    expect(markdown).toContain('say nothing about how GPT-2 behaves');
  });
});

describe('sweep findings name the standard errors when the rows say which', () => {
  it('adds them to the opening sentence', () => {
    const hac = rows.map((r) => ({ ...r, cov_type: 'HAC', maxlags: 3 }));
    expect(findingSentences(sweepFindings(hac, { model: 'gpt2', synthetic: false }))[0]).toBe(
      'Model gpt2: 4 layers, 92 observations per regression, significance level 0.05, HAC (Newey-West, 3 lags) standard errors.',
    );
    const plain = rows.map((r) => ({ ...r, cov_type: 'nonrobust', maxlags: null }));
    expect(findingSentences(sweepFindings(plain, { model: 'gpt2', synthetic: false }))[0]).toMatch(/level 0\.05, nonrobust standard errors\.$/);
  });
});

// Four layers of 92 rows. Nonrobust: lag1 significant in layers 0, 1, 3; lag2 in layer 2; lag1 = lag2
// rejected (F) in layers 0 and 3. HAC (3 lags): lag1 loses layer 1 (p 0.0312 → 0.0871) and gains
// layer 2 (p 0.0600 → 0.0400); lag2 unchanged; lag1 = lag2 rejected (chi-square) in layer 0 only.
const layerRows = (covType: string, maxlags: number | null, p: Record<string, number[]>) =>
  [0, 1, 2, 3].flatMap((layer) =>
    ['const', 'lag1', 'lag2'].map((term) => ({ layer, term, p: term === 'const' ? 0.5 : p[term][layer], nobs: 92, cov_type: covType, maxlags })),
  );
const waldRows = (covType: string, maxlags: number | null, distribution: 'F' | 'chi2', p: number[]) =>
  p.map((value, layer) => ({ layer, restriction: 'lag1 = lag2', p: value, distribution, cov_type: covType, maxlags }));
const nonrobust: CovarianceResults = {
  rows: layerRows('nonrobust', null, { lag1: [0.001, 0.0312, 0.06, 0.002], lag2: [0.5, 0.7, 0.01, 0.3] }),
  wald: waldRows('nonrobust', null, 'F', [0.001, 0.2, 0.3, 0.04]),
};
const hac: CovarianceResults = {
  rows: layerRows('HAC', 3, { lag1: [0.004, 0.0871, 0.04, 0.01], lag2: [0.6, 0.8, 0.02, 0.4] }),
  wald: waldRows('HAC', 3, 'chi2', [0.003, 0.3, 0.4, 0.09]),
};

describe('what robust standard errors change', () => {
  it('finds the layers whose significance changes, and where lag1 = lag2 is rejected under each', () => {
    const f = covarianceFindings(hac, nonrobust);
    const lag1 = f.terms.find((t) => t.term === 'lag1')!;
    expect(lag1.baseline).toEqual([0, 1, 3]);
    expect(lag1.chosen).toEqual([0, 2, 3]);
    expect(lag1.lost).toEqual([{ layer: 1, before: 0.0312, after: 0.0871 }]);
    expect(lag1.gained).toEqual([{ layer: 2, before: 0.06, after: 0.04 }]);
    const lag2 = f.terms.find((t) => t.term === 'lag2')!;
    expect([lag2.lost, lag2.gained]).toEqual([[], []]);
    expect(f.equality).toEqual({ restriction: 'lag1 = lag2', distribution: 'chi2', rejected: [0], baseline: { distribution: 'F', rejected: [0, 3] } });
    expect([f.chosen, f.baseline, f.nobs]).toEqual(['HAC (Newey-West, 3 lags)', 'nonrobust', 92]);
  });

  it('says so in sentences: the lag rule, each change with its p-values, and the Wald tests', () => {
    const sentences = covarianceSentences(covarianceFindings(hac, nonrobust));
    expect(sentences).toEqual([
      'Standard errors: Newey-West (HAC) with 3 lags, the usual rule ⌊4 (n/100)^(2/9)⌋ for n = 92 rows. They allow the errors of tokens up to 3 apart ' +
        'to be correlated, and of unequal variance; as statsmodels does, their p-values come from the normal distribution.',
      'β1 (token t−1) is significant in 3 of 4 layers with HAC (Newey-West, 3 lags) errors, against 3 with nonrobust errors: ' +
        'it loses significance in layer 1 (p 0.0312 → 0.0871) and gains it in layer 2 (p 0.0600 → 0.0400).',
      'β2 (token t−2) is significant in the same layers with both errors (layer 2): no conclusion about it changes with HAC (Newey-West, 3 lags) errors.',
      'β1 = β2 (lag1 = lag2; chi-square Wald test with HAC (Newey-West, 3 lags) errors) is rejected at 0.05 in layer 0 (1 of 4): ' +
        'there tokens t−1 and t−2 weigh differently; elsewhere the data cannot tell their weights apart.',
      'With nonrobust errors (F test) it is rejected in layers 0 and 3 (2 of 4); with HAC (Newey-West, 3 lags) errors it is no longer rejected in layer 3.',
    ]);
  });

  it('names lags other than the rule, and says when nothing changes', () => {
    const five = {
      rows: nonrobust.rows.map((r) => ({ ...r, cov_type: 'HAC', maxlags: 5 })),
      wald: nonrobust.wald.map((r) => ({ ...r, cov_type: 'HAC', maxlags: 5, distribution: 'chi2' as const })),
    };
    const sentences = covarianceSentences(covarianceFindings(five, nonrobust));
    expect(sentences[0]).toContain('with 5 lags (the usual rule ⌊4 (n/100)^(2/9)⌋ would give 3 for n = 92 rows)');
    expect(sentences[1]).toBe(
      'β1 (token t−1) is significant in the same layers with both errors (layers 0, 1 and 3): no conclusion about it changes with HAC (Newey-West, 5 lags) errors.',
    );
    expect(sentences[4]).toBe('With nonrobust errors (F test) it is rejected in layers 0 and 3 (2 of 4): this conclusion does not change.');
  });

  it('reports a test rejected nowhere or everywhere, and newly rejected layers', () => {
    const nowhere = { ...hac, wald: waldRows('HAC', 3, 'chi2', [0.3, 0.3, 0.4, 0.09]) };
    const text = covarianceSentences(covarianceFindings(nowhere, nonrobust));
    expect(text[3]).toMatch(/is rejected at 0\.05 in no layer: the data cannot tell the weights of tokens t−1 and t−2 apart in any layer\.$/);
    expect(text[4]).toBe('With nonrobust errors (F test) it is rejected in layers 0 and 3 (2 of 4); with HAC (Newey-West, 3 lags) errors it is no longer rejected in layers 0 and 3.');
    const everywhere = { ...hac, wald: waldRows('HAC', 3, 'chi2', [0.01, 0.01, 0.01, 0.01]) };
    const all = covarianceSentences(covarianceFindings(everywhere, nonrobust));
    expect(all[3]).toMatch(/in every layer \(all 4\): tokens t−1 and t−2 weigh differently in every layer\.$/);
    expect(all[4]).toBe('With nonrobust errors (F test) it is rejected in layers 0 and 3 (2 of 4); with HAC (Newey-West, 3 lags) errors it is newly rejected in layers 1 and 2.');
  });

  it('without a baseline of other errors, says only where lag1 = lag2 is rejected', () => {
    for (const f of [covarianceFindings(nonrobust, null), covarianceFindings(nonrobust, nonrobust)]) {
      expect(f.terms).toEqual([]);
      expect(covarianceSentences(f)).toEqual([
        'β1 = β2 (lag1 = lag2; F test with nonrobust errors) is rejected at 0.05 in layers 0 and 3 (2 of 4): ' +
          'there tokens t−1 and t−2 weigh differently; elsewhere the data cannot tell their weights apart.',
      ]);
    }
    expect(covarianceSentences(covarianceFindings({ rows: hac.rows, wald: [] }, null))).toHaveLength(1); // the lag rule only
  });

  it('says "all layers" when a term is significant everywhere with both errors', () => {
    const everywhere = (results: CovarianceResults) => ({ ...results, rows: results.rows.map((r) => ({ ...r, p: r.term === 'lag1' ? 0.001 : r.p })) });
    const sentences = covarianceSentences(covarianceFindings(everywhere(hac), everywhere(nonrobust)));
    expect(sentences[1]).toBe('β1 (token t−1) is significant in all 4 layers with both errors: no conclusion about it changes with HAC (Newey-West, 3 lags) errors.');
  });

  it('refuses rows that mix standard errors, and writes Markdown under a heading', () => {
    expect(() => covarianceFindings({ rows: [...hac.rows, ...nonrobust.rows], wald: [] }, null)).toThrow(
      'covarianceFindings: the chosen rows mix standard errors (HAC (Newey-West, 3 lags); nonrobust); pass one covariance\'s rows',
    );
    const md = covarianceMarkdown(covarianceFindings(hac, nonrobust));
    expect(md.startsWith('### What HAC (Newey-West, 3 lags) errors change\n\n- Standard errors: Newey-West (HAC) with 3 lags')).toBe(true);
    expect(md.split('\n- ')).toHaveLength(6);
  });
});
