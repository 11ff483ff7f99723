/**
 * Progress in a notebook: `progressDisplay()` returns the ProgressCallback that library code takes
 * (lib/io/progress.ts) and draws what it reports under the running cell as one display, redrawn in
 * place (Jupyter's update_display_data) rather than printed line after line. Each label gets a row:
 * a bar, how much is done of how much, the share, the time taken and, while running, the time left.
 *
 *   const progress = progressDisplay();
 *   await someLongWork({ onProgress: progress });
 */
import { filesize } from 'filesize';
import { escapeHtml } from '../figures/html';
import { Progress, ProgressCallback } from '../io/progress';
import { MimeBundle, UpdatableDisplay, updatableDisplay } from './show';

/** A label's latest report, and when its first came. */
export interface ProgressRow extends Progress {
  startedAt: number;
}

function amount(value: number, unit: Progress['unit']): string {
  return unit === 'bytes' ? filesize(value, { round: 1 }) : value.toLocaleString('en-US');
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A row's words: "1.2 GB of 6.4 GB · 19% · 42 s, about 3 min 01 s left". */
function summary(row: ProgressRow, now: number): string {
  const elapsed = (now - row.startedAt) / 1000;
  const counted = row.unit === 'bytes' ? '' : ` ${row.unit}`;
  const parts = [row.total === undefined ? `${amount(row.done, row.unit)}${counted}` : `${amount(row.done, row.unit)} of ${amount(row.total, row.unit)}${counted}`];
  if (row.total) parts.push(`${Math.floor((100 * row.done) / row.total)}%`);
  if (row.detail) parts.push(row.detail);
  if (row.finished) {
    parts.push(`done in ${duration(elapsed)}`);
  } else if (row.total && row.done > 0) {
    parts.push(`${duration(elapsed)}, about ${duration((elapsed * (row.total - row.done)) / row.done)} left`);
  } else {
    parts.push(duration(elapsed));
  }
  return parts.join(' · ');
}

/** What the display shows for these rows at time `now` (ms): an HTML table of bars, and text. */
export function progressBundle(rows: ProgressRow[], now: number): MimeBundle {
  const html = rows.map((row) => {
    const bar = row.total ? `<progress value="${row.done}" max="${row.total}"></progress>` : '<progress></progress>';
    return `<tr><td style="text-align: left;">${escapeHtml(row.label)}</td><td>${bar}</td><td style="text-align: left;">${escapeHtml(summary(row, now))}</td></tr>`;
  });
  const text = rows.map((row) => {
    const filled = row.total ? Math.round((20 * row.done) / row.total) : 0;
    const bar = row.total ? `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}]` : '';
    return [row.label, bar, summary(row, now)].filter(Boolean).join('  ');
  });
  return {
    'text/html': `<table class="workbook-progress" style="white-space: nowrap;">\n${html.join('\n')}\n</table>`,
    'text/plain': text.join('\n'),
  };
}

/**
 * A ProgressCallback that draws into one display under the running cell. Redraws come at most every
 * `intervalMs` (a download reports every chunk), except a new label's first report and a finished
 * one, which are always drawn. `display` is for tests; a notebook leaves it out.
 */
export function progressDisplay(options: { intervalMs?: number; display?: UpdatableDisplay; now?: () => number } = {}): ProgressCallback {
  const { intervalMs = 250, now = Date.now } = options;
  const draw = options.display ?? updatableDisplay();
  const rows = new Map<string, ProgressRow>();
  let drawnAt = -Infinity;
  return (progress) => {
    const time = now();
    const known = rows.get(progress.label);
    rows.set(progress.label, { ...progress, startedAt: known?.startedAt ?? time });
    if (known && !progress.finished && time - drawnAt < intervalMs) return;
    drawnAt = time;
    draw(progressBundle([...rows.values()], time));
  };
}
