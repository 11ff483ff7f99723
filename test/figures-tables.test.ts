import { describe, expect, it } from 'vitest';
import { architectureMarkdown, markdownTable, tokenMarkdown } from '../lib/figures/tables';

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
