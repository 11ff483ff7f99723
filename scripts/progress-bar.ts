/**
 * Draws the library's progress reports on the command line: cli-progress's bar on a terminal; on
 * anything else (a log, CI) one line when a task starts, one per note, one when it is done.
 * Rate and ETA are ours (cli-progress has no rate), taken over the last few seconds.
 */
import { SingleBar } from 'cli-progress';
import { formatBytes } from '../lib/io/download';
import { Progress, ProgressCallback } from '../lib/io/progress';

export interface ProgressBar extends ProgressCallback {
  /** Ends the bar on its last value, so that an error or a Ctrl-C message starts on a line of its own. */
  stop(): void;
}

/** A ProgressCallback that draws on `output` (stderr by default, so stdout keeps the results). */
export function progressBar(output: NodeJS.WritableStream = process.stderr): ProgressBar {
  const tty = (output as { isTTY?: boolean }).isTTY === true;
  let bar: SingleBar | undefined;
  let task: { label: string; started: number; from: number } | undefined;
  let samples: Array<[number, number]> = []; // [time ms, done]

  const payload = (p: Progress) => {
    const [t0, d0] = samples[0];
    const seconds = (Date.now() - t0) / 1000;
    const rate = seconds > 0.05 ? (p.done - d0) / seconds : 0;
    const left = p.total === undefined ? Infinity : Math.max(0, p.total - p.done);
    return {
      label: p.label,
      done: amount(p.done, p.unit),
      size: p.total === undefined ? '?' : amount(p.total, p.unit),
      rate: rate > 0 ? `${amount(rate, p.unit)}/s` : `-- ${p.unit === 'bytes' ? 'B' : p.unit}/s`,
      remaining: formatDuration(left === 0 ? 0 : rate > 0 ? left / rate : Infinity),
      detail: p.detail ?? '',
    };
  };

  const stop = () => {
    bar?.stop(); // cli-progress draws the last update before it stops
    bar = undefined;
  };

  const report = (p: Progress) => {
    const now = Date.now();
    if (task?.label !== p.label) {
      task = { label: p.label, started: now, from: p.done };
      samples = [[now, p.done]];
      if (!tty) output.write(`${p.label}: ${startLine(p)}\n`);
    }
    if (p.note !== undefined) {
      stop();
      output.write(`${p.label}: ${p.note}\n`);
      samples = [[now, p.done]];
    }
    if (p.finished) {
      stop();
      if (!tty) output.write(`${p.label}: ${doneLine(p, task)}\n`);
      task = undefined;
      return;
    }
    if (!tty) return;
    if (now - samples[samples.length - 1][0] >= 100) samples.push([now, p.done]);
    while (samples.length > 2 && now - samples[0][0] > 5000) samples.shift();
    if (!bar) {
      const format = p.total === undefined ? '{label} {done} {rate} {detail}' : '{label} [{bar}] {percentage}% {done}/{size} {rate} ETA {remaining} {detail}';
      // The bar takes what the numbers (about 45 columns) and the label leave of the terminal's width.
      const columns = (output as { columns?: number }).columns ?? 80;
      const barsize = Math.max(8, Math.min(30, columns - p.label.length - 48));
      // linewrap: true trims the line to the terminal width without switching the terminal's wrapping
      // off, so a Ctrl-C mid-download leaves the terminal as it was (the cursor stays visible too).
      bar = new SingleBar({ format, stream: output, barsize, linewrap: true, fps: 10 });
      bar.start(p.total ?? 1, p.done, payload(p));
    } else {
      if (p.total !== undefined) bar.setTotal(p.total);
      bar.update(p.done, payload(p));
    }
  };
  return Object.assign(report, { stop });
}

function startLine(p: Progress): string {
  const size = p.total === undefined ? `unknown ${p.unit === 'bytes' ? 'size' : 'count'}` : amount(p.total, p.unit);
  return p.done > 0 ? `resuming at ${amount(p.done, p.unit)} of ${size}` : `starting, ${size}`;
}

function doneLine(p: Progress, task: { started: number; from: number } | undefined): string {
  const seconds = task ? (Date.now() - task.started) / 1000 : 0;
  const rate = task && seconds > 0 ? ` (${amount((p.done - task.from) / seconds, p.unit)}/s)` : '';
  return `${amount(p.done, p.unit)}${p.detail ? `, ${p.detail}` : ''} done in ${seconds.toFixed(1)} s${rate}`;
}

/** Bytes as sizes (14.3 MB), anything else as a count of its unit (12 blocks). */
function amount(n: number, unit: Progress['unit']): string {
  return unit === 'bytes' ? formatBytes(n) : `${Math.round(n * 10) / 10} ${unit}`;
}

/** 125 → "2m05s"; Infinity → "--". */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
