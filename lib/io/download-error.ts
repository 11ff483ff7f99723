/**
 * What can go wrong in a download, as one-line errors that say what to do. A caller adds its own
 * advice per kind through hints (the hub: "set HF_TOKEN"; the data: "download it by hand").
 */
import * as http from 'node:http';

export type DownloadErrorKind =
  | 'offline' // DNS failure, refused or unreachable: the server cannot be reached at all
  | 'not-found' // HTTP 404
  | 'unauthorized' // HTTP 401 / 403
  | 'http' // any other unexpected HTTP status or answer
  | 'interrupted' // the connection dropped or stalled, or an answer could not be used; the .part stays for a resume
  | 'disk-full' // ENOSPC / EDQUOT, or not enough free space for the rest of the file
  | 'filesystem' // cannot create or write the files
  | 'checksum' // sha256 mismatch; the .part file was deleted
  | 'size' // the server's size differs from the expected one
  | 'busy' // another download to the same file is running
  | 'stopped' // the caller's AbortSignal fired (Ctrl-C); the .part file stays for a resume
  | 'invalid'; // bad arguments

export class DownloadError extends Error {
  constructor(
    readonly kind: DownloadErrorKind,
    message: string,
    readonly url?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** Extra advice appended to an error of a kind, e.g. `{ unauthorized: 'set HF_TOKEN to ...' }`. */
export type DownloadHints = Partial<Record<DownloadErrorKind, string>>;

/** A Node error or HTTP failure as a one-line DownloadError (exported for tests of the wording). */
export function toDownloadError(e: unknown, url: string, file?: string, hints: DownloadHints = {}): DownloadError {
  if (e instanceof DownloadError) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  const host = safeHost(url);
  const detail = oneLine(err?.message ?? String(e));
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return withHint('offline', `no network: cannot resolve ${host} (${detail})`, url, hints);
  }
  if (['ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN'].includes(code)) {
    return withHint('offline', `no network: cannot connect to ${host} (${code})`, url, hints);
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return withHint('disk-full', `disk full while writing ${file ?? 'the download'}: free some space and run again to resume`, url, hints);
  }
  if (['EACCES', 'EPERM', 'EROFS', 'EISDIR', 'ENOTDIR'].includes(code)) return fileError(err, file ?? '', hints);
  if (['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code) || detail === 'aborted' || /socket hang up/.test(detail)) {
    return withHint('interrupted', `connection to ${host} lost (${code || detail})`, url, hints);
  }
  if (code.startsWith('ERR_TLS') || /certificate|SSL|TLS/i.test(detail)) {
    return withHint('offline', `TLS error talking to ${host}: ${detail}`, url, hints);
  }
  return new DownloadError('http', `download of ${url} failed: ${detail}`, url);
}

/** The error for a download stopped through its AbortSignal, in the words of the signal's reason. */
export function stoppedError(signal: AbortSignal, url: string): DownloadError {
  return new DownloadError('stopped', signal.reason instanceof Error ? signal.reason.message : 'stopped', url);
}

export function statusError(status: number, url: string, hints: DownloadHints): DownloadError {
  const what = `HTTP ${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
  if (status === 404) return withHint('not-found', `${what}: ${url} does not exist`, url, hints, status);
  if (status === 401 || status === 403) {
    return withHint('unauthorized', `${what} for ${url}: the server refused access`, url, hints, status);
  }
  // 5xx and 429 are usually passing: count them as a drop so the download retries and resumes.
  const kind = status >= 500 || status === 429 ? 'interrupted' : 'http';
  return withHint(kind, `${what} from ${safeHost(url)} for ${url}`, url, hints, status);
}

export function withHint(kind: DownloadErrorKind, message: string, url: string, hints: DownloadHints, status?: number): DownloadError {
  const hint = hints[kind];
  return new DownloadError(kind, hint ? `${message}: ${hint}` : message, url, status);
}

export function fileError(e: NodeJS.ErrnoException, file: string, hints: DownloadHints): DownloadError {
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return toDownloadError(e, '', file, hints);
  return withHint('filesystem', `cannot write ${file} (${e.code ?? oneLine(e.message)})`, '', hints);
}

/** `https://hub.example:8443/x` → `hub.example:8443`; the text itself when it is not a URL. */
export function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
