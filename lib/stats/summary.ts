/**
 * statsmodels 0.13.5's `RegressionResults.summary()` text (OLS and WLS), character for character: the same three
 * SimpleTables (fmt_2cols, fmt_params, fmt_2cols), the same Python number formats and the same
 * column-width rules (each column at least its requested width, wider if a cell needs it).
 */
import { pyCenter, pyFormat, pyRepr } from './pyformat';

/** What the summary reads from a results object (OLSResults satisfies it). */
export interface SummarySource {
  /** 'OLS' or 'WLS'. */
  modelName: string;
  endogName: string;
  exogNames: string[];
  covType: string;
  useT: boolean;
  kConstant: number;
  nobs: number;
  dfModel: number;
  dfResid: number;
  rsquared: number;
  rsquaredAdj: number;
  fvalue: number;
  fPvalue: number;
  llf: number;
  aic: number;
  bic: number;
  params: number[];
  bse: number[];
  tvalues: number[];
  pvalues: number[];
  omnibus: number;
  omnibusPvalue: number;
  skew: number;
  kurtosis: number;
  durbinWatson: number;
  jarqueBera: number;
  jarqueBeraPvalue: number;
  conditionNumber: number;
  confInt(alpha?: number): [number, number][];
  notes(): string[];
}

export type Pairs = [string, string][];

export interface SummaryTables {
  title: string;
  /** Model information: label/value pairs, left and right halves. */
  top: { left: Pairs; right: Pairs };
  /** Coefficients: header (6 columns after the name) and one row per parameter. */
  params: { header: string[]; rows: { name: string; values: string[] }[] };
  /** Residual diagnostics, left and right halves. */
  diagnostics: { left: Pairs; right: Pairs };
  notes: string[];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (v: number): string => String(v).padStart(2, '0');

/** statsmodels' d_or_f: counts as '%#6d', fractional ones as '%#8.2f'. */
function dOrF(x: number): string {
  if (Number.isNaN(x)) return '   NaN';
  return Math.floor(x) === x ? pyFormat('%#6d', x) : pyFormat('%#8.2f', x);
}

/** statsmodels' forg: fixed-point unless the magnitude needs an exponent. */
function forg(x: number, prec: 3 | 4 = 3): string {
  const big = Math.abs(x) >= 1e4 || Math.abs(x) < 1e-4;
  if (prec === 3) return pyFormat(big ? '%9.3g' : '%9.3f', x);
  return pyFormat(big ? '%10.4g' : '%10.4f', x);
}

/** The coefficient table's header and formatted cells (statsmodels' summary_params). */
function paramCells(
  names: string[], params: number[], bse: number[], stat: number[], pvalues: number[], ci: [number, number][], useT: boolean, alpha: number,
): { paramHeader: string[]; paramRows: { name: string; cells: string[] }[] } {
  const label = useT ? 't' : 'z';
  const paramHeader = ['coef', 'std err', label, `P>|${label}|`, `[${pyRepr(alpha / 2)}`, `${pyRepr(1 - alpha / 2)}]`];
  const paramRows = names.map((name, i) => ({
    name,
    cells: [
      forg(params[i], 4),
      forg(bse[i]),
      pyFormat('%8s', forg(stat[i])),
      pyFormat('%#6.3f', pvalues[i]),
      pyFormat('%11s', forg(ci[i][0])),
      pyFormat('%11s', forg(ci[i][1])),
    ],
  }));
  return { paramHeader, paramRows };
}

interface RawTables {
  title: string;
  topLeft: Pairs;
  topRight: Pairs;
  paramHeader: string[];
  paramRows: { name: string; cells: string[] }[];
  diagLeft: Pairs;
  diagRight: Pairs;
  notes: string[];
}

function rawTables(res: SummarySource, alpha: number, now: Date): RawTables {
  const uncentered = res.kConstant ? '' : ' (uncentered)';
  const topLeft: Pairs = [
    ['Dep. Variable:', res.endogName],
    ['Model:', res.modelName],
    ['Method:', 'Least Squares'],
    ['Date:', `${DAYS[now.getDay()]}, ${two(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`],
    ['Time:', `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`],
    ['No. Observations:', dOrF(res.nobs)],
    ['Df Residuals:', dOrF(res.dfResid)],
    ['Df Model:', dOrF(res.dfModel)],
    ['Covariance Type:', res.covType],
  ];
  const topRight: Pairs = [
    [`R-squared${uncentered}:`, pyFormat('%#8.3f', res.rsquared)],
    [`Adj. R-squared${uncentered}:`, pyFormat('%#8.3f', res.rsquaredAdj)],
    ['F-statistic:', pyFormat('%#8.4g', res.fvalue)],
    ['Prob (F-statistic):', pyFormat('%#6.3g', res.fPvalue)],
    ['Log-Likelihood:', pyFormat('%#8.5g', res.llf)],
    ['AIC:', pyFormat('%#8.4g', res.aic)],
    ['BIC:', pyFormat('%#8.4g', res.bic)],
  ];
  const { paramHeader, paramRows } = paramCells(res.exogNames, res.params, res.bse, res.tvalues, res.pvalues, res.confInt(alpha), res.useT, alpha);
  const diagLeft: Pairs = [
    ['Omnibus:', pyFormat('%#6.3f', res.omnibus)],
    ['Prob(Omnibus):', pyFormat('%#6.3f', res.omnibusPvalue)],
    ['Skew:', pyFormat('%#6.3f', res.skew)],
    ['Kurtosis:', pyFormat('%#6.3f', res.kurtosis)],
  ];
  const diagRight: Pairs = [
    ['Durbin-Watson:', pyFormat('%#8.3f', res.durbinWatson)],
    ['Jarque-Bera (JB):', pyFormat('%#8.3f', res.jarqueBera)],
    ['Prob(JB):', pyFormat('%#8.3g', res.jarqueBeraPvalue)],
    ['Cond. No.', pyFormat('%#8.3g', res.conditionNumber)],
  ];
  return { title: `${res.modelName} Regression Results`, topLeft, topRight, paramHeader, paramRows, diagLeft, diagRight, notes: res.notes() };
}

type Align = 'l' | 'r' | 'c';
interface Cell {
  text: string;
  align: Align;
}

function pad(s: string, width: number, align: Align): string {
  if (align === 'l') return s.padEnd(width);
  if (align === 'r') return s.padStart(width);
  return pyCenter(s, width);
}

/** SimpleTable.as_text: widths per column, cells joined by one space, '=' above, optional title. */
function renderTable(rows: Cell[][], minWidth: number, title: string, headerRows = 0): string[] {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, j) => Math.max(minWidth, ...rows.map((r) => (r[j] ? r[j].text.length : 0))));
  const lines: string[] = [];
  rows.forEach((row, i) => {
    const line = row.map((cell, j) => pad(cell.text, widths[j], cell.align)).join(' ');
    lines.push(line);
    if (i === headerRows - 1) lines.push('-'.repeat(line.length));
  });
  const rowLength = lines[lines.length - 1].length;
  const out = ['='.repeat(rowLength), ...lines, '='.repeat(rowLength)];
  if (title) out.unshift(pyCenter(title, rowLength));
  return out;
}

/** Two label/value tables side by side (statsmodels' summary_top with fmt_2cols). */
function twoColumnRows(left: Pairs, right: Pairs): Cell[][] {
  const l = left.slice();
  const r = right.slice();
  while (r.length < l.length) r.push([' ', ' ']);
  while (l.length < r.length) l.push([' ', ' ']);
  return l.map(([label, value], i) => [
    { text: label, align: 'l' },
    { text: pyFormat('%18s', value), align: 'r' },
    { text: pyFormat('%-21s', '  ' + r[i][0]), align: 'l' },
    { text: pyFormat('%18s', r[i][1]), align: 'r' },
  ]);
}

function paramLines(title: string, header: string[], rows: { name: string; cells: string[] }[]): string[] {
  const cells: Cell[][] = [
    [{ text: '', align: 'c' }, ...header.map((h): Cell => ({ text: h, align: 'r' }))],
    ...rows.map((row): Cell[] => [{ text: row.name, align: 'l' }, ...row.cells.map((c): Cell => ({ text: c, align: 'r' }))]),
  ];
  return renderTable(cells, 10, title, 1);
}

/** A coefficient table on its own, with a title (statsmodels' summary_params, as t_test prints it). */
export function paramTable(
  title: string, names: string[], params: number[], bse: number[], stat: number[], pvalues: number[], ci: [number, number][], useT: boolean, alpha: number,
): string[] {
  const { paramHeader, paramRows } = paramCells(names, params, bse, stat, pvalues, ci, useT, alpha);
  return paramLines(title, paramHeader, paramRows);
}

export function renderSummary(res: SummarySource, alpha: number, now: Date): string {
  const t = rawTables(res, alpha, now);
  const top = renderTable(twoColumnRows(t.topLeft, t.topRight), 18, t.title);
  const params = paramLines('', t.paramHeader, t.paramRows);
  const diagnostics = renderTable(twoColumnRows(t.diagLeft, t.diagRight), 18, '');
  // summary_return drops the closing rule of every table but the last.
  let text = [...top.slice(0, -1), ...params.slice(0, -1), ...diagnostics].join('\n');
  if (t.notes.length) text += '\n\nNotes:\n' + t.notes.map((note, i) => `[${i + 1}] ${note}`).join('\n');
  return text;
}

export function summaryTables(res: SummarySource, alpha: number, now: Date): SummaryTables {
  const t = rawTables(res, alpha, now);
  const trim = (pairs: Pairs): Pairs => pairs.map(([k, v]) => [k, v.trim()]);
  return {
    title: t.title,
    top: { left: trim(t.topLeft), right: trim(t.topRight) },
    params: { header: t.paramHeader, rows: t.paramRows.map((r) => ({ name: r.name, values: r.cells.map((c) => c.trim()) })) },
    diagnostics: { left: trim(t.diagLeft), right: trim(t.diagRight) },
    notes: t.notes,
  };
}
