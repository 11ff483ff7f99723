/**
 * A HuggingFace-like hub on loopback for the download tests: the hub answers
 * `/openai-community/<name>/resolve/main/<file>`; LFS files (model.safetensors) get a 302 to a
 * "CDN" on another port with `X-Linked-Etag` (the sha256) and `X-Linked-Size` on that first
 * response, as the real hub does. The CDN serves Range requests. Faults are switched on per test.
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
}

export interface Logged {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
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

  const cdn = http.createServer((req, res) => {
    log.push({ server: 'cdn', method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (req.url !== `/repos/${MODEL_SHA256}?signed=1`) return void res.writeHead(404).end('no such object');
    let body = MODEL_BYTES;
    if (faults.corruptAt !== undefined) {
      body = Buffer.from(MODEL_BYTES);
      body[faults.corruptAt] ^= 0xff;
    }
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range && !faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= body.length) {
        return void res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      }
      res.writeHead(206, {
        'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
        'content-length': body.length - start,
        'accept-ranges': 'bytes',
      });
    } else {
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes' });
    }
    if (req.method === 'HEAD') return void res.end();
    const rest = body.subarray(start);
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
    log.push({ server: 'hub', method: req.method ?? '', path: req.url ?? '', headers: req.headers });
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
    res.writeHead(302, {
      location: `${cdnUrl}/repos/${MODEL_SHA256}?signed=1`,
      'x-linked-etag': `"${MODEL_SHA256}"`,
      'x-linked-size': String(MODEL_BYTES.length),
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
