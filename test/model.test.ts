/** The model's contract: taps, errors, causality, and streamed runs identical to resident ones. */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Model, loadModel } from '../lib/model';
import { tinyCheckpoint } from './helpers/fixtures';
import * as os from 'os';

const TINY_FILE = tinyCheckpoint();

describe('GPT2Model on the tiny fixture', () => {
  let model: GPT2Model;
  beforeAll(async () => {
    model = await loadModel('synthetic:tiny');
  });
  afterAll(() => model?.dispose());

  it('names its taps as TransformerLens does', () => {
    const names = model.tapNames();
    expect(names).toHaveLength(2 + 3 * 8 + 2);
    expect(names.slice(0, 4)).toEqual(['hook_embed', 'hook_pos_embed', 'blocks.0.hook_resid_pre', 'blocks.0.ln1.hook_normalized']);
    expect(names).toContain('blocks.2.attn.hook_pattern');
    expect(names).toContain('blocks.1.hook_attn_out');
    expect(names.slice(-2)).toEqual(['ln_final.hook_normalized', 'logits']);
    expect(model.spec).toBe('synthetic:tiny');
    expect(model.synthetic).toBe(true);
  });

  it('returns only the taps asked for, with their shapes', async () => {
    const out = await model.run('Hello world', ['blocks.1.hook_attn_out', 'blocks.0.attn.hook_pattern']);
    expect(Object.keys(out).sort()).toEqual(['blocks.0.attn.hook_pattern', 'blocks.1.hook_attn_out']);
    expect(out['blocks.1.hook_attn_out'].shape).toEqual([2, 64]);
    expect(out['blocks.0.attn.hook_pattern'].shape).toEqual([4, 2, 2]);
    Object.values(out).forEach((t) => t.dispose());
  });

  it('leaves no tensors behind', async () => {
    await model.runArrays('Hello world', ['logits']); // first use makes the kept transposed unembedding
    const before = tf.memory().numTensors;
    const arrays = await model.runArrays('Hello world', ['hook_embed', 'blocks.2.hook_resid_post', 'logits']);
    expect(tf.memory().numTensors).toBe(before);
    expect((arrays.hook_embed as number[][]).length).toBe(2);
    expect((arrays.logits as number[][])[1]).toHaveLength(50257);
  });

  it('an unknown tap is an error listing the valid ones', async () => {
    await expect(model.run('Hello', ['blocks.0.hook_attn'])).rejects.toThrow(
      /unknown tap "blocks.0.hook_attn".*blocks\.\{i\}\.hook_attn_out.*i from 0 to 2/,
    );
    await expect(model.run('Hello', ['blocks.3.hook_attn_out'])).rejects.toThrow(/unknown tap "blocks.3.hook_attn_out"/);
  });

  it('rejects empty input, input longer than the context, and ids out of range', async () => {
    await expect(model.run('', ['logits'])).rejects.toThrow(/empty text/);
    await expect(model.run([], ['logits'])).rejects.toThrow(/no token ids/);
    await expect(model.run(new Array(257).fill(464), ['logits'])).rejects.toThrow(/257 tokens, longer than the model's context of 256/);
    await expect(model.run(' a'.repeat(300), ['logits'])).rejects.toThrow(/300 tokens, longer than the model's context of 256/);
    await expect(model.run([464, 50257], ['logits'])).rejects.toThrow(/token id 50257 at position 1 is out of range.*0 to 50256/);
    await expect(model.run([-1], ['logits'])).rejects.toThrow(/token id -1 at position 0/);
    await expect(model.run([1.5], ['logits'])).rejects.toThrow(/token id 1.5/);
  });

  it('prepends a BOS token only when asked', async () => {
    expect(model.ids('Hello')).toEqual([15496]);
    expect(model.ids('Hello', { prependBos: true })).toEqual([50256, 15496]);
    const out = await model.run('Hello', ['hook_embed'], { prependBos: true });
    expect(out.hook_embed.shape).toEqual([2, 64]);
    out.hook_embed.dispose();
  });

  it('is causal: appending tokens leaves every earlier position unchanged', async () => {
    const ids = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13];
    const taps = model.tapNames();
    const short = await model.runArrays(ids.slice(0, 6), taps);
    const long = await model.runArrays(ids, taps);
    for (const tap of taps) {
      if (tap.endsWith('hook_pattern')) {
        const [s, l] = [short[tap] as number[][][], long[tap] as number[][][]];
        s.forEach((head, h) =>
          head.forEach((row, q) => {
            expect(maxDiff(row, l[h][q].slice(0, 6)), `${tap} head ${h} query ${q}`).toBeLessThan(1e-6);
            expect(l[h][q].slice(6).every((p) => p === 0), `${tap}: query ${q} attends to a later key`).toBe(true);
          }),
        );
      } else {
        const [s, l] = [short[tap] as number[][], long[tap] as number[][]];
        expect(s).toHaveLength(6);
        s.forEach((row, t) => expect(maxDiff(row, l[t]) / maxAbs(l[t]), `${tap} position ${t}`).toBeLessThan(1e-6));
      }
    }
  });

  it('describes its architecture, one row per weight', () => {
    const rows = model.architecture();
    expect(rows[0]).toEqual({ name: 'wte.weight', shape: [50257, 64], params: 50257 * 64 });
    expect(rows.find((r) => r.name === 'h.2.mlp.c_fc.weight')).toEqual({ name: 'h.2.mlp.c_fc.weight', shape: [64, 256], params: 64 * 256 });
    expect(rows).toHaveLength(2 + 3 * 12 + 2);
  });
});

describe('streamed weights', () => {
  it('give results identical to resident weights (tiny fixture file, every tap)', async () => {
    const resident = await loadModel(TINY_FILE, { residency: 'resident' });
    const streamed = await loadModel(TINY_FILE, { residency: 'streamed' });
    try {
      expect([resident.residency, streamed.residency]).toEqual(['resident', 'streamed']);
      const text = 'Hungarian rock has been a part of the popular music of Hungary since the early 1960s.';
      const a = await resident.run(text, resident.tapNames());
      const b = await streamed.run(text, streamed.tapNames());
      for (const tap of resident.tapNames()) {
        expect(Buffer.from((b[tap].dataSync() as Float32Array).buffer).equals(Buffer.from((a[tap].dataSync() as Float32Array).buffer)), tap).toBe(true);
      }
      [...Object.values(a), ...Object.values(b)].forEach((t) => t.dispose());
    } finally {
      resident.dispose();
      streamed.dispose();
    }
  });

  it('dispose frees every tensor of a model, resident or streamed', async () => {
    const before = tf.memory().numTensors;
    for (const residency of ['resident', 'streamed'] as const) {
      const m = await loadModel(TINY_FILE, { residency });
      await m.runArrays('Hello world', ['logits']);
      m.dispose();
      expect(tf.memory().numTensors, residency).toBe(before);
    }
  });

  it('leave no tensors behind', async () => {
    const m = await loadModel(TINY_FILE, { residency: 'streamed' });
    try {
      const before = tf.memory().numTensors;
      await m.runArrays('Hello world', ['blocks.1.attn.hook_pattern', 'logits']);
      await m.runArrays('Hello world', ['hook_embed']);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      m.dispose();
    }
  });

  it('a disposed model says so', async () => {
    const m = await loadModel('synthetic:tiny', { residency: 'streamed' });
    m.dispose();
    await expect(m.run('Hello', ['logits'])).rejects.toThrow(/disposed/);
  });
});

describe('loadModel', () => {
  it('explains what to do when a named checkpoint is missing', async () => {
    const saved = process.env.GPT2_WEIGHTS;
    process.env.GPT2_WEIGHTS = path.join(os.tmpdir(), 'no-such-folder-for-gpt2-weights');
    try {
      await expect(loadModel('gpt2-xl')).rejects.toThrow(/no checkpoint for "gpt2-xl".*npm run weights -- gpt2-xl.*synthetic:gpt2-xl/);
    } finally {
      if (saved === undefined) delete process.env.GPT2_WEIGHTS;
      else process.env.GPT2_WEIGHTS = saved;
    }
  });

  it('rejects unknown specs, backends and residencies', async () => {
    await expect(loadModel('gpt5')).rejects.toThrow(/"gpt5" is not a model: expected synthetic:<size>/);
    await expect(loadModel('synthetic:tiny', { backend: 'webgpu' as never })).rejects.toThrow(/unknown backend "webgpu"/);
    await expect(loadModel('synthetic:tiny', { residency: 'lazy' as never })).rejects.toThrow(/unknown residency "lazy"/);
  });

  it('leaves no unhandledRejection handler from the wasm loader', async () => {
    const m = await loadModel('synthetic:tiny', { backend: 'wasm' });
    m.dispose();
    const throwing = process.listeners('unhandledRejection').filter((l) => /throw/.test(String(l)));
    expect(throwing).toEqual([]);
  });
});

function maxDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

function maxAbs(a: number[]): number {
  return Math.max(...a.map(Math.abs));
}
