/**
 * Tables for notebooks as Markdown (tslab's `display.markdown`): a plain table builder, the model's
 * architecture grouped the way a reader thinks of it (embeddings, one block in full, the final
 * layer norm), and the token table laid out in several column groups so 95 tokens fit on a screen.
 */

function cell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, '↵');
}

/** A Markdown table; `align` per column ('l' or 'r', default left). */
export function markdownTable(header: string[], rows: Array<Array<string | number>>, align: Array<'l' | 'r'> = []): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : ':---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
}

/** One weight tensor: hub name, shape, parameter count (what `GPT2Model.architecture()` lists). */
export interface WeightRowLike {
  name: string;
  shape: number[];
  params: number;
}

const ROLES: Array<[RegExp, string]> = [
  [/^wte\./, 'token embeddings (also the unembedding: tied)'],
  [/^wpe\./, 'position embeddings'],
  [/ln_1\.weight$/, 'layer norm before attention: gain'],
  [/ln_1\.bias$/, 'layer norm before attention: bias'],
  [/attn\.c_attn\.weight$/, 'attention: query, key and value projections, side by side'],
  [/attn\.c_attn\.bias$/, 'attention: query, key and value biases'],
  [/attn\.c_proj\.weight$/, 'attention: output projection (writes the adjustment, hook_attn_out)'],
  [/attn\.c_proj\.bias$/, 'attention: output bias'],
  [/ln_2\.weight$/, 'layer norm before the MLP: gain'],
  [/ln_2\.bias$/, 'layer norm before the MLP: bias'],
  [/mlp\.c_fc\.weight$/, 'MLP: up-projection'],
  [/mlp\.c_fc\.bias$/, 'MLP: up-projection bias'],
  [/mlp\.c_proj\.weight$/, 'MLP: down-projection'],
  [/mlp\.c_proj\.bias$/, 'MLP: down-projection bias'],
  [/^ln_f\.weight$/, 'final layer norm: gain'],
  [/^ln_f\.bias$/, 'final layer norm: bias'],
];

function role(name: string): string {
  return ROLES.find(([pattern]) => pattern.test(name))?.[1] ?? '';
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The architecture as Markdown: embeddings, block 0 weight by weight, how many blocks repeat it, the
 * final layer norm, and the total parameter count.
 */
export function architectureMarkdown(rows: WeightRowLike[]): string {
  const blockOf = (name: string) => (/^h\.(\d+)\./.exec(name) ?? [])[1];
  const blocks = [...new Set(rows.map((r) => blockOf(r.name)).filter((b) => b !== undefined))];
  const blockParams = (b: string) => rows.filter((r) => blockOf(r.name) === b).reduce((s, r) => s + r.params, 0);
  const shown = rows.filter((r) => blockOf(r.name) === undefined || blockOf(r.name) === '0');
  const table = markdownTable(
    ['weight', 'shape', 'parameters', 'role'],
    shown.map((r) => [`\`${r.name}\``, `[${r.shape.join(', ')}]`, count(r.params), role(r.name)]),
    ['l', 'l', 'r', 'l'],
  );
  const total = rows.reduce((s, r) => s + r.params, 0);
  const same = blocks.slice(1).every((b) => blockParams(b) === blockParams('0'));
  return [
    `**${blocks.length} blocks**, each a layer norm + causal self-attention and a layer norm + MLP, ` +
      `each adding its output to the residual stream. Block 0's weights are listed; ` +
      (same ? `blocks 1–${blocks.length - 1} have the same shapes (${count(blockParams('0'))} parameters per block).` : 'the other blocks differ in shape.'),
    '',
    table,
    '',
    `**${count(total)} parameters** in all (the unembedding reuses \`wte\`).`,
  ].join('\n');
}

/** Tokens as a Markdown table of position, id and token, `groups` column groups side by side. */
export function tokenMarkdown(ids: number[], tokens: string[], groups = 4): string {
  const perGroup = Math.ceil(ids.length / groups);
  const header: string[] = [];
  const align: Array<'l' | 'r'> = [];
  for (let g = 0; g < groups; g++) {
    header.push('t', 'id', 'token');
    align.push('r', 'r', 'l');
  }
  const rows: string[][] = [];
  for (let i = 0; i < perGroup; i++) {
    const row: string[] = [];
    for (let g = 0; g < groups; g++) {
      const t = g * perGroup + i;
      row.push(...(t < ids.length ? [String(t), String(ids[t]), `\`${JSON.stringify(tokens[t]).replace(/`/g, 'ˋ')}\``] : ['', '', '']));
    }
    rows.push(row);
  }
  return markdownTable(header, rows, align);
}
