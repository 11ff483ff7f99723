// `npm run weights` (scripts/download-weights.ts) in-process through its exported main(argv),
// against the loopback hub (test/download-hub-server.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../scripts/download-weights';
import { closedPort, FakeHub, MODEL_BYTES, MODEL_SHA256, startFakeHub } from './download-hub-server';

let hub: FakeHub;
let tmp: string;
let weightsDir: string;
const savedEnv = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_TOKEN: process.env.HF_TOKEN };

beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'weights-cli-test-'));
  weightsDir = path.join(tmp, 'weights');
  process.env.HF_ENDPOINT = hub.endpoint;
  delete process.env.HF_TOKEN;
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

interface Run {
  stdout: string;
  stderr: string;
  /** The message main() failed with (runCommand prints it as `error: <message>`). */
  error?: string;
}

/** `npm run weights -- <args>` with stdout and stderr captured; stderr is not a terminal, as in a log. */
async function weights(args: string[], whileRunning?: () => Promise<void>): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ') + '\n'));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const wasTTY = process.stderr.isTTY;
  process.stderr.isTTY = false;
  try {
    const running = main(args);
    await whileRunning?.();
    await running;
    return { stdout: out.join(''), stderr: err.join('') };
  } catch (e) {
    return { stdout: out.join(''), stderr: err.join(''), error: (e as Error).message };
  } finally {
    process.stderr.isTTY = wasTTY;
    log.mockRestore();
    write.mockRestore();
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('npm run weights', () => {
  it('downloads into --dir and lists the verified files; the progress goes to stderr as plain lines', async () => {
    const r = await weights(['gpt2', '--dir', weightsDir]);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/gpt2\/config\.json \(\d+ B, downloaded\)\n.*gpt2\/model\.safetensors \(14\.3 MB, downloaded, sha256 verified\)\n$/);
    expect(r.stderr).toMatch(/^gpt2\/config\.json: starting, \d+ B\n/);
    expect(r.stderr).toContain('gpt2/model.safetensors: starting, 14.3 MB\n');
    expect(r.stderr).not.toMatch(/\x1b/);
    expect(readFileSync(path.join(weightsDir, 'gpt2', 'model.safetensors')).equals(MODEL_BYTES)).toBe(true);
  });

  it('--help prints the usage and downloads nothing', async () => {
    const r = await weights(['--help']);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/^usage: npm run weights -- <gpt2\|gpt2-medium\|gpt2-large\|gpt2-xl>\.\.\. \[--dir <folder>\] \[--force\]\n/);
    expect(r.stdout).toContain('HF_ENDPOINT');
    expect(hub.log).toEqual([]);
  });

  it('rejects a wrong name, a missing name and an unknown option, each in one line that says what to do', async () => {
    const usage = 'usage: npm run weights -- <gpt2|gpt2-medium|gpt2-large|gpt2-xl>... [--dir <folder>] [--force]';
    expect((await weights(['gpt-2'])).error).toBe('unknown model "gpt-2": choose one of gpt2, gpt2-medium, gpt2-large, gpt2-xl');
    expect((await weights([])).error).toBe(`name a model: ${usage}`);
    expect((await weights(['gpt2', '--frobnicate'])).error).toMatch(/^Unknown option '--frobnicate'.*; usage: npm run weights -- /);
    expect((await weights(['gpt2', '--dir'])).error).toMatch(/^Option '--dir <value>' argument missing; usage: npm run weights/);
    expect(hub.log).toEqual([]);
  });

  it('offline: "no network: copy model.safetensors into <dir>/gpt2/ or set GPT2_WEIGHTS"', async () => {
    process.env.HF_ENDPOINT = await closedPort();
    const r = await weights(['gpt2', '--dir', weightsDir]);
    const shown = path.relative(process.cwd(), path.join(weightsDir, 'gpt2'));
    expect(r.error).toMatch(/^no network: cannot connect to 127\.0\.0\.1:\d+ \(ECONNREFUSED\): copy model\.safetensors into (.*) or set GPT2_WEIGHTS$/);
    expect(r.error).toContain(`into ${shown}/ or`);
  });

  it('Ctrl-C mid-download says the .part stays and the same command resumes; and it does', async () => {
    hub.faults.stall = { bytes: 3_000_000, times: 1 }; // the CDN sends 3 MB, then nothing
    const part = path.join(weightsDir, 'gpt2', 'model.safetensors.part');
    const listenersBefore = process.listeners('SIGINT');
    const r = await weights(['gpt2', '--dir', weightsDir], async () => {
      await until(() => existsSync(part) && statSync(part).size === 3_000_000); // all it will get
      const added = process.listeners('SIGINT').filter((l) => !listenersBefore.includes(l));
      expect(added).toHaveLength(1);
      added[0]('SIGINT'); // what Ctrl-C delivers, without signalling the test runner
    });
    const kept = readFileSync(part);
    expect(r.error).toBe(`gpt2/model.safetensors: stopped by Ctrl-C; 3.0 MB kept in ${part}: run again to resume`);
    expect(kept.equals(MODEL_BYTES.subarray(0, 3_000_000))).toBe(true);
    expect(process.listeners('SIGINT')).toEqual(listenersBefore);

    hub.reset();
    const again = await weights(['gpt2', '--dir', weightsDir]);
    expect(again.error).toBeUndefined();
    expect(again.stderr).toContain('gpt2/model.safetensors: resuming at 3.0 MB of 14.3 MB\n');
    expect(hub.log.filter((l) => l.server === 'cdn').map((l) => l.headers.range)).toEqual(['bytes=3000000-']);
    expect(again.stdout).toContain('gpt2/model.safetensors (14.3 MB, downloaded, sha256 verified)');
    expect(createHash('sha256').update(readFileSync(path.join(weightsDir, 'gpt2', 'model.safetensors'))).digest('hex')).toBe(MODEL_SHA256);
  });
});
