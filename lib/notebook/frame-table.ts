/**
 * A danfojs DataFrame or Series as pandas shows one in a notebook: an HTML table with every column,
 * in a box that scrolls when the table is wider than the page, and the same table as aligned text for
 * exports and consoles. A frame longer than 60 rows shows its first and last 5, and its size.
 *
 * Numbers are formatted a column at a time, by pandas' rules (no JavaScript library has them, hence
 * by hand): whole numbers as integers; others to 6 decimals, less the trailing zeros every row shares,
 * or in scientific notation when a nonzero value is below 1e-6, or one above 1e6 makes the column wider
 * than 12 characters. p-value columns (`p`, `P>|t|`, `P>|z|`, `pvalue`) in the workbook's one style for
 * p-values, statsmodels' Prob (F-statistic) format (`formatPValue`: 0.0312, 4.25e-07).
 */
/// <reference path="../shims/danfojs.d.ts" />
import type { DataFrame, Series } from 'danfojs';
import { escapeHtml } from '../figures/html';
import { formatPValue } from '../figures/tables';
import { pyFormat } from '../stats/pyformat';

const MAX_ROWS = 60;
const EDGE_ROWS = 5;
const P_VALUE_COLUMN = /^(p|p-?value|p_value|P>\|[tz]\|)$/i;

export interface FrameTable {
  html: string;
  text: string;
}

/** What the table needs of a frame: a Series is one column named after it. */
interface Columns {
  names: string[];
  index: Array<string | number>;
  /** Row-major, the shown rows only. */
  rows: unknown[][];
  shape: [number, number];
}

function columnsOf(frame: DataFrame | Series): Columns {
  const index = frame.index;
  const rows = frame.ndim === 1 ? (frame.values as unknown[]).map((v) => [v]) : (frame.values as unknown[][]);
  const names = (frame as DataFrame).columns.map(String); // a Series' columns hold its name
  const shape: [number, number] = [index.length, names.length];
  if (index.length <= MAX_ROWS) return { names, index, rows, shape };
  const shown = (list: unknown[]) => [...list.slice(0, EDGE_ROWS), ...list.slice(-EDGE_ROWS)];
  return { names, index: shown(index) as Array<string | number>, rows: shown(rows) as unknown[][], shape };
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

function special(v: unknown): string {
  if (isMissing(v)) return 'NaN';
  return (v as number) > 0 ? 'inf' : '-inf';
}

/** Removes the trailing zeros that every number has, keeping one decimal, as pandas does. */
function trimSharedZeros(texts: string[]): string[] {
  let trim = 0;
  while (texts.every((t) => t[t.length - 1 - trim] === '0' && t[t.length - 2 - trim] !== '.')) trim += 1;
  return texts.map((t) => t.slice(0, t.length - trim));
}

/** One column's values as text, formatted together (see the file's comment). */
export function formatColumn(name: string, values: unknown[]): string[] {
  const numeric = values.every((v) => typeof v === 'number' || isMissing(v));
  if (!numeric || values.every(isMissing)) return values.map((v) => (isMissing(v) ? 'NaN' : String(v)));
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const numbers = values.filter(finite);
  let format: (x: number) => string;
  if (P_VALUE_COLUMN.test(name)) {
    format = formatPValue;
  } else if (numbers.every(Number.isInteger)) {
    format = (x) => String(x);
  } else {
    const distinct = [...new Set(numbers)];
    let texts = trimSharedZeros(distinct.map((x) => pyFormat('%.6f', x)));
    const tooLong = Math.max(...texts.map((t) => t.length)) > 12;
    if (distinct.some((x) => (x !== 0 && Math.abs(x) < 1e-6) || (tooLong && Math.abs(x) > 1e6))) {
      texts = distinct.map((x) => pyFormat('%.6e', x));
    }
    const text = new Map(distinct.map((x, i) => [x, texts[i]]));
    format = (x) => text.get(x)!;
  }
  return values.map((v) => (finite(v) ? format(v) : special(v)));
}

/** The shown cells as text: the index, and each column. */
function cells(table: Columns): { index: string[]; columns: string[][] } {
  return {
    index: formatColumn('', table.index),
    columns: table.names.map((name, j) => formatColumn(name, table.rows.map((row) => row[j]))),
  };
}

/** Where the row of `...` goes (before this shown row), or -1 when every row is shown. */
function elidedAt(table: Columns): number {
  return table.shape[0] > table.index.length ? EDGE_ROWS : -1;
}

function dimensions(table: Columns): string {
  return `${table.shape[0]} rows × ${table.shape[1]} columns`;
}

function html(table: Columns): string {
  const { index, columns } = cells(table);
  const elided = elidedAt(table);
  const row = (head: string, values: string[]) =>
    `<tr><th>${escapeHtml(head)}</th>${values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`;
  const body: string[] = [];
  index.forEach((label, i) => {
    if (i === elided) body.push(row('...', table.names.map(() => '...')));
    body.push(row(label, columns.map((column) => column[i])));
  });
  return [
    '<div class="workbook-frame" style="overflow-x: auto; max-width: 100%;">',
    '<table class="dataframe" style="white-space: nowrap;">',
    `<thead><tr style="text-align: right;"><th></th>${table.names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table>',
    ...(elided >= 0 ? [`<p>${dimensions(table)}</p>`] : []),
    '</div>',
  ].join('\n');
}

/** pandas' layout: the index left-aligned, each column right-aligned, a space before each value. */
function text(table: Columns): string {
  const { index, columns } = cells(table);
  const elided = elidedAt(table);
  const lines: string[][] = [['', ...table.names]];
  index.forEach((label, i) => {
    if (i === elided) lines.push(['...', ...table.names.map(() => '...')]);
    lines.push([label, ...columns.map((column) => column[i])]);
  });
  const widths = lines[0].map((name, j) => Math.max(name.length, ...lines.slice(1).map((line) => line[j].length + (j > 0 ? 1 : 0))));
  const rendered = lines.map((line) =>
    line.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join(' ').trimEnd(),
  );
  if (elided >= 0) rendered.push('', `[${dimensions(table).replace('×', 'x')}]`);
  return rendered.join('\n');
}

/** The frame as an HTML table and as text, as pandas' `_repr_html_` and `repr` show it. */
export function frameTable(frame: DataFrame | Series): FrameTable {
  const table = columnsOf(frame);
  return { html: html(table), text: text(table) };
}
