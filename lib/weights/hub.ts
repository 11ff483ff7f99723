/**
 * GPT-2 checkpoints from the HuggingFace hub: `config.json` and `model.safetensors` of
 * `openai-community/<name>` into `weights/<name>/`. Honours HF_ENDPOINT (mirrors) and HF_TOKEN.
 * The hub answers a file request with a redirect to its CDN and puts the LFS object's sha256 and
 * size on that first response (`X-Linked-Etag`, `X-Linked-Size`), so a HEAD request reads them
 * before the download and the download is checked against them.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { download, formatBytes } from '../io/download';
import { DownloadError, DownloadHints } from '../io/download-error';
import { probe, ProbeResponse } from '../io/http-request';
import { ProgressCallback } from '../io/progress';

export const HUB_MODELS = ['gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl'] as const;
export type HubModel = (typeof HUB_MODELS)[number];
export const HUB_FILES = ['config.json', 'model.safetensors'] as const;

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
/** `<repository root>/weights`, where downloads go and where loaders look by name. */
export const DEFAULT_WEIGHTS_DIR = path.resolve(__dirname, '../../weights');

export function isHubModel(name: string): name is HubModel {
  return (HUB_MODELS as readonly string[]).includes(name);
}

/** The folder a model's files live in: `weights/<name>/` (or `<dir>/<name>/`). */
export function weightsFolder(name: string, dir: string = DEFAULT_WEIGHTS_DIR): string {
  return path.join(dir, name);
}

/** `https://huggingface.co/openai-community/gpt2/resolve/main/model.safetensors`, on any endpoint. */
export function hubFileUrl(name: string, file: string, endpoint: string = DEFAULT_ENDPOINT, revision = 'main'): string {
  return `${endpoint.replace(/\/+$/, '')}/openai-community/${name}/resolve/${encodeURIComponent(revision)}/${file}`;
}

/**
 * The sha256 in an ETag header value, or undefined: quotes and a weak `W/` prefix are stripped,
 * and only 64 hex digits count (a plain git file's ETag is a 40-digit sha1, not a sha256).
 */
export function sha256FromEtag(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const tag = (Array.isArray(value) ? value[0] : value).trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1');
  return /^[0-9a-f]{64}$/i.test(tag) ? tag.toLowerCase() : undefined;
}

export interface DownloadWeightsOptions {
  /** Parent folder; files go to `<dir>/<name>/`. Default: the repository's `weights/`. */
  dir?: string;
  /** Hub address; default $HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Access token; default $HF_TOKEN. Sent to the hub only, never to the CDN it redirects to. */
  token?: string;
  revision?: string; // default 'main'
  /** Download again even when the files are present. */
  force?: boolean;
  /** Called as each file's bytes arrive (see `download`); nothing is drawn by the library. */
  onProgress?: ProgressCallback;
  /** Stops the download; what arrived stays in `<file>.part` and the next call resumes from it. */
  signal?: AbortSignal;
  retries?: number;
}

export interface WeightsFile {
  file: string;
  path: string;
  bytes: number;
  /** 'present': already there, nothing requested. */
  status: 'downloaded' | 'present';
  /** The hub's sha256 that the download was checked against (undefined for files without one). */
  sha256?: string;
}

export interface WeightsDownload {
  name: HubModel;
  folder: string;
  files: WeightsFile[];
}

/** Fetches a model's `config.json` and `model.safetensors` unless present; resolves when both are in place. */
export async function downloadWeights(name: string, options: DownloadWeightsOptions = {}): Promise<WeightsDownload> {
  if (!isHubModel(name)) {
    throw new DownloadError('invalid', `unknown model ${JSON.stringify(name)}: choose one of ${HUB_MODELS.join(', ')}`);
  }
  const folder = weightsFolder(name, options.dir);
  const endpoint = options.endpoint ?? (process.env.HF_ENDPOINT || DEFAULT_ENDPOINT);
  const token = options.token ?? (process.env.HF_TOKEN || undefined);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const shown = path.relative(process.cwd(), folder) || '.';
  const hints: DownloadHints = {
    offline: `copy model.safetensors into ${shown}/ or set GPT2_WEIGHTS`,
    unauthorized: token
      ? 'HF_TOKEN was sent and refused: check that it is a valid token with read access'
      : 'the repository is private, gated or missing: set HF_TOKEN to a token from https://huggingface.co/settings/tokens',
    'not-found': `check the model name and HF_ENDPOINT (${endpoint})`,
    http: 'try again later, or set HF_ENDPOINT to a mirror',
  };

  const files: WeightsFile[] = [];
  for (const file of HUB_FILES) {
    const dest = path.join(folder, file);
    const bytes = await sizeOf(dest);
    // Only a complete, verified download is ever renamed to its final name, so a file there is whole.
    if (bytes !== undefined && !options.force) {
      files.push({ file, path: dest, bytes, status: 'present' });
      continue;
    }
    const url = hubFileUrl(name, file, endpoint, options.revision);
    const { sha256, size } = hubFileInfo(await probe(url, { headers, hints, signal: options.signal }));
    const result = await download(url, dest, {
      sha256,
      expectedSize: size,
      headers,
      hints,
      label: `${name}/${file}`,
      onProgress: options.onProgress,
      signal: options.signal,
      retries: options.retries,
      overwrite: options.force,
    });
    files.push({ file, path: dest, bytes: result.bytes, status: 'downloaded', sha256 });
  }
  return { name, folder, files };
}

/**
 * A file's sha256 and size from the hub's HEAD responses: the LFS object's `X-Linked-Etag` and
 * `X-Linked-Size` wherever they appear in the redirect chain (a mirror may redirect on its own
 * origin first), else the final response's `ETag` (if it is a sha256) and `Content-Length`.
 */
export function hubFileInfo(chain: ProbeResponse[]): { sha256?: string; size?: number } {
  const linked = chain.find((r) => r.headers['x-linked-etag'] !== undefined);
  const last = chain[chain.length - 1];
  const sha256 = sha256FromEtag(linked?.headers['x-linked-etag']) ?? (linked ? undefined : sha256FromEtag(last.headers.etag));
  const sizeHeader = linked?.headers['x-linked-size'] ?? (last.status < 300 ? last.headers['content-length'] : undefined);
  const size = Number(sizeHeader);
  return { sha256, size: sizeHeader !== undefined && Number.isSafeInteger(size) && size > 0 ? size : undefined };
}

/** One line per file for the command line: what is where, and whether it was checked. */
export function describeWeights(d: WeightsDownload): string {
  const lines = d.files.map((f) => {
    const where = path.relative(process.cwd(), f.path) || f.path;
    const how = f.status === 'present' ? 'already present' : f.sha256 ? 'downloaded, sha256 verified' : 'downloaded';
    return `${where} (${formatBytes(f.bytes)}, ${how})`;
  });
  return lines.join('\n');
}

async function sizeOf(file: string): Promise<number | undefined> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return undefined;
  }
}
