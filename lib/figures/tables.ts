/**
 * Tables for notebooks as Markdown (tslab's `display.markdown`): a plain table builder, the model's
 * architecture grouped the way a reader thinks of it (embeddings, one block in full, the final
 * layer norm), and the token table laid out in several column groups so 95 tokens fit on a screen.
 * Also how every table, report and hover text writes a p-value and a token.
 */
import type { WeightRow } from '../model/index';
import { formatPValue } from '../stats/pyformat';

export { formatPValue };

const ESCAPES: Record<string, string> = { '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A token in double quotes, so leading spaces show: a quote, newline or tab as `\"`, `\n`, `\t`, other
 * control characters as `\xNN`, and the `\xNN` of a split UTF-8 character left as it is (written by
 * hand because JSON.stringify would show it as `\\xf0`).
 */
export function quotedToken(token: string): string {
  const escaped = token.replace(/[\u0000-\u001f"]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${escaped}"`;
}

function cell(value: string | number): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, '↵');
}

/** A Markdown table; `align` per column ('l' or 'r', default left). */
export function markdownTable(header: string[], rows: Array<Array<string | number>>, align: Array<'l' | 'r'> = []): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : ':---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n');
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

export const count = (n: number) => n.toLocaleString('en-US');

export interface ArchitectureOverview {
  blocks: number;
  /** Parameters per block when every block has block 0's shapes, else null. */
  perBlock: number | null;
  /** Embeddings, block 0 weight by weight, and the final layer norm, each with its role. */
  shown: Array<WeightRow & { role: string }>;
  total: number;
}

/** The architecture as a reader thinks of it: one block in full, how many repeat it, the total. */
export function architectureOverview(rows: WeightRow[]): ArchitectureOverview {
  const blockOf = (name: string) => (/^h\.(\d+)\./.exec(name) ?? [])[1];
  const blocks = [...new Set(rows.map((r) => blockOf(r.name)).filter((b) => b !== undefined))];
  const blockParams = (b: string) => rows.filter((r) => blockOf(r.name) === b).reduce((s, r) => s + r.params, 0);
  const same = blocks.slice(1).every((b) => blockParams(b) === blockParams('0'));
  return {
    blocks: blocks.length,
    perBlock: same ? blockParams('0') : null,
    shown: rows.filter((r) => blockOf(r.name) === undefined || blockOf(r.name) === '0').map((r) => ({ ...r, role: role(r.name) })),
    total: rows.reduce((s, r) => s + r.params, 0),
  };
}

/** The overview's sentence about the blocks, for Markdown and HTML alike. */
export function blocksSentence({ blocks, perBlock }: ArchitectureOverview): string {
  return `${blocks} blocks, each a layer norm + causal self-attention and a layer norm + MLP, ` +
    `each adding its output to the residual stream. Block 0's weights are listed; ` +
    (perBlock !== null ? `blocks 1–${blocks - 1} have the same shapes (${count(perBlock)} parameters per block).` : 'the other blocks differ in shape.');
}

/** The architecture overview as Markdown. */
export function architectureMarkdown(rows: WeightRow[]): string {
  const overview = architectureOverview(rows);
  const table = markdownTable(
    ['weight', 'shape', 'parameters', 'role'],
    overview.shown.map((r) => [`\`${r.name}\``, `[${r.shape.join(', ')}]`, count(r.params), r.role]),
    ['l', 'l', 'r', 'l'],
  );
  return [
    blocksSentence(overview).replace(/^(\d+ blocks)/, '**$1**'),
    '',
    table,
    '',
    `**${count(overview.total)} parameters** in all (the unembedding reuses \`wte\`).`,
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
      row.push(...(t < ids.length ? [String(t), String(ids[t]), `\`${quotedToken(tokens[t]).replace(/`/g, 'ˋ')}\``] : ['', '', '']));
    }
    rows.push(row);
  }
  return markdownTable(header, rows, align);
}
