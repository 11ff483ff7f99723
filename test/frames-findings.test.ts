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

  it('puts the synthetic caveat first on synthetic weights', () => {
    const markdown = findingsMarkdown(sweepFindings(rows, { model: 'synthetic:gpt2', synthetic: true }));
    expect(markdown).toMatch(/^### What this run shows\n\n> \*\*These numbers come from synthetic weights \(synthetic:gpt2\)/);
    expect(markdown).toContain('say nothing about how GPT-2 behaves');
  });
});
