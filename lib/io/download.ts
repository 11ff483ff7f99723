/**
 * Downloads one file over HTTP(S): follows redirects, resumes from `<dest>.part` with an HTTP Range
 * request after a dropped connection (in this call or a later one), checks a sha256 over every byte
 * (the resumed ones included), shows a progress bar on a terminal, and puts nothing under `dest`
 * until the file is complete and verified. Errors are one line that says what to do.
 */
import { createHash, Hash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import { DownloadError, DownloadHints, fileError, safeHost, statusError, toDownloadError, withHint } from './download-error';
import { get, parseUrl, RequestOptions } from './http-request';

export interface DownloadOptions extends RequestOptions {
  /** Expected sha256 (64 hex digits). A mismatch deletes the partial file. */
  sha256?: string;
  /** Expected size in bytes: checked against the server and the result, and against free disk space. */
  expectedSize?: number;
  /** Name shown in progress and messages; the file name of `dest` by default. */
  label?: string;
  /** Where progress goes: a bar on a TTY, a few plain lines otherwise; `null` for silence. Default stderr. */
  output?: NodeJS.WritableStream | null;
  /** How many times a dropped connection is resumed within this call (default 5). */
  retries?: number;
  /** Replace `dest` even if it exists (default: an existing `dest` is returned untouched, no request). */
  overwrite?: boolean;
}

export interface DownloadResult {
  path: string;
  /** Size of the file at `path`. */
  bytes: number;
  /** sha256 of the file (hex); undefined when the existing file was kept without reading it. */
  sha256?: string;
  /** True when the expected sha256 was given and matched. */
  verified: boolean;
  /** Bytes received over the network in this call. */
  downloadedBytes: number;
  /** Bytes already in the .part file when this call started. */
  resumedFrom: number;
  /** True when `dest` already existed and nothing was requested. */
  skipped: boolean;
}

/** Downloads `url` to `dest` (see the file comment). Resolves once `dest` is complete and verified. */
export async function download(url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const target = path.resolve(dest);
  const part = target + '.part';
  const label = options.label ?? path.basename(target);
  const expectedSha = checkSha256(options.sha256);
  const hints = options.hints ?? {};
  parseUrl(url);

  const kept = await keptFile(target, options);
  if (kept) return kept;
  await fsp.mkdir(path.dirname(target), { recursive: true }).catch((e) => {
    throw fileError(e, path.dirname(target), hints);
  });
  const unlock = await lockPart(part, label, hints);
  try {
    // Another process may have finished this file while we waited for the lock.
    return (await keptFile(target, options)) ?? (await downloadLocked(url, target, part, label, expectedSha, options));
  } finally {
    await unlock();
  }
}

/** The result for an existing `dest` that is kept as it is, or undefined when it must be fetched. */
async function keptFile(target: string, options: DownloadOptions): Promise<DownloadResult | undefined> {
  const existing = await sizeOf(target);
  if (existing === undefined || options.overwrite) return undefined;
  // A file of another size than expected was not put there by us: fetch a fresh copy to rename over it.
  if (options.expectedSize !== undefined && existing !== options.expectedSize) return undefined;
  return { path: target, bytes: existing, verified: false, downloadedBytes: 0, resumedFrom: 0, skipped: true };
}

async function downloadLocked(
  url: string,
  target: string,
  part: string,
  label: string,
  expectedSha: string | undefined,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const hints = options.hints ?? {};
  const progress = new Progress(options.output === undefined ? process.stderr : options.output, label);
  const state = await resumeState(part, options.expectedSize);
  const resumedFrom = state.bytes;
  await checkFreeSpace(path.dirname(target), options.expectedSize, state.bytes, label, hints);

  const retries = options.retries ?? 5;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await transfer(url, part, state, options, progress);
        break;
      } catch (e) {
        const err = toDownloadError(e, url, part, hints);
        if (err.kind !== 'interrupted' || attempt >= retries) {
          // The network went away mid-file: say that what arrived is kept for the next run.
          const resumable = (err.kind === 'interrupted' || err.kind === 'offline') && state.bytes > 0;
          if (!resumable) throw err;
          throw new DownloadError(err.kind, `${label}: ${err.message}; ${formatBytes(state.bytes)} kept in ${part}: run again to resume`, url, err.status);
        }
        progress.note(`${label}: ${err.message}; resuming at ${formatBytes(state.bytes)} (retry ${attempt + 1} of ${retries})`);
        await sleep(Math.min(500 * 2 ** attempt, 8000));
      }
    }
  } finally {
    progress.stop();
  }

  const sha256 = state.hash.digest('hex');
  if (options.expectedSize !== undefined && state.bytes !== options.expectedSize) {
    await fsp.rm(part, { force: true });
    throw new DownloadError('size', `${label}: got ${state.bytes} bytes, expected ${options.expectedSize}; deleted the partial file ${part}: run again to download it afresh`, url);
  }
  if (expectedSha !== undefined && sha256 !== expectedSha) {
    await fsp.rm(part, { force: true });
    throw new DownloadError(
      'checksum',
      `${label}: checksum mismatch (sha256 ${sha256}, expected ${expectedSha}); deleted the partial file ${part}: run again to download it afresh`,
      url,
    );
  }
  await flushToDisk(part);
  await fsp.rename(part, target).catch((e) => {
    throw fileError(e, target, hints);
  });
  progress.done(state.bytes, state.received, expectedSha !== undefined);
  return { path: target, bytes: state.bytes, sha256, verified: expectedSha !== undefined, downloadedBytes: state.received, resumedFrom, skipped: false };
}

// ---------------------------------------------------------------------------------------------

/**
 * One download per file at a time: two processes appending to the same .part file would spoil it.
 * The lock file holds the owner's pid; a lock whose process is gone (killed) is taken over.
 */
async function lockPart(part: string, label: string, hints: DownloadHints): Promise<() => Promise<void>> {
  const lock = part + '.lock';
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => fsp.rm(lock, { force: true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') throw fileError(err, lock, hints);
      const owner = Number((await fsp.readFile(lock, 'utf8').catch(() => '')).trim());
      if (attempt > 0 || (Number.isInteger(owner) && owner > 0 && isRunning(owner))) {
        throw new DownloadError('busy', `${label}: another download to ${part} is running (process ${owner || '?'}): wait for it to finish, or delete ${lock} if no download is running`);
      }
      await fsp.rm(lock, { force: true }); // left by a process that no longer runs
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 sends nothing: it only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface ResumeState {
  bytes: number; // bytes in the .part file, all of them hashed
  hash: Hash;
  received: number; // bytes that came over the network in this call
}

/** Hashes what a previous run left in the .part file so the checksum covers the resumed bytes. */
async function resumeState(part: string, expectedSize: number | undefined): Promise<ResumeState> {
  const size = await sizeOf(part);
  if (size === undefined || size === 0) return { bytes: 0, hash: createHash('sha256'), received: 0 };
  if (expectedSize !== undefined && size > expectedSize) {
    await fsp.rm(part, { force: true }); // longer than the file can be: not a prefix of it
    return { bytes: 0, hash: createHash('sha256'), received: 0 };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(part) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, hash, received: 0 };
}

async function restart(part: string, state: ResumeState): Promise<void> {
  await fsp.truncate(part, 0).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
  state.bytes = 0;
  state.hash = createHash('sha256');
}

/** One GET: appends the body to `part` from `state.bytes` on; throws on a drop (state stays exact). */
async function transfer(url: string, part: string, state: ResumeState, options: DownloadOptions, progress: Progress): Promise<void> {
  const headers: Record<string, string> = { ...options.headers, 'accept-encoding': 'identity' };
  if (state.bytes > 0) headers.range = `bytes=${state.bytes}-`;
  const res = await get(url, headers, options);
  const status = res.statusCode ?? 0;
  let total: number | undefined;

  if (status === 416 && state.bytes > 0) {
    // Range beyond the end: either the .part file is already whole, or it is from another file.
    res.resume();
    const whole = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
    if (whole && Number(whole[1]) === state.bytes) return;
    await restart(part, state);
    return transfer(url, part, state, options, progress);
  } else if (status === 206) {
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(res.headers['content-range'] ?? ''));
    if (!range || Number(range[1]) !== state.bytes) {
      res.destroy();
      await restart(part, state);
      return transfer(url, part, state, options, progress);
    }
    total = range[3] === '*' ? undefined : Number(range[3]);
  } else if (status === 200) {
    if (state.bytes > 0) await restart(part, state); // the server ignored Range: start over
    const length = res.headers['content-length'];
    total = length === undefined ? undefined : Number(length);
  } else {
    res.resume();
    throw statusError(status, url, options.hints ?? {});
  }

  if (total !== undefined && options.expectedSize !== undefined && total !== options.expectedSize) {
    res.destroy();
    throw new DownloadError('size', `${options.label ?? path.basename(part, '.part')}: the server has ${total} bytes, expected ${options.expectedSize}`, url);
  }
  progress.start(total, state.bytes, safeHost(url));
  const file = await fsp.open(part, 'a');
  try {
    await pipeline(res, appendingWriter(file, state, progress));
  } finally {
    await file.close();
  }
  if (total !== undefined && state.bytes < total) {
    throw new DownloadError('interrupted', `connection to ${safeHost(url)} closed at ${state.bytes} of ${total} bytes`, url);
  }
}

/** Writes each chunk, then hashes and counts it, so the hash always matches the bytes on disk. */
function appendingWriter(file: fsp.FileHandle, state: ResumeState, progress: Progress): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      writeAll(file, chunk).then(() => {
        state.hash.update(chunk);
        state.bytes += chunk.length;
        state.received += chunk.length;
        progress.update(state.bytes);
        callback();
      }, callback);
    },
  });
}

async function writeAll(file: fsp.FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}

async function checkFreeSpace(dir: string, expectedSize: number | undefined, have: number, label: string, hints: DownloadHints): Promise<void> {
  if (expectedSize === undefined) return;
  const stats = await fsp.statfs(dir).catch(() => undefined);
  if (!stats) return;
  const free = stats.bavail * stats.bsize;
  const need = expectedSize - have;
  if (need > free) {
    throw withHint('disk-full', `not enough disk space for ${label}: needs ${formatBytes(need)} more in ${dir}, ${formatBytes(free)} free`, '', hints);
  }
}

async function flushToDisk(file: string): Promise<void> {
  const handle = await fsp.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function checkSha256(sha: string | undefined): string | undefined {
  if (sha === undefined) return undefined;
  if (!/^[0-9a-f]{64}$/i.test(sha)) throw new DownloadError('invalid', `sha256 must be 64 hex digits, got ${JSON.stringify(sha)}`);
  return sha.toLowerCase();
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 548105171 → "548.1 MB" (decimal units, as the hub shows sizes). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress: cli-progress's bar on a terminal; on anything else one line when a transfer starts and
 * one when the file is done, so logs stay short. Rate and ETA come from the last few seconds.
 */
class Progress {
  private bar: SingleBar | undefined;
  private total: number | undefined;
  private samples: Array<[number, number]> = []; // [time ms, bytes]
  private lastDraw = 0;
  private latest = 0;
  private readonly startTime = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly output: NodeJS.WritableStream | null,
    private readonly label: string,
  ) {
    this.tty = (output as { isTTY?: boolean } | null)?.isTTY === true;
  }

  start(total: number | undefined, done: number, host: string): void {
    if (!this.output) return;
    this.total = total;
    this.latest = done;
    this.samples = [[Date.now(), done]];
    if (!this.tty) {
      const size = total === undefined ? 'unknown size' : formatBytes(total);
      const from = done > 0 ? `resuming at ${formatBytes(done)} of ${size}` : size;
      this.output.write(`${this.label}: downloading ${from} from ${host}\n`);
      return;
    }
    if (!this.bar) {
      const format = total === undefined ? '{label} {done} {rate}' : '{label} [{bar}] {percentage}% {done}/{size} {rate} ETA {remaining}';
      // The bar takes what the numbers (about 45 columns) and the label leave of the terminal's width.
      const columns = (this.output as { columns?: number }).columns ?? 80;
      const barsize = Math.max(8, Math.min(30, columns - this.label.length - 48));
      // linewrap: true trims the line to the terminal width without switching the terminal's wrapping
      // off, so a Ctrl-C mid-download leaves the terminal as it was (the cursor stays visible too).
      this.bar = new SingleBar({ format, stream: this.output, barsize, linewrap: true, fps: 10 });
      this.bar.start(total ?? 1, done, this.payload(done));
    } else {
      this.bar.setTotal(total ?? 1);
      this.bar.update(done, this.payload(done));
    }
  }

  update(done: number): void {
    this.latest = done;
    if (!this.bar) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.samples.push([now, done]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    this.bar.update(done, this.payload(done));
  }

  note(line: string): void {
    if (!this.output) return;
    if (this.bar) {
      this.bar.stop();
      this.bar = undefined;
    }
    this.output.write(line + '\n');
  }

  done(bytes: number, received: number, verified: boolean): void {
    this.stop();
    if (!this.output || this.tty) return;
    const seconds = (Date.now() - this.startTime) / 1000;
    const rate = seconds > 0 ? ` (${formatBytes(received / seconds)}/s)` : '';
    this.output.write(`${this.label}: ${formatBytes(bytes)} done in ${seconds.toFixed(1)} s${rate}${verified ? ', sha256 verified' : ''}\n`);
  }

  stop(): void {
    if (this.bar) {
      this.bar.update(this.latest, this.payload(this.latest)); // updates are throttled: draw the last one
      this.bar.stop();
      this.bar = undefined;
    }
  }

  private payload(done: number) {
    const [t0, b0] = this.samples[0];
    const seconds = (Date.now() - t0) / 1000;
    const rate = seconds > 0.05 ? (done - b0) / seconds : 0;
    const left = this.total === undefined ? undefined : this.total - done;
    const remaining = left === undefined ? Infinity : left <= 0 ? 0 : rate > 0 ? left / rate : Infinity;
    return {
      label: this.label,
      done: formatBytes(done),
      size: this.total === undefined ? '?' : formatBytes(this.total),
      rate: rate > 0 ? `${formatBytes(rate)}/s` : '-- /s',
      remaining: formatDuration(remaining),
    };
  }
}
