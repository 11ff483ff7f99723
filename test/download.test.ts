// lib/download.ts against a real HTTP server on loopback (test/download-hub-server.ts): redirects,
// resume, checksum, errors, progress. Expected bytes and hashes come from the fixture file itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../lib/io/download';
import { DownloadError, toDownloadError } from '../lib/io/download-error';
import { Progress } from '../lib/io/progress';
import { closedPort, FakeHub, MODEL_BYTES, MODEL_SHA256, startFakeHub } from './download-hub-server';

let hub: FakeHub;
let tmp: string;
let dest: string;
const modelUrl = () => `${hub.endpoint}/openai-community/gpt2/resolve/main/model.safetensors`;
const quiet = { retries: 2 } as const;
const cdnGets = () => hub.log.filter((r) => r.server === 'cdn' && r.method === 'GET');

beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'download-test-'));
  dest = path.join(tmp, 'model.safetensors');
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** The rejection of `promise`, which must be a DownloadError. */
async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DownloadError);
  const err = e as DownloadError;
  expect(err.message).not.toContain('\n'); // one line
  return err;
}

describe('download', () => {
  it('follows the redirect, verifies the sha256 and leaves only the final file', async () => {
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256, expectedSize: MODEL_BYTES.length });
    expect(r).toMatchObject({ path: dest, bytes: MODEL_BYTES.length, sha256: MODEL_SHA256, verified: true, skipped: false });
    expect(r.downloadedBytes).toBe(MODEL_BYTES.length);
    expect(readFileSync(dest).equals(MODEL_BYTES)).toBe(true);
    expect(readdirSync(tmp)).toEqual(['model.safetensors']);
    expect(hub.log.map((l) => `${l.server} ${l.method}`)).toEqual(['hub GET', 'cdn GET']);
    expect(cdnGets()[0].headers.range).toBeUndefined();
  });

  it('sends credentials to the first origin but not to the CDN it redirects to', async () => {
    await download(modelUrl(), dest, { ...quiet, headers: { Authorization: 'Bearer hf_secret' } });
    expect(hub.log[0].headers.authorization).toBe('Bearer hf_secret');
    expect(cdnGets()[0].headers.authorization).toBeUndefined();
  });

  it('resumes a connection cut mid-file with a Range request and verifies the whole', async () => {
    hub.faults.cut = { bytes: 5_000_000, times: 1 };
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 });
    expect(r.verified).toBe(true);
    expect(readFileSync(dest).equals(MODEL_BYTES)).toBe(true);
    // The resume starts where the bytes on disk end: at most where the server cut (Node drops what
    // it had buffered but not yet handed over when the connection fails).
    const ranges = cdnGets().map((g) => g.headers.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(ranges[1] ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(5_000_000);
    expect(r.downloadedBytes).toBe(MODEL_BYTES.length);
  });

  it('treats a connection that falls silent as dropped, and resumes', async () => {
    hub.faults.stall = { bytes: 3_000_000, times: 1 };
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256, idleTimeoutMs: 300 });
    expect(r.verified).toBe(true);
    const ranges = cdnGets().map((g) => g.headers.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
  });

  it('keeps the .part file of an interrupted download, and the next call resumes from it', async () => {
    hub.faults.cut = { bytes: 5_000_000, times: 1 };
    const err = await failure(download(modelUrl(), dest, { ...quiet, retries: 0, sha256: MODEL_SHA256 }));
    expect(err.kind).toBe('interrupted');
    expect(err.message).toMatch(/run again to resume/);
    expect(existsSync(dest)).toBe(false);
    const part = readFileSync(dest + '.part');
    expect(part.length).toBeGreaterThan(0);
    expect(part.length).toBeLessThanOrEqual(5_000_000);
    expect(part.equals(MODEL_BYTES.subarray(0, part.length))).toBe(true);

    hub.reset();
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 });
    expect(r).toMatchObject({ verified: true, resumedFrom: part.length, downloadedBytes: MODEL_BYTES.length - part.length });
    expect(cdnGets().map((g) => g.headers.range)).toEqual([`bytes=${part.length}-`]);
    expect(readFileSync(dest).equals(MODEL_BYTES)).toBe(true);
    expect(existsSync(dest + '.part')).toBe(false);
  });

  it('stops when its signal fires, keeping the .part for the next call to resume', async () => {
    hub.faults.stall = { bytes: 3_000_000, times: 1 }; // 3 MB, then silence (far shorter than the idle timeout)
    const controller = new AbortController();
    const onProgress = (p: Progress) => {
      if (p.done === 3_000_000) controller.abort(new Error('stopped by the caller'));
    };
    const err = await failure(download(modelUrl(), dest, { ...quiet, signal: controller.signal, onProgress }));
    expect(err.kind).toBe('stopped');
    expect(err.message).toBe(`model.safetensors: stopped by the caller; 3.0 MB kept in ${dest}.part: run again to resume`);
    expect(readFileSync(dest + '.part').equals(MODEL_BYTES.subarray(0, 3_000_000))).toBe(true);
    expect(cdnGets()).toHaveLength(1); // stopped, not retried

    const before = new AbortController();
    before.abort(new Error('stopped before it began'));
    const early = await failure(download(modelUrl(), path.join(tmp, 'other.bin'), { ...quiet, signal: before.signal }));
    expect(early).toMatchObject({ kind: 'stopped', message: 'stopped before it began' });
  });

  it('catches a corrupted byte, deletes the partial file and says so', async () => {
    hub.faults.corruptAt = 1_234_567;
    const err = await failure(download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 }));
    expect(err.kind).toBe('checksum');
    expect(err.message).toContain(`expected ${MODEL_SHA256}`);
    expect(err.message).toContain(`deleted the partial file ${dest}.part`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('checks the resumed bytes too: a bad byte in an old .part file is caught', async () => {
    const prefix = Buffer.from(MODEL_BYTES.subarray(0, 2_000_000));
    prefix[100] ^= 1;
    writeFileSync(dest + '.part', prefix);
    const err = await failure(download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 }));
    expect(err.kind).toBe('checksum');
    expect(cdnGets().map((g) => g.headers.range)).toEqual(['bytes=2000000-']); // it did resume
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('starts over when the server ignores Range, and still verifies', async () => {
    writeFileSync(dest + '.part', MODEL_BYTES.subarray(0, 3_000_000));
    hub.faults.ignoreRange = true;
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 });
    expect(r).toMatchObject({ verified: true, resumedFrom: 3_000_000, downloadedBytes: MODEL_BYTES.length });
    expect(readFileSync(dest).equals(MODEL_BYTES)).toBe(true);
  });

  it('verifies a .part file that is already whole without fetching the body again (416)', async () => {
    writeFileSync(dest + '.part', MODEL_BYTES);
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 });
    expect(r).toMatchObject({ verified: true, downloadedBytes: 0, resumedFrom: MODEL_BYTES.length });
    expect(readFileSync(dest).equals(MODEL_BYTES)).toBe(true);
  });

  it('makes no request when the file is already there', async () => {
    writeFileSync(dest, 'kept');
    const r = await download(modelUrl(), dest, quiet);
    expect(r).toMatchObject({ skipped: true, bytes: 4, downloadedBytes: 0 });
    expect(hub.log).toEqual([]);
    expect(readFileSync(dest, 'utf8')).toBe('kept');
  });

  it('refuses to run beside another download of the same file, and takes over a dead one\'s lock', async () => {
    writeFileSync(dest + '.part.lock', String(process.pid)); // a running process holds it
    const busy = await failure(download(modelUrl(), dest, quiet));
    expect(busy.kind).toBe('busy');
    expect(busy.message).toBe(
      `model.safetensors: another download to ${dest}.part is running (process ${process.pid}): wait for it to finish, or delete ${dest}.part.lock if no download is running`,
    );
    expect(hub.log).toEqual([]);

    const gone = spawnSync(process.execPath, ['-e', '']).pid; // a process that has exited
    writeFileSync(dest + '.part.lock', String(gone));
    const r = await download(modelUrl(), dest, { ...quiet, sha256: MODEL_SHA256 });
    expect(r.verified).toBe(true);
    expect(readdirSync(tmp)).toEqual(['model.safetensors']); // lock released
  });

  it('reports a 404 with the status and the URL, and writes nothing', async () => {
    const url = `${hub.endpoint}/openai-community/gpt2/resolve/main/missing.bin`;
    const err = await failure(download(url, dest, { ...quiet, hints: { 'not-found': 'check the name' } }));
    expect(err).toMatchObject({ kind: 'not-found', status: 404 });
    expect(err.message).toBe(`HTTP 404 Not Found: ${url} does not exist: check the name`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('reports 401 and 403 as refused access, with the caller\'s hint', async () => {
    const hints = { unauthorized: 'set HF_TOKEN' };
    hub.faults.token = 'hf_right';
    const e401 = await failure(download(modelUrl(), dest, { ...quiet, hints }));
    expect(e401).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(e401.message).toMatch(/^HTTP 401 Unauthorized for .*: the server refused access: set HF_TOKEN$/);

    hub.reset();
    hub.faults.forbidden = true;
    const e403 = await failure(download(modelUrl(), dest, { ...quiet, hints }));
    expect(e403).toMatchObject({ kind: 'unauthorized', status: 403 });
    expect(e403.message).toMatch(/^HTTP 403 Forbidden for .*set HF_TOKEN$/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('says "no network" when the server cannot be reached', async () => {
    const url = `${await closedPort()}/model.safetensors`;
    const err = await failure(download(url, dest, { ...quiet, hints: { offline: 'copy the file by hand' } }));
    expect(err.kind).toBe('offline');
    expect(err.message).toMatch(/^no network: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\): copy the file by hand$/);
  });

  it('words a DNS failure as "no network" (Node\'s ENOTFOUND and EAI_AGAIN errors)', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const nodeError = Object.assign(new Error(`getaddrinfo ${code} huggingface.co`), { code });
      const err = toDownloadError(nodeError, 'https://huggingface.co/x', undefined, { offline: 'copy it' });
      expect(err.kind).toBe('offline');
      expect(err.message).toBe(`no network: cannot resolve huggingface.co (getaddrinfo ${code} huggingface.co): copy it`);
    }
  });

  it('refuses to start without the disk space the file needs', async () => {
    const err = await failure(download(modelUrl(), dest, { ...quiet, expectedSize: 1e17 }));
    expect(err.kind).toBe('disk-full');
    expect(err.message).toMatch(/^not enough disk space for model\.safetensors: needs 100000\.0 TB more in .*, .* free$/);
    expect(hub.log).toEqual([]);
  });

  it.skipIf(!existsSync('/dev/full'))('reports a full disk while writing (ENOSPC) and keeps the file for a resume', async () => {
    symlinkSync('/dev/full', dest + '.part'); // every write to it fails with ENOSPC
    const err = await failure(download(modelUrl(), dest, quiet));
    expect(err.kind).toBe('disk-full');
    expect(err.message).toBe(`disk full while writing ${dest}.part: free some space and run again to resume`);
    expect(existsSync(dest)).toBe(false);
  });

  it('rejects a file whose size differs from the expected one', async () => {
    const err = await failure(download(modelUrl(), dest, { ...quiet, expectedSize: MODEL_BYTES.length + 1 }));
    expect(err.kind).toBe('size');
    expect(err.message).toBe(
      `model.safetensors: ${new URL(hub.cdn).host} has ${MODEL_BYTES.length} bytes, expected ${MODEL_BYTES.length + 1}; deleted the partial file ${dest}.part: run again to download it afresh`,
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('rejects a malformed sha256 or URL before any request', async () => {
    const badSha = await failure(download(modelUrl(), dest, { ...quiet, sha256: 'abc123' }));
    expect(badSha).toMatchObject({ kind: 'invalid', message: 'sha256 must be 64 hex digits, got "abc123"' });
    const badUrl = await failure(download('ftp://example.org/x', dest, quiet));
    expect(badUrl.kind).toBe('invalid');
    expect(hub.log).toEqual([]);
  });

  it('reports progress through the callback: from the first byte to the whole file, finished once', async () => {
    const reports: Progress[] = [];
    await download(modelUrl(), dest, { ...quiet, label: 'gpt2/model.safetensors', onProgress: (p) => reports.push({ ...p }) });
    expect(reports[0]).toEqual({ label: 'gpt2/model.safetensors', done: 0, total: MODEL_BYTES.length, unit: 'bytes' });
    expect(reports.at(-1)).toEqual({ label: 'gpt2/model.safetensors', done: MODEL_BYTES.length, total: MODEL_BYTES.length, unit: 'bytes', finished: true });
    expect(reports.filter((p) => p.finished)).toHaveLength(1);
    const done = reports.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes back
    expect(reports.length).toBeGreaterThan(10); // as the bytes arrive, not only at the ends
  });

  it('reports a resumed drop as a note, then goes on from the bytes on disk', async () => {
    hub.faults.cut = { bytes: 5_000_000, times: 1 };
    const reports: Progress[] = [];
    await download(modelUrl(), dest, { ...quiet, onProgress: (p) => reports.push({ ...p }) });
    const notes = reports.filter((p) => p.note !== undefined);
    expect(notes).toHaveLength(1);
    expect(notes[0].note).toMatch(/^connection to 127\.0\.0\.1:\d+ (lost|closed at \d+ of 14321680 bytes).*; resuming at [\d.]+ MB \(retry 1 of 2\)$/);
    const after = reports[reports.indexOf(notes[0]) + 1];
    expect(after.done).toBe(notes[0].done);
    expect(after.done).toBeGreaterThan(0);
  });
});

describe('download from a server that misbehaves', () => {
  /** The model file as a new version would be: same size, one byte changed near the start. */
  const newVersion = () => {
    const bytes = Buffer.from(MODEL_BYTES);
    bytes[1000] ^= 0xff;
    return bytes;
  };

  it.each(['missing', 'shifted'] as const)(
    'asks once for the whole file, then stops with the .part intact, when ranged answers have a wrong Content-Range (%s)',
    async (fault) => {
      const prefix = MODEL_BYTES.subarray(0, 3_000_000);
      writeFileSync(dest + '.part', prefix);
      hub.faults.badContentRange = fault;
      const err = await failure(download(modelUrl(), dest, { ...quiet, retries: 5, sha256: MODEL_SHA256, hints: { http: 'try a mirror' } }));
      expect(err.kind).toBe('http');
      const host = new URL(hub.cdn).host;
      const got = fault === 'missing' ? 'no Content-Range' : 'Content-Range "bytes 1-14321679/14321680"';
      expect(err.message).toBe(
        `model.safetensors: ${host} answered a request from byte 0 with 206 Partial Content and ${got}: try a mirror; 3.0 MB kept in ${dest}.part: run again to resume`,
      );
      expect(cdnGets().map((g) => g.headers.range)).toEqual(['bytes=3000000-', undefined]);
      expect(readFileSync(dest + '.part').equals(prefix)).toBe(true);
      expect(existsSync(dest)).toBe(false);
    },
    20_000, // before the fix it asked again and again, without end
  );

  it('stops as soon as a chunked body runs past the announced size, and keeps nothing of it', async () => {
    hub.faults.overlong = 200_000_000; // the server would send 200 MB more than the file has
    const reports: Progress[] = [];
    const expectedSize = MODEL_BYTES.length;
    const err = await failure(download(modelUrl(), dest, { ...quiet, expectedSize, onProgress: (p) => reports.push({ ...p }) }));
    expect(err.kind).toBe('size');
    const host = new URL(hub.cdn).host;
    expect(err.message).toBe(`model.safetensors: ${host} sent more than the 14321680 bytes expected; deleted the partial file ${dest}.part: run again to download it afresh`);
    expect(Math.max(...reports.map((p) => p.done))).toBeLessThanOrEqual(expectedSize);
    expect(cdnGets()[0].completed).toBe(false); // the client stopped reading long before the server was done
    expect(cdnGets()).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('starts over, sending If-Range with the ETag the .part was of, when the file changed on the server', async () => {
    hub.faults.cut = { bytes: 5_000_000, times: 1 };
    await failure(download(modelUrl(), dest, { ...quiet, retries: 0 }));
    const partBytes = readFileSync(dest + '.part').length;
    expect(partBytes).toBeGreaterThan(1000); // the changed byte is inside what was kept

    hub.reset();
    hub.faults.body = newVersion(); // no sha256 given: only the version check can tell
    const r = await download(modelUrl(), dest, quiet);
    expect(readFileSync(dest).equals(newVersion())).toBe(true);
    expect(r).toMatchObject({ resumedFrom: partBytes, downloadedBytes: MODEL_BYTES.length, verified: false });
    const [get] = cdnGets();
    expect(get.headers.range).toBe(`bytes=${partBytes}-`);
    expect(get.headers['if-range']).toBe(`"${MODEL_SHA256}"`);
    expect(cdnGets()).toHaveLength(1); // the server's If-Range answer was the whole new file
    expect(readdirSync(tmp)).toEqual(['model.safetensors']);
  });

  it('starts over when a server that ignores If-Range answers with another ETag', async () => {
    hub.faults.cut = { bytes: 5_000_000, times: 1 };
    await failure(download(modelUrl(), dest, { ...quiet, retries: 0 }));
    hub.reset();
    hub.faults.body = newVersion();
    hub.faults.ignoreIfRange = true;
    const reports: Progress[] = [];
    await download(modelUrl(), dest, { ...quiet, onProgress: (p) => reports.push({ ...p }) });
    expect(readFileSync(dest).equals(newVersion())).toBe(true);
    expect(cdnGets().map((g) => g.headers.range)).toEqual([expect.stringMatching(/^bytes=\d+-$/), undefined]);
    expect(reports.find((p) => p.note)?.note).toMatch(/^the file changed on 127\.0\.0\.1:\d+ \(ETag "[0-9a-f]{64}", now "[0-9a-f]{64}"\); starting over \(retry 1 of 2\)$/);
  });

  it('starts over from a .part of unknown version when there is no sha256 to check it', async () => {
    writeFileSync(dest + '.part', MODEL_BYTES.subarray(0, 3_000_000)); // left by another program, or another file
    hub.faults.body = newVersion();
    const r = await download(modelUrl(), dest, quiet);
    expect(readFileSync(dest).equals(newVersion())).toBe(true);
    expect(r).toMatchObject({ resumedFrom: 0, downloadedBytes: MODEL_BYTES.length });
    expect(cdnGets().map((g) => g.headers.range)).toEqual([undefined]);
  });
});

describe('the fixture the server sends', () => {
  it('is the shared tiny GPT-2 checkpoint (size and sha256 as `sha256sum` gives them)', () => {
    expect(MODEL_BYTES.length).toBe(14_321_680);
    expect(MODEL_SHA256).toBe('ed40814d47e39288da2c2d813d9ad6c69a4464825ab28571e1c8e2ef9a401433');
  });
});
