// lib/weights/hub.ts against a HuggingFace-like hub on loopback (test/download-hub-server.ts).
// No request leaves 127.0.0.1.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError } from '../lib/io/download-error';
import { downloadWeights, hubFileInfo, hubFileUrl, sha256FromEtag, weightsFolder } from '../lib/weights/hub';
import { closedPort, CONFIG_BYTES, FakeHub, MODEL_BYTES, MODEL_SHA256, startFakeHub } from './download-hub-server';

const ROOT = path.resolve(__dirname, '..');

let hub: FakeHub;
let tmp: string;
const savedEnv = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_TOKEN: process.env.HF_TOKEN };

beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'weights-test-'));
  delete process.env.HF_ENDPOINT;
  delete process.env.HF_TOKEN;
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DownloadError);
  expect((e as Error).message).not.toContain('\n');
  return e as DownloadError;
}

const requests = () => hub.log.map((l) => `${l.server} ${l.method} ${l.path}`);

describe('downloadWeights', () => {
  it('fetches config.json and model.safetensors into <dir>/gpt2/, the model checked against X-Linked-Etag', async () => {
    const d = await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    const folder = path.join(tmp, 'gpt2');
    expect(d.folder).toBe(folder);
    expect(readdirSync(folder).sort()).toEqual(['config.json', 'model.safetensors']);
    expect(readFileSync(path.join(folder, 'config.json')).equals(CONFIG_BYTES)).toBe(true);
    expect(readFileSync(path.join(folder, 'model.safetensors')).equals(MODEL_BYTES)).toBe(true);
    expect(d.files).toEqual([
      { file: 'config.json', path: path.join(folder, 'config.json'), bytes: CONFIG_BYTES.length, status: 'downloaded', sha256: undefined },
      { file: 'model.safetensors', path: path.join(folder, 'model.safetensors'), bytes: MODEL_BYTES.length, status: 'downloaded', sha256: MODEL_SHA256 },
    ]);
    const base = '/openai-community/gpt2/resolve/main';
    expect(requests()).toEqual([
      `hub HEAD ${base}/config.json`,
      `hub GET ${base}/config.json`,
      `hub HEAD ${base}/model.safetensors`, // stops at the redirect: the sha256 is on this response
      `hub GET ${base}/model.safetensors`,
      `cdn GET /repos/${MODEL_SHA256}?signed=1`,
    ]);
  });

  it('downloads nothing on a second run when the files are present', async () => {
    await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    hub.reset();
    const reports: unknown[] = [];
    const again = await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp, onProgress: (p) => reports.push(p) });
    expect(again.files.map((f) => f.status)).toEqual(['present', 'present']);
    expect(again.files[1].bytes).toBe(MODEL_BYTES.length);
    expect(hub.log).toEqual([]); // not even a HEAD
    expect(reports).toEqual([]);
  });

  it('downloads again with force, replacing the files only once the new ones are verified', async () => {
    await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    hub.reset();
    const again = await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp, force: true });
    expect(again.files.map((f) => f.status)).toEqual(['downloaded', 'downloaded']);
    expect(hub.log.filter((l) => l.server === 'cdn')).toHaveLength(1);
    expect(readFileSync(path.join(tmp, 'gpt2', 'model.safetensors')).equals(MODEL_BYTES)).toBe(true);
  });

  it('honours HF_ENDPOINT (a trailing slash too) and defaults to huggingface.co', async () => {
    process.env.HF_ENDPOINT = hub.endpoint + '/';
    await downloadWeights('gpt2-medium', { dir: tmp });
    expect(hub.log[0].path).toBe('/openai-community/gpt2-medium/resolve/main/config.json');
    expect(existsSync(path.join(tmp, 'gpt2-medium', 'model.safetensors'))).toBe(true);
    expect(hubFileUrl('gpt2-xl', 'model.safetensors')).toBe('https://huggingface.co/openai-community/gpt2-xl/resolve/main/model.safetensors');
  });

  it('sends HF_TOKEN to the hub as a bearer token and never to the CDN', async () => {
    hub.faults.token = 'hf_test_token';
    process.env.HF_TOKEN = 'hf_test_token';
    await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    const hubAuth = hub.log.filter((l) => l.server === 'hub').map((l) => l.headers.authorization);
    expect(hubAuth).toEqual(Array(4).fill('Bearer hf_test_token'));
    expect(hub.log.filter((l) => l.server === 'cdn').map((l) => l.headers.authorization)).toEqual([undefined]);
  });

  it('explains a 401 without a token (set HF_TOKEN) and with a refused one', async () => {
    hub.faults.token = 'hf_right';
    const without = await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp }));
    expect(without.kind).toBe('unauthorized');
    expect(without.message).toContain('HTTP 401 Unauthorized');
    expect(without.message).toContain('set HF_TOKEN to a token from https://huggingface.co/settings/tokens');

    const wrong = await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp, token: 'hf_wrong' }));
    expect(wrong.message).toContain('HF_TOKEN was sent and refused');
    expect(existsSync(path.join(tmp, 'gpt2', 'config.json'))).toBe(false);
  });

  it('explains a 404 with the URL and the endpoint to check', async () => {
    hub.faults.missing = ['model.safetensors'];
    const err = await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp }));
    expect(err.kind).toBe('not-found');
    const url = `${hub.endpoint}/openai-community/gpt2/resolve/main/model.safetensors`;
    expect(err.message).toBe(`HTTP 404 Not Found: ${url} does not exist: check the model name and HF_ENDPOINT (${hub.endpoint})`);
  });

  it('catches a corrupted byte against the hub\'s sha256 and leaves no model file', async () => {
    hub.faults.corruptAt = 9_000_000;
    const err = await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp }));
    expect(err.kind).toBe('checksum');
    expect(err.message).toMatch(/^gpt2\/model\.safetensors: checksum mismatch .* deleted the partial file .*model\.safetensors\.part/);
    expect(readdirSync(path.join(tmp, 'gpt2'))).toEqual(['config.json']);
  });

  it('resumes the model after a cut connection and verifies it', async () => {
    hub.faults.cut = { bytes: 6_000_000, times: 1 };
    const d = await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    expect(d.files[1].sha256).toBe(MODEL_SHA256);
    expect(hub.log.filter((l) => l.server === 'cdn').map((l) => l.headers.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    expect(readFileSync(path.join(tmp, 'gpt2', 'model.safetensors')).equals(MODEL_BYTES)).toBe(true);
  });

  it('fetches a model that changed since its .part was kept whole, even from a mirror that gives no sha256', async () => {
    hub.faults.cut = { bytes: 6_000_000, times: 1 };
    await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp, retries: 0 }));
    const part = path.join(tmp, 'gpt2', 'model.safetensors.part');
    expect(readFileSync(part).length).toBeGreaterThan(1000);

    hub.reset();
    const changed = Buffer.from(MODEL_BYTES);
    changed[1000] ^= 0xff; // inside the kept part: splicing would keep the old byte
    Object.assign(hub.faults, { body: changed, noSha256: true });
    const d = await downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp });
    expect(d.files[1].sha256).toBeUndefined();
    expect(readFileSync(path.join(tmp, 'gpt2', 'model.safetensors')).equals(changed)).toBe(true);
    expect(readdirSync(path.join(tmp, 'gpt2')).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('a CDN that answers ranges wrongly: one line naming the server, the .part kept, and a mirror suggested', async () => {
    hub.faults.cut = { bytes: 6_000_000, times: 1 };
    await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp, retries: 0 }));
    const part = readFileSync(path.join(tmp, 'gpt2', 'model.safetensors.part'));
    hub.reset();
    hub.faults.badContentRange = 'missing';
    const err = await failure(downloadWeights('gpt2', { endpoint: hub.endpoint, dir: tmp }));
    expect(err.message).toMatch(/^gpt2\/model\.safetensors: 127\.0\.0\.1:\d+ answered a request from byte 0 with 206 Partial Content and no Content-Range: try again later, or set HF_ENDPOINT to a mirror; [\d.]+ MB kept in .*model\.safetensors\.part: run again to resume$/);
    expect(readFileSync(path.join(tmp, 'gpt2', 'model.safetensors.part')).equals(part)).toBe(true);
    expect(hub.log.filter((l) => l.server === 'cdn')).toHaveLength(2);
  }, 20_000); // before the fix it asked again and again, without end

  it('offline: says to copy the file or set GPT2_WEIGHTS', async () => {
    const err = await failure(downloadWeights('gpt2', { endpoint: await closedPort(), dir: tmp }));
    expect(err.kind).toBe('offline');
    const shown = path.relative(process.cwd(), path.join(tmp, 'gpt2'));
    expect(err.message).toMatch(/^no network: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\): /);
    expect(err.message).toContain(`copy model.safetensors into ${shown}/ or set GPT2_WEIGHTS`);
  });

  it('rejects an unknown model name, listing the valid ones', async () => {
    const err = await failure(downloadWeights('gpt3', { endpoint: hub.endpoint, dir: tmp }));
    expect(err.message).toBe('unknown model "gpt3": choose one of gpt2, gpt2-medium, gpt2-large, gpt2-xl');
    expect(hub.log).toEqual([]);
  });

  it('puts a model under weights/<name>/ by default', () => {
    expect(weightsFolder('gpt2-large')).toBe(path.join(ROOT, 'weights', 'gpt2-large'));
  });
});

describe('hubFileInfo', () => {
  const sha = MODEL_SHA256;
  const at = (status: number, headers: Record<string, string>) => ({ status, url: 'https://hub.example/x', headers });
  it('takes X-Linked-Etag and X-Linked-Size from the redirect, even when a same-origin redirect follows it', () => {
    expect(hubFileInfo([at(302, { 'x-linked-etag': `"${sha}"`, 'x-linked-size': '14321680', etag: 'W/"abc"', 'content-length': '0' })])).toEqual({ sha256: sha, size: 14_321_680 });
    const mirror = [at(302, { 'x-linked-etag': `"${sha}"`, 'x-linked-size': '548105171' }), at(200, { etag: '"abc"', 'content-length': '548105171' })];
    expect(hubFileInfo(mirror)).toEqual({ sha256: sha, size: 548_105_171 });
  });
  it('falls back to the final ETag and Content-Length, and knows a git sha1 is no sha256', () => {
    expect(hubFileInfo([at(200, { etag: `"${sha}"`, 'content-length': '10' })])).toEqual({ sha256: sha, size: 10 });
    expect(hubFileInfo([at(200, { etag: '"607a30d783dfa663caf39e06633721c8d4cfcd7e"', 'content-length': '665' })])).toEqual({ sha256: undefined, size: 665 });
    expect(hubFileInfo([at(302, { location: 'https://cdn.example/y', 'content-length': '0' })])).toEqual({ sha256: undefined, size: undefined });
  });
});

describe('sha256FromEtag', () => {
  const sha = MODEL_SHA256;
  it('strips quotes and a weak W/ prefix, and accepts only 64 hex digits', () => {
    expect(sha256FromEtag(`"${sha}"`)).toBe(sha);
    expect(sha256FromEtag(`W/"${sha.toUpperCase()}"`)).toBe(sha);
    expect(sha256FromEtag(sha)).toBe(sha);
    expect(sha256FromEtag('"3b3dd9bd3bd5aaf2f5f1b27e9a4f5b8d2c51e3a7"')).toBeUndefined(); // a git sha1
    expect(sha256FromEtag(`"${sha}-2"`)).toBeUndefined();
    expect(sha256FromEtag(undefined)).toBeUndefined();
  });
});
