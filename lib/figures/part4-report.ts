/**
 * Part 4 as one standalone HTML page (what `npm start` writes as report.html): the model, the text
 * and its tokens, figures 1 and 2 (and 3), layer 0's summary, the per-layer betas with the standard
 * errors they were tested with (and the test of β1 = β2 when given), and the findings, with plotly.js
 * embedded once so the page opens without a network.
 */
import { Figure, ModelLabel, SYNTHETIC_NOTE } from './figure';
import { escapeHtml, figureHtml, htmlPage } from './html';
import { covarianceName } from '../frames/findings';
import type { RegressionRow, WaldRow } from '../frames/regressions';
import type { WeightRow } from '../model/index';
import { architectureOverview, blocksSentence, count, formatPValue, quotedToken } from './tables';

export interface Part4ReportInput {
  label: ModelLabel;
  text: string;
  source?: string;
  ids: number[];
  tokens: string[];
  architecture?: WeightRow[];
  figures: Array<{ caption: string; figure: Figure }>;
  summaryL0: string;
  rows: Array<Pick<RegressionRow, 'layer' | 'term' | 'coef' | 'p' | 'r2'> & Partial<Pick<RegressionRow, 'cov_type' | 'maxlags'>>>;
  /** Each layer's test of a restriction on the betas (lag1 = lag2), under the same errors. */
  equality?: Array<Pick<WaldRow, 'layer' | 'restriction' | 'p' | 'distribution'>>;
  /** The findings of each sweep, under a heading. */
  findings: Array<{ heading: string; sentences: string[] }>;
  seconds?: number;
}

function tokenTable(ids: number[], tokens: string[]): string {
  const cells = ids.map(
    (id, t) => `<tr><td>${t}</td><td>${id}</td><td><code>${escapeHtml(quotedToken(tokens[t]))}</code></td></tr>`,
  );
  return `<table><thead><tr><th>position</th><th>id</th><th>token</th></tr></thead><tbody>\n${cells.join('\n')}\n</tbody></table>`;
}

function architectureHtml(weights: WeightRow[]): string {
  const overview = architectureOverview(weights);
  const rows = overview.shown.map(
    (r) => `<tr><td><code>${escapeHtml(r.name)}</code></td><td>[${r.shape.join(', ')}]</td><td>${count(r.params)}</td><td>${escapeHtml(r.role)}</td></tr>`,
  );
  return (
    `<p>${escapeHtml(blocksSentence(overview))}</p>` +
    '<table><thead><tr><th>weight</th><th>shape</th><th>parameters</th><th>role</th></tr></thead><tbody>\n' +
    rows.join('\n') +
    `\n</tbody></table><p>${count(overview.total)} parameters in all (the unembedding reuses <code>wte</code>).</p>`
  );
}

const ROBUST_NOTE = 'z statistics and normal p-values, as statsmodels gives robust errors';

function betaTable(rows: Part4ReportInput['rows'], equality: Part4ReportInput['equality'] = []): string {
  const layers = [...new Set(rows.map((r) => r.layer))].sort((a, b) => a - b);
  const bold = (p: number) => (p < 0.05 ? ' style="font-weight: bold"' : '');
  const cell = (layer: number, term: string) => {
    const r = rows.find((x) => x.layer === layer && x.term === term);
    if (!r) return '<td></td><td></td>';
    return `<td${bold(r.p)}>${r.coef.toFixed(4)}</td><td${bold(r.p)}>${formatPValue(r.p)}</td>`;
  };
  const test = (layer: number) => {
    const w = equality.find((x) => x.layer === layer);
    return w ? `<td${bold(w.p)}>${formatPValue(w.p)}</td>` : '<td></td>';
  };
  const body = layers.map((layer) => {
    const r2 = rows.find((r) => r.layer === layer)!.r2;
    return `<tr><td>${layer}</td>${cell(layer, 'lag1')}${cell(layer, 'lag2')}${equality.length ? test(layer) : ''}<td>${r2.toFixed(3)}</td></tr>`;
  });
  const first = rows[0];
  const errors = first?.cov_type === undefined ? '' : covarianceName(first.cov_type, first.maxlags ?? null);
  const caption = errors ? `<p>Standard errors: ${escapeHtml(errors)}${first.cov_type === 'nonrobust' ? '' : `; ${ROBUST_NOTE}`}.</p>` : '';
  const equalityHead = equality.length ? `<th>p (${escapeHtml(equality[0].restriction)}, ${equality[0].distribution === 'F' ? 'F' : 'Wald χ²'})</th>` : '';
  return (
    caption +
    `<table><thead><tr><th>layer</th><th>β1 (t−1)</th><th>p</th><th>β2 (t−2)</th><th>p</th>${equalityHead}<th>R²</th></tr></thead><tbody>\n` +
    body.join('\n') +
    '\n</tbody></table><p>Bold: p &lt; 0.05.</p>'
  );
}

export function part4ReportHtml(input: Part4ReportInput): string {
  const { label } = input;
  const banner = label.synthetic
    ? `<p style="color: #b00020; border: 1px solid #b00020; background: #fff3f3; padding: 0.6em;"><strong>${escapeHtml(SYNTHETIC_NOTE)}</strong></p>`
    : '';
  const sections = [
    `<h1>GPT-2's attention adjustments through least squares: ${escapeHtml(label.model)}</h1>`,
    banner,
    input.seconds !== undefined ? `<p>Computed in ${input.seconds.toFixed(1)} s.</p>` : '',
    input.architecture ? `<h2>Model</h2>${architectureHtml(input.architecture)}` : '',
    '<h2>Text</h2>',
    `<blockquote>${escapeHtml(input.text)}</blockquote>`,
    input.source ? `<p>${escapeHtml(input.source)}</p>` : '',
    `<details><summary>${input.ids.length} tokens</summary>${tokenTable(input.ids, input.tokens)}</details>`,
    ...input.figures.map(({ caption, figure }) => `<h2>${escapeHtml(caption)}</h2>\n${figureHtml(figure)}`),
    '<h2>Layer 0: log‖a_t‖ on log‖a_t−1‖ and log‖a_t−2‖</h2>',
    `<pre>${escapeHtml(input.summaryL0)}</pre>`,
    '<h2>Betas by layer</h2>',
    betaTable(input.rows, input.equality),
    ...input.findings.map(
      ({ heading, sentences }) => `<h2>${escapeHtml(heading)}</h2>\n<ul>${sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}</ul>`,
    ),
  ];
  return htmlPage(`Part 4: ${label.model}`, sections.filter(Boolean).join('\n'));
}
