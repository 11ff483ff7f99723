/**
 * A HuggingFace-like hub on loopback for the download tests: the hub answers
 * `/openai-community/<name>/resolve/main/<file>`; LFS files (model.safetensors) get a 302 to a
 * "CDN" on another port with `X-Linked-Etag` (the sha256) and `X-Linked-Size` on that first
 * response, as the real hub does. The CDN serves Range requests, with an ETag and If-Range as
 * CloudFront does. Faults are switched on per test.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { TINY_CONFIG, tinyCheckpoint } from './helpers/fixtures';

export const MODEL_BYTES = readFileSync(tinyCheckpoint());
export const CONFIG_BYTES = readFileSync(TINY_CONFIG);
export const MODEL_SHA256 = createHash('sha256').update(MODEL_BYTES).digest('hex');
/** A plain git file's ETag is its blob's sha1: 40 hex digits, not a sha256. */
const CONFIG_GIT_SHA1 = createHash('sha1').update(`blob ${CONFIG_BYTES.length}\0`).update(CONFIG_BYTES).digest('hex');

export interface Faults {
  /** For the first `times` CDN GETs, send only `bytes` bytes of the body, then close the connection. */
  cut?: { bytes: number; times: number };
  /** For the first `times` CDN GETs, send only `bytes` bytes, then fall silent with the connection open. */
  stall?: { bytes: number; times: number };
  /** Flip the byte at this offset in what the CDN sends. */
  corruptAt?: number;
  /** Answer Range requests with the whole file (status 200). */
  ignoreRange?: boolean;
  /** Require `Authorization: Bearer <token>` at the hub (401 otherwise, as for a gated repo). */
  token?: string;
  /** The hub answers 403 (token valid but no access). */
  forbidden?: boolean;
  /** Files the hub does not have (404). */
  missing?: string[];
  /** Serve these bytes as model.safetensors instead (a new version of the file: another sha256 and ETag). */
  body?: Buffer;
  /** The hub sends no X-Linked-Etag, so the client has no sha256 to check (as some mirrors). */
  noSha256?: boolean;
  /** The CDN sends 206 with the range asked for even when If-Range names another version. */
  ignoreIfRange?: boolean;
  /** Every GET gets 206 with a Content-Range that is missing, or starts one byte after the one asked for. */
  badContentRange?: 'missing' | 'shifted';
  /** Send the body chunked (no Content-Length), with this many bytes more than the file has after it. */
  overlong?: number;
}

export interface Logged {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Set once the whole response was handed to the network (false while, or if never, sent). */
  completed: boolean;
}

export interface FakeHub {
  endpoint: string; // http://127.0.0.1:<port> of the hub
  cdn: string;
  faults: Faults;
  log: Logged[];
  /** Clears faults and the log between tests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeHub(): Promise<FakeHub> {
  const faults: Faults = {};
  const log: Logged[] = [];
  let cutsDone = 0;
  let stallsDone = 0;

  const served = () => faults.body ?? MODEL_BYTES;
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

  const cdn = http.createServer((req, res) => {
    const entry: Logged = { server: 'cdn', method: req.method ?? '', path: req.url ?? '', headers: req.headers, completed: false };
    log.push(entry);
    res.on('finish', () => (entry.completed = true));
    const version = sha256(served());
    if (req.url !== `/repos/${version}?signed=1`) return void res.writeHead(404).end('no such object');
    let body = served();
    if (faults.corruptAt !== undefined) {
      body = Buffer.from(body);
      body[faults.corruptAt] ^= 0xff;
    }
    const etag = `"${version}"`;
    const sameVersion = req.headers['if-range'] === undefined || req.headers['if-range'] === etag || faults.ignoreIfRange;
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (faults.badContentRange) {
      start = (range ? Number(range[1]) : 0) + 1;
      const contentRange = faults.badContentRange === 'shifted' ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {};
      res.writeHead(206, { ...contentRange, etag, 'content-length': body.length - start });
    } else if (range && sameVersion && !faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= body.length) {
        return void res.writeHead(416, { 'content-range': `bytes */${body.length}`, etag }).end();
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': body.length - start,
        'accept-ranges': 'bytes',
        etag,
      });
    } else if (faults.overlong !== undefined) {
      res.writeHead(200, { 'transfer-encoding': 'chunked', etag }); // no Content-Length: nothing bounds the body
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes', etag });
    }
    if (req.method === 'HEAD') return void res.end();
    const rest = body.subarray(start);
    if (faults.overlong !== undefined) {
      res.write(rest);
      sendZeros(res, faults.overlong);
      return;
    }
    if (faults.cut && cutsDone < faults.cut.times) {
      cutsDone++;
      // Send a prefix, then end the TCP connection cleanly: the client sees a body shorter than promised.
      res.write(rest.subarray(0, faults.cut.bytes), () => res.socket?.end());
      return;
    }
    if (faults.stall && stallsDone < faults.stall.times) {
      stallsDone++;
      res.write(rest.subarray(0, faults.stall.bytes));
      return;
    }
    res.end(rest);
  });

  const hub = http.createServer((req, res) => {
    const entry: Logged = { server: 'hub', method: req.method ?? '', path: req.url ?? '', headers: req.headers, completed: false };
    log.push(entry);
    res.on('finish', () => (entry.completed = true));
    const m = /^\/openai-community\/([\w.-]+)\/resolve\/main\/(config\.json|model\.safetensors)$/.exec(req.url ?? '');
    if (!m || faults.missing?.includes(m[2])) {
      return void res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
    }
    if (faults.token !== undefined && req.headers.authorization !== `Bearer ${faults.token}`) {
      return void res.writeHead(401, { 'x-error-code': 'GatedRepo' }).end('Access to model is restricted');
    }
    if (faults.forbidden) return void res.writeHead(403).end('Forbidden');
    if (m[2] === 'config.json') {
      res.writeHead(200, { etag: `"${CONFIG_GIT_SHA1}"`, 'content-length': CONFIG_BYTES.length, 'content-type': 'application/json' });
      return void res.end(req.method === 'HEAD' ? undefined : CONFIG_BYTES);
    }
    const version = sha256(served());
    res.writeHead(302, {
      location: `${cdnUrl}/repos/${version}?signed=1`,
      ...(faults.noSha256 ? {} : { 'x-linked-etag': `"${version}"` }),
      'x-linked-size': String(served().length),
      etag: `W/"${CONFIG_GIT_SHA1}"`, // something else: the linked one must win
      'content-length': 0,
    });
    res.end();
  });

  const listen = (s: http.Server) =>
    new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  const cdnUrl = await listen(cdn);
  const endpoint = await listen(hub);
  return {
    endpoint,
    cdn: cdnUrl,
    faults,
    log,
    reset: () => {
      for (const key of Object.keys(faults)) delete faults[key as keyof Faults];
      log.length = 0;
      cutsDone = 0;
      stallsDone = 0;
    },
    close: async () => {
      for (const s of [hub, cdn]) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}

/** Writes `count` zero bytes to `res` in 1 MB chunks as fast as the client reads them, then ends it. */
function sendZeros(res: http.ServerResponse, count: number): void {
  const chunk = Buffer.alloc(1 << 20);
  const more = (left: number): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!res.write(chunk.subarray(0, n))) return void res.once('drain', () => more(left));
    }
    if (!res.destroyed) res.end();
  };
  more(count);
}

/** A loopback port with nothing listening: connecting to it is refused, as when offline. */
export async function closedPort(): Promise<string> {
  const s = http.createServer();
  const url = await new Promise<string>((resolve) => s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));
  await new Promise((resolve) => s.close(resolve));
  return url;
}

/** Collects what a progress writer prints; `isTTY` decides between the bar and plain lines. */
export function captureOutput(isTTY: boolean): NodeJS.WritableStream & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  }) as unknown as NodeJS.WritableStream & { text(): string; isTTY: boolean; columns: number };
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.text = () => chunks.join('');
  return stream;
}
