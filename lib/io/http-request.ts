/**
 * HTTP requests for downloads, on node:http rather than fetch because resuming needs control over
 * Range, redirects and which headers follow them: credentials must not reach a CDN on another origin.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { DownloadError, DownloadHints, statusError, stoppedError, toDownloadError } from './download-error';

export interface RequestOptions {
  /** Request headers (e.g. `authorization`); credentials are dropped when a redirect leads to another origin. */
  headers?: Record<string, string>;
  hints?: DownloadHints;
  maxRedirects?: number; // default 10
  /** A connection silent this long counts as dropped (default 60 s). */
  idleTimeoutMs?: number;
  /** Stops the request (and a download: its .part stays for a resume). */
  signal?: AbortSignal;
}

/**
 * GET following redirects; authorization and cookies stay behind when the origin changes. Resolves
 * with the response and the URL that gave it (a CDN's, after the hub's redirect).
 */
export async function get(url: string, headers: Record<string, string>, options: RequestOptions): Promise<{ response: http.IncomingMessage; url: URL }> {
  let current = parseUrl(url);
  let sent = { ...headers };
  for (let hop = 0; ; hop++) {
    const res = await request('GET', current, sent, options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!isRedirect(status) || !location) return { response: res, url: current };
    res.resume();
    if (hop >= (options.maxRedirects ?? 10)) throw new DownloadError('http', `too many redirects from ${url}`, url, status);
    const next = new URL(location, current);
    if (next.origin !== current.origin) {
      sent = Object.fromEntries(Object.entries(sent).filter(([k]) => !['authorization', 'cookie'].includes(k.toLowerCase())));
    }
    current = next;
  }
}

export interface ProbeResponse {
  status: number;
  /** The URL that gave this response. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

/**
 * HEAD requests that follow same-origin redirects only, returning every response in order: the
 * last is either the file's (2xx) or a redirect to another origin (a CDN), which is not followed.
 * HuggingFace puts a file's sha256 and size on its redirect (`X-Linked-Etag`, `X-Linked-Size`).
 * Errors (offline, 401/403, 404) are the same DownloadErrors as `download`'s.
 */
export async function probe(url: string, options: RequestOptions = {}): Promise<ProbeResponse[]> {
  const hints = options.hints ?? {};
  const chain: ProbeResponse[] = [];
  let current = parseUrl(url);
  for (;;) {
    let res: http.IncomingMessage;
    try {
      res = await request('HEAD', current, { ...options.headers, 'accept-encoding': 'identity' }, options);
    } catch (e) {
      throw options.signal?.aborted ? stoppedError(options.signal, current.href) : toDownloadError(e, current.href, undefined, hints);
    }
    res.resume();
    const status = res.statusCode ?? 0;
    chain.push({ status, url: current.href, headers: res.headers });
    const location = res.headers.location;
    if (isRedirect(status) && location) {
      const next = new URL(location, current);
      if (next.origin !== current.origin) return chain;
      if (chain.length > (options.maxRedirects ?? 10)) throw new DownloadError('http', `too many redirects from ${url}`, url, status);
      current = next;
      continue;
    }
    if (status >= 400) throw statusError(status, current.href, hints);
    return chain;
  }
}

function request(method: string, url: URL, headers: Record<string, string>, options: RequestOptions): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers: { 'user-agent': 'gpt2-least-squares-workbook', ...headers }, signal: options.signal }, resolve);
    req.on('error', reject);
    // The idle timer stays on the socket while the body streams, so a stalled transfer ends too.
    req.setTimeout(idleTimeoutMs, () => {
      req.destroy(Object.assign(new Error(`no data for ${Math.round(idleTimeoutMs / 1000)} s`), { code: 'ETIMEDOUT' }));
    });
    req.end();
  });
}

/** `url` as a URL, or an 'invalid' DownloadError when it is not an http(s) one. */
export function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DownloadError('invalid', `not a URL: ${JSON.stringify(url)}`, url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DownloadError('invalid', `only http and https URLs can be downloaded, got ${JSON.stringify(url)}`, url);
  }
  return parsed;
}

const isRedirect = (status: number) => [301, 302, 303, 307, 308].includes(status);
