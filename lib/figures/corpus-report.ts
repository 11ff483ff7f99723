/**
 * A corpus run as one standalone HTML page (report.html): the corpus and model, the pooled betas by
 * layer with cluster-robust intervals over the texts' own betas, the Wald test of equal lag-1
 * betas, the heads' shares of the adjustment (when decomposed), the regression table and the
 * findings; plotly.js embedded once, so the page opens without a network.
 */
import type { CorpusAnalysis } from '../frames/corpus-analysis';
import { corpusBetasFigure } from './corpus-betas';
import { headSharesFigure } from './corpus-head-shares';
import { SYNTHETIC_NOTE } from './figure';
import { escapeHtml, figureHtml, htmlPage } from './html';
import { formatPValue } from './tables';

export interface CorpusReportInput {
  analysis: CorpusAnalysis;
  /** The corpus's name and what it holds, e.g. `austen.jsonl: 422 texts, 49,464 tokens`. */
  corpus: string;
  /** How texts were cut: window and overlap. */
  chunking: string;
}

function regressionTable(analysis: CorpusAnalysis): string {
  const rows = analysis.regressions.filter((r) => r.term !== 'const');
  const body = rows.map((r) => {
    const strong = r.p < 0.05 ? ' style="font-weight: bold"' : '';
    const response = r.response === 'log_norm' ? 'log‖a_t‖' : 'log‖a_t − b_O‖';
    return `<tr><td>${response}</td><td>${r.layer}</td><td>${r.term}</td><td${strong}>${r.coef.toFixed(4)}</td><td>${r.std_err.toFixed(4)}</td><td${strong}>${formatPValue(r.p)}</td><td>[${r.ci_low.toFixed(4)}, ${r.ci_high.toFixed(4)}]</td><td>${r.nobs}</td><td>${r.clusters}</td></tr>`;
  });
  return (
    '<table><thead><tr><th>response</th><th>layer</th><th>term</th><th>coef</th><th>std err (cluster)</th><th>p</th><th>95% interval</th><th>rows</th><th>texts</th></tr></thead><tbody>\n' +
    body.join('\n') +
    '\n</tbody></table><p>Bold: p &lt; 0.05. Standard errors clustered by text.</p>'
  );
}

export function corpusReportHtml({ analysis, corpus, chunking }: CorpusReportInput): string {
  const { label, equality } = analysis;
  const banner = label.synthetic
    ? `<p style="color: #b00020; border: 1px solid #b00020; background: #fff3f3; padding: 0.6em;"><strong>${escapeHtml(SYNTHETIC_NOTE)}</strong></p>`
    : '';
  const pooled = analysis.regressions.filter((r) => r.response === 'log_norm');
  const sections = [
    `<h1>GPT-2's attention adjustments over a corpus: ${escapeHtml(label.model)}</h1>`,
    banner,
    `<p>${escapeHtml(corpus)}. ${escapeHtml(chunking)} ${analysis.regressionRows.toLocaleString('en-US')} rows per layer enter the regressions.</p>`,
    '<h2>Betas by layer, pooled over the corpus</h2>',
    figureHtml(corpusBetasFigure(pooled, analysis.spread, label), 'corpus-betas'),
    `<p>Is lag 1's beta the same in every layer? ${escapeHtml(equality.restriction)}: ${equality.distribution === 'chi2' ? 'χ²' : 'F'}(${equality.dfNum}${equality.distribution === 'F' ? `, ${equality.dfDenom}` : ''}) = ${equality.statistic.toFixed(2)}, p = ${formatPValue(equality.pvalue)}.</p>`,
    analysis.heads ? `<h2>Each head's share of ‖a_t‖²</h2>\n${figureHtml(headSharesFigure(analysis.heads, label), 'corpus-head-shares')}` : '',
    '<h2>What the numbers show</h2>',
    `<ul>${analysis.findings.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}</ul>`,
    '<h2>The regressions</h2>',
    regressionTable(analysis),
  ];
  return htmlPage(`Corpus: ${label.model}`, sections.filter(Boolean).join('\n'));
}
