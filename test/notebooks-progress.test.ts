/**
 * The progress display, built without a kernel: what it draws and how often it redraws.
 * test/python/kernel_conformance.py checks that it updates one display in place through the kernel.
 */
import { describe, expect, it } from 'vitest';
import { progressBundle, progressDisplay } from '../lib/notebook/progress';
import { MimeBundle } from '../lib/notebook/show';

describe('progressDisplay', () => {
  it('draws a bar, the amount, the share and the time left', () => {
    const bundle = progressBundle([{ label: 'gpt2/model.safetensors', done: 250e6, total: 500e6, unit: 'bytes', startedAt: 0 }], 10_000);
    expect(bundle['text/plain']).toBe('gpt2/model.safetensors  [##########..........]  250 MB of 500 MB · 50% · 10 s, about 10 s left');
    expect(bundle['text/html']).toContain('<progress value="250000000" max="500000000"></progress>');
  });

  it('counts other units, and says when work is done', () => {
    const bundle = progressBundle([
      { label: 'blocks', done: 48, total: 48, unit: 'blocks', finished: true, startedAt: 0 },
      { label: 'corpus', done: 7, unit: 'texts', startedAt: 60_000 },
    ], 185_000);
    expect(bundle['text/plain']).toBe(['blocks  [####################]  48 of 48 blocks · 100% · done in 3 min 05 s', 'corpus  7 texts · 2 min 05 s'].join('\n'));
  });

  it('redraws one display at most every interval, but always a new label and the end', () => {
    const drawn: MimeBundle[] = [];
    let clock = 0;
    const progress = progressDisplay({ intervalMs: 250, display: (b) => drawn.push(b), now: () => clock });
    const report = (time: number, label: string, done: number, finished = false) => {
      clock = time;
      progress({ label, done, total: 4, unit: 'blocks', finished });
    };
    report(0, 'a', 1); // drawn: first
    report(100, 'a', 2); // too soon
    report(120, 'b', 1); // drawn: a new label
    report(300, 'a', 3); // too soon after 120
    report(400, 'a', 4, true); // drawn: finished
    expect(drawn.map((b) => (b['text/plain'] as string).split('\n').map((l) => l.split(' ')[0] + ' ' + l.match(/(\d+) of/)![1]))).toEqual([
      ['a 1'],
      ['a 2', 'b 1'],
      ['a 4', 'b 1'],
    ]);
  });
});
