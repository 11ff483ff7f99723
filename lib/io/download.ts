/**
 * Downloads one file over HTTP(S): follows redirects, resumes from `<dest>.part` with an HTTP Range
 * request after a dropped connection (in this call or a later one), checks a sha256 over every byte
 * (the resumed ones included), reports progress through a callback, and puts nothing under `dest`
 * until the file is complete and verified. Errors are one line that says what to do.
 *
 * A server is not trusted further than it proves: the ETag of the version a .part holds is kept
 * beside it (`<dest>.part.etag`) and sent as If-Range, so a changed file is fetched whole rather than
 * spliced; a part that starts elsewhere than asked is never appended; a body longer than the file
 * is cut off at once; and retries and restarts together stay within `retries`.
 */
import { createHash, Hash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { DownloadError, DownloadHints, fileError, statusError, stoppedError, toDownloadError, withHint } from './download-error';
import { get, parseUrl, RequestOptions } from './http-request';
import { ProgressCallback } from './progress';

export interface DownloadOptions extends RequestOptions {
  /** Expected sha256 (64 hex digits). A mismatch deletes the partial file. */
  sha256?: string;
  /** Expected size in bytes: checked against the server and the result, and against free disk space. */
  expectedSize?: number;
  /** Name shown in progress and messages; the file name of `dest` by default. */
  label?: string;
  /** Called as bytes arrive (unit 'bytes'), with a note when a dropped connection is resumed, and once finished. */
  onProgress?: ProgressCallback;
  /** How many times a failed request (a drop, a stall, a 5xx, an answer that cannot be used) is retried in this call (default 5). */
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
  const state = await resumeState(part, options.expectedSize, expectedSha, options.signal);
  const report: Report = (extra = {}) => options.onProgress?.({ label, done: state.bytes, total: state.total, unit: 'bytes', ...extra });
  const resumedFrom = state.bytes;
  await checkFreeSpace(path.dirname(target), options.expectedSize, state.bytes, label, hints);

  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      if (attempt > 0) await sleep(Math.min(500 * 2 ** (attempt - 1), 8000), undefined, { signal: options.signal });
      await transfer(url, part, state, options, report);
      break;
    } catch (e) {
      const err = options.signal?.aborted ? stoppedError(options.signal, url) : toDownloadError(e, url, part, hints);
      if (err.kind === 'size') {
        await removePart(part);
        throw new DownloadError('size', `${label}: ${err.message}; deleted the partial file ${part}: run again to download it afresh`, url);
      }
      if (err.kind !== 'interrupted' || attempt >= retries) {
        // The bytes on disk are a true prefix of the file: say that they are kept for the next run.
        const resumable = ['interrupted', 'offline', 'http', 'stopped'].includes(err.kind) && state.bytes > 0;
        if (!resumable) throw err;
        throw new DownloadError(err.kind, `${label}: ${err.message}; ${formatBytes(state.bytes)} kept in ${part}: run again to resume`, url, err.status);
      }
      const next = state.fromStart || state.bytes === 0 ? 'starting over' : `resuming at ${formatBytes(state.bytes)}`;
      report({ note: `${err.message}; ${next} (retry ${attempt + 1} of ${retries})` });
    }
  }

  const sha256 = state.hash.digest('hex');
  if (options.expectedSize !== undefined && state.bytes !== options.expectedSize) {
    await removePart(part);
    throw new DownloadError('size', `${label}: got ${state.bytes} bytes, expected ${options.expectedSize}; deleted the partial file ${part}: run again to download it afresh`, url);
  }
  if (expectedSha !== undefined && sha256 !== expectedSha) {
    await removePart(part);
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
  await fsp.rm(versionFile(part), { force: true });
  report({ total: state.bytes, finished: true });
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
  total?: number; // the file's size, once a response has said it
  etag?: string; // the version the .part holds, as the server's strong ETag
  fromStart: boolean; // the next request asks for the whole file: the server's last part was unusable
}

/** Tells the caller where the download stands (see DownloadOptions.onProgress). */
type Report = (extra?: { total?: number; note?: string; finished?: boolean }) => void;

/** Where the ETag of the version in `<dest>.part` is kept. */
const versionFile = (part: string) => part + '.etag';

/**
 * Picks up what a previous run left in the .part file, hashed so the checksum covers the resumed
 * bytes. A .part longer than the file, or of no known version with no sha256 to check it, is dropped.
 */
async function resumeState(part: string, expectedSize: number | undefined, expectedSha: string | undefined, signal?: AbortSignal): Promise<ResumeState> {
  const fresh: ResumeState = { bytes: 0, hash: createHash('sha256'), received: 0, fromStart: false };
  const size = await sizeOf(part);
  if (!size) return fresh;
  const etag = await fsp.readFile(versionFile(part), 'utf8').catch(() => undefined);
  if ((expectedSize !== undefined && size > expectedSize) || (etag === undefined && expectedSha === undefined)) {
    await removePart(part);
    return fresh;
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(part) as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw stoppedError(signal, part); // hashing gigabytes takes a while
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, hash, received: 0, etag, fromStart: false };
}

/** Empties the .part for a body that starts at byte 0, and records which version of the file it holds. */
async function restart(part: string, state: ResumeState, etag: string | undefined): Promise<void> {
  if (state.bytes > 0) await fsp.truncate(part, 0); // state.bytes is always the .part's size
  if (etag) await fsp.writeFile(versionFile(part), etag);
  else await fsp.rm(versionFile(part), { force: true });
  Object.assign(state, { bytes: 0, hash: createHash('sha256'), etag, fromStart: false });
}

async function removePart(part: string): Promise<void> {
  await fsp.rm(part, { force: true });
  await fsp.rm(versionFile(part), { force: true });
}

/**
 * One GET: appends the body to `part` from `state.bytes` on; throws on a drop (state stays exact).
 * A server's answer is used only when it is the part asked for, of the version on disk.
 */
async function transfer(url: string, part: string, state: ResumeState, options: DownloadOptions, report: Report): Promise<void> {
  const headers: Record<string, string> = { ...options.headers, 'accept-encoding': 'identity' };
  const from = state.fromStart ? 0 : state.bytes;
  if (from > 0) {
    headers.range = `bytes=${from}-`;
    // A server with another version than the .part's answers If-Range with the whole new file.
    if (state.etag) headers['if-range'] = state.etag;
  }
  const { response: res, url: answered } = await get(url, headers, options);
  const host = answered.host;
  const status = res.statusCode ?? 0;
  const etag = strongEtag(res.headers.etag);
  let total: number | undefined;

  if (status === 416 && from > 0) {
    // Range beyond the end: either the .part file is already whole, or it is from another file.
    res.resume();
    const whole = /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''));
    if (whole && Number(whole[1]) === state.bytes) return;
    await restart(part, state, etag);
    throw new DownloadError('interrupted', `${host} has no byte ${from} (HTTP 416): ${part} is not of this file`, url, status);
  } else if (status === 206) {
    const contentRange = res.headers['content-range'];
    const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(String(contentRange ?? ''));
    if (!range || Number(range[1]) !== from) {
      res.destroy();
      const got = contentRange === undefined ? 'no Content-Range' : `Content-Range ${JSON.stringify(contentRange)}`;
      const problem = `${host} answered a request from byte ${from} with 206 Partial Content and ${got}`;
      // Ask once for the whole file instead; a server that gets that wrong too cannot be used.
      if (from === 0) throw withHint('http', problem, url, options.hints ?? {}, status);
      state.fromStart = true;
      throw new DownloadError('interrupted', problem, url, status);
    }
    if (from > 0 && state.etag && etag && etag !== state.etag) {
      res.destroy(); // the server ignored If-Range: its part is of another version
      state.fromStart = true;
      throw new DownloadError('interrupted', `the file changed on ${host} (ETag ${state.etag}, now ${etag})`, url, status);
    }
    total = range[3] === '*' ? undefined : Number(range[3]);
  } else if (status === 200) {
    const length = res.headers['content-length'];
    total = length === undefined ? undefined : Number(length);
  } else {
    res.resume();
    throw statusError(status, url, options.hints ?? {});
  }

  if (total !== undefined && options.expectedSize !== undefined && total !== options.expectedSize) {
    res.destroy();
    throw new DownloadError('size', `${host} has ${total} bytes, expected ${options.expectedSize}`, url);
  }
  if (from > 0 && status === 200) {
    const why = state.etag && etag && etag !== state.etag ? `the file changed on ${host} (ETag ${state.etag}, now ${etag})` : `${host} sent the whole file`;
    report({ note: `${why}: starting over` });
  }
  if (from === 0 || status === 200) await restart(part, state, etag);
  state.total = total;
  report();
  const file = await fsp.open(part, 'a');
  try {
    await pipeline(res, appendingWriter(file, state, report, total ?? options.expectedSize, host));
  } finally {
    await file.close();
  }
  if (total !== undefined && state.bytes < total) {
    throw new DownloadError('interrupted', `connection to ${host} closed at ${state.bytes} of ${total} bytes`, url);
  }
}

/**
 * Writes each chunk, then hashes and counts it, so the hash always matches the bytes on disk. A body
 * that runs past `limit` (the file's size) is not the file: it is stopped before the disk fills.
 */
function appendingWriter(file: fsp.FileHandle, state: ResumeState, report: Report, limit: number | undefined, host: string): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, callback) {
      if (limit !== undefined && state.bytes + chunk.length > limit) {
        return callback(new DownloadError('size', `${host} sent more than the ${limit} bytes expected`));
      }
      writeAll(file, chunk).then(() => {
        state.hash.update(chunk);
        state.bytes += chunk.length;
        state.received += chunk.length;
        report();
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

/** A strong ETag as the server sent it, quotes included; a weak one (W/) cannot go in If-Range. */
function strongEtag(value: string | undefined): string | undefined {
  const tag = value?.trim();
  return tag && /^"[^"]*"$/.test(tag) ? tag : undefined;
}

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
