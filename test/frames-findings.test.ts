import { describe, expect, it } from 'vitest';
import { findingSentences, findingsMarkdown, sweepFindings } from '../lib/frames/findings';

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
