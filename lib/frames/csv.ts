/**
 * CSV with RFC 4180 quoting. danfojs' toCSV writes strings unquoted, and GPT-2's tokens include
 * commas, quotes and newlines, so a token column needs this.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';

/** One CSV field: numbers at full precision, text quoted when it must be. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The frame as CSV text: a header row, then one line per row, numbers at full precision. */
export function frameToCsv(frame: DataFrame): string {
  const columns = frame.columns as string[];
  const values = columns.map((c) => frame.column(c).values as unknown[]);
  const lines = [columns.map(csvField).join(',')];
  for (let i = 0; i < frame.shape[0]; i++) {
    lines.push(values.map((column) => csvField(column[i])).join(','));
  }
  return lines.join('\n') + '\n';
}
