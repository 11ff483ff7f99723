// scripts/progress-bar.ts: the command line's drawing of progress reports, fed by a real download
// from the loopback hub (test/download-hub-server.ts) and by hand-made reports.
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { download } from '../lib/io/download';
import { progressBar } from '../scripts/progress-bar';
import { captureOutput, FakeHub, MODEL_BYTES, startFakeHub } from './download-hub-server';

let hub: FakeHub;
let tmp: string;
const modelUrl = () => `${hub.endpoint}/openai-community/gpt2/resolve/main/model.safetensors`;

beforeAll(async () => {
  hub = await startFakeHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(() => {
  hub.reset();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'progress-bar-test-'));
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('progressBar', () => {
  it('prints one line at the start and one at the end when the output is not a terminal', async () => {
    const out = captureOutput(false);
    await download(modelUrl(), path.join(tmp, 'model.safetensors'), { label: 'gpt2/model.safetensors', onProgress: progressBar(out) });
    expect(MODEL_BYTES.length).toBe(14_321_680);
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('gpt2/model.safetensors: starting, 14.3 MB');
    expect(lines[1]).toMatch(/^gpt2\/model\.safetensors: 14\.3 MB done in \d+\.\d s \([\d.]+ [kMG]B\/s\)$/);
    expect(out.text()).not.toMatch(/[\r\x1b]/); // no cursor control in a log
  });

  it('says where a resumed task starts, and gives a note its own line', () => {
    const out = captureOutput(false);
    const bar = progressBar(out);
    const task = { label: 'x.bin', total: 14_321_680, unit: 'bytes' } as const;
    bar({ ...task, done: 3_000_000 });
    bar({ ...task, done: 5_000_000 });
    bar({ ...task, done: 5_000_000, note: 'connection lost (ECONNRESET); resuming at 5.0 MB (retry 1 of 5)' });
    bar({ ...task, done: 14_321_680, finished: true });
    const lines = out.text().trimEnd().split('\n');
    expect(lines.slice(0, 2)).toEqual(['x.bin: resuming at 3.0 MB of 14.3 MB', 'x.bin: connection lost (ECONNRESET); resuming at 5.0 MB (retry 1 of 5)']);
    expect(lines[2]).toMatch(/^x\.bin: 14\.3 MB done in \d+\.\d s/);
    expect(lines).toHaveLength(3);
  });

  it('counts units other than bytes as they are', () => {
    const out = captureOutput(false);
    const bar = progressBar(out);
    bar({ label: 'gpt2-xl', done: 0, total: 48, unit: 'blocks' });
    bar({ label: 'gpt2-xl', done: 48, total: 48, unit: 'blocks', finished: true });
    const lines = out.text().trimEnd().split('\n');
    expect(lines[0]).toBe('gpt2-xl: starting, 48 blocks');
    expect(lines[1]).toMatch(/^gpt2-xl: 48 blocks done in \d+\.\d s/);
  });

  it('draws a bar with sizes, rate and ETA on a terminal', async () => {
    const out = captureOutput(true);
    await download(modelUrl(), path.join(tmp, 'model.safetensors'), { label: 'gpt2/model.safetensors', onProgress: progressBar(out) });
    const text = out.text();
    expect(text).toContain('gpt2/model.safetensors [');
    expect(text).toMatch(/\] 100% 14\.3 MB\/14\.3 MB (\S+ [kMG]B|--) ?\/s ETA \S+/);
    expect(text).not.toMatch(/done in/); // the finished bar is the last word on a terminal
  });

  it('stop() leaves the last value reached drawn, so the line a Ctrl-C leaves is true', () => {
    const out = captureOutput(true);
    const bar = progressBar(out);
    bar({ label: 'x.bin', done: 0, total: 10_000_000, unit: 'bytes' });
    bar({ label: 'x.bin', done: 4_000_000, total: 10_000_000, unit: 'bytes' }); // within cli-progress' 100 ms: not drawn yet
    bar.stop();
    const drawn = out.text().split('\r').filter((l) => l.includes('x.bin'));
    expect(drawn.at(-1)).toMatch(/\] 40% 4\.0 MB\/10\.0 MB/);
  });
});
