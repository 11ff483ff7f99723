import { describe, expect, it } from 'vitest';
import { architectureMarkdown, formatPValue, markdownTable, quotedToken, tokenMarkdown } from '../lib/figures/tables';
import { tokenize } from '../lib/text/index';
import { missingWeightsNotice } from '../lib/figures/notice';

describe('Markdown tables', () => {
  it('escapes pipes and line breaks and aligns columns', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 1], ['p\nq', 22]], ['l', 'r'])).toBe(
      '| a | b |\n| :--- | ---: |\n| x\\|y | 1 |\n| p↵q | 22 |',
    );
  });

  it('lists block 0 of the architecture, the repeat count and the total', () => {
    const rows = [
      { name: 'wte.weight', shape: [10, 4], params: 40 },
      { name: 'h.0.attn.c_attn.weight', shape: [4, 12], params: 48 },
      { name: 'h.1.attn.c_attn.weight', shape: [4, 12], params: 48 },
      { name: 'h.2.attn.c_attn.weight', shape: [4, 12], params: 48 },
      { name: 'ln_f.weight', shape: [4], params: 4 },
    ];
    const md = architectureMarkdown(rows);
    expect(md).toContain('**3 blocks**');
    expect(md).toContain('blocks 1–2 have the same shapes (48 parameters per block)');
    expect(md).toContain('| `h.0.attn.c_attn.weight` | [4, 12] | 48 | attention: query, key and value projections, side by side |');
    expect(md).not.toContain('h.1.');
    expect(md).toContain('**188 parameters** in all');
  });

  it('lays tokens out in column groups, quoted', () => {
    const md = tokenMarkdown([1, 2, 3], ['a', ' b', '|'], 2).split('\n');
    expect(md[0]).toBe('| t | id | token | t | id | token |');
    expect(md[2]).toBe('| 0 | 1 | `"a"` | 2 | 3 | `"\\|"` |');
    expect(md[3]).toBe('| 1 | 2 | `" b"` |  |  |  |');
  });
});

describe('p-values and tokens, written one way everywhere', () => {
  it('writes p-values as statsmodels writes Prob (F-statistic), %#.3g', () => {
    // Python: ['%#.3g' % p for p in (4.25e-7, 1.01e-6, 0.000101, 0.0312, 0.5, 1.0, 0.0)]
    expect([4.25e-7, 1.01e-6, 0.000101, 0.0312, 0.5, 1, 0].map(formatPValue)).toEqual([
      '4.25e-07', '1.01e-06', '0.000101', '0.0312', '0.500', '1.00', '0.00',
    ]);
  });

  it('shows a split UTF-8 character with one backslash, and escapes quotes and control characters', () => {
    const { tokens } = tokenize(' 🎸 "rock"\n\t');
    expect(tokens.slice(0, 3)).toEqual([' \\xf0\\x9f', '\\x8e', '\\xb8']); // the display strings hold one backslash each
    expect(quotedToken(tokens[0])).toBe('" \\xf0\\x9f"');
    expect(quotedToken(tokens[0]).length).toBe(tokens[0].length + 2);
    expect(quotedToken('"')).toBe('"\\""');
    expect(quotedToken('\n\t')).toBe('"\\n\\t"');
    expect(quotedToken('\u0007')).toBe('"\\x07"');
    expect(tokenMarkdown([1], [tokens[1]], 1).split('\n')[2]).toBe('| 0 | 1 | `"\\x8e"` |');
  });
});

describe('the notice for missing weights', () => {
  it('says which weights run instead, that they are synthetic, and how to get the real ones', () => {
    const html = missingWeightsNotice('gpt2-xl', 'synthetic:gpt2-xl', 'figure 3');
    expect(html).toMatch(/^<div style="border: 2px solid #b00020;/);
    expect(html).toContain("gpt2-xl's weights are not here, so figure 3 runs on <code>synthetic:gpt2-xl</code>");
    expect(html).toContain('never trained');
    expect(html).toContain('download it once (6.4 GB) and run the notebook again: <code>npm run weights -- gpt2-xl</code>');
    expect(html).toContain('<code>weights/gpt2-xl/</code>');
    expect(html).not.toMatch(/weights -- gpt2</);
    expect(missingWeightsNotice('<x>', 'synthetic:<x>')).not.toContain('<x>');
  });
});
