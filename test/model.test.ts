/** The model's contract on either engine: taps, errors, causality, batches, streaming, cleanup. */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Model, ablateHead, attentionAdjustmentNorms, attentionAdjustmentNormsBatch, loadModel } from '../lib/model';
import { GOLDENS, tinyCheckpoint } from './helpers/fixtures';
import { relativeError } from './helpers/reference-gpt2';

const TEXTS: { name: string; text: string; ids: number[] }[] = GOLDENS.texts;

describe.each(['onnx', 'tfjs'] as const)('GPT2Model on %s', (engine) => {
  let model: GPT2Model;
  beforeAll(async () => {
    model = await loadModel('synthetic:tiny', { engine });
  });
  afterAll(() => model?.dispose());

  it('says what it is', () => {
    expect(model.spec).toBe('synthetic:tiny');
    expect(model.synthetic).toBe(true);
    expect(model.engineName).toBe(engine);
    expect(model.engineDescription).toMatch(engine === 'onnx' ? /^onnx \(\d+ threads?\)$/ : /^tfjs \((wasm|tensorflow)\)$/);
  });

  it('returns only the taps asked for, with their shapes', async () => {
    const out = await model.run('Hello world', ['blocks.1.hook_attn_out', 'blocks.0.attn.hook_pattern']);
    expect(Object.keys(out).sort()).toEqual(['blocks.0.attn.hook_pattern', 'blocks.1.hook_attn_out']);
    expect(out['blocks.1.hook_attn_out'].shape).toEqual([2, 64]);
    expect(out['blocks.0.attn.hook_pattern'].shape).toEqual([4, 2, 2]);
    const arrays = await model.runArrays('Hello world', ['hook_embed', 'logits']);
    expect((arrays.hook_embed as number[][]).length).toBe(2);
    expect((arrays.logits as number[][])[1]).toHaveLength(50257);
  });

  it('an unknown tap is an error listing the valid ones', async () => {
    await expect(model.run('Hello', ['blocks.0.hook_attn'])).rejects.toThrow(
      /unknown hook point or measurement "blocks.0.hook_attn". Valid: hook_embed, hook_pos_embed, blocks\.\{i\}\.hook_resid_pre, .*blocks\.\{i\}\.hook_attn_out.*logits, blocks\.\{i\}\.attn\.head_shares, with i from 0 to 2/,
    );
    await expect(model.run('Hello', ['blocks.3.hook_attn_out'])).rejects.toThrow(/unknown hook point or measurement "blocks.3.hook_attn_out"/);
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
  });

  it('is causal: appending tokens leaves every earlier position unchanged', async () => {
    const ids = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13];
    const taps = model.tapNames();
    const short = await model.run(ids.slice(0, 6), taps);
    const long = await model.run(ids, taps);
    for (const tap of taps) {
      const s = short[tap];
      const l = long[tap];
      if (s.axes[0] === 'head_index') {
        for (let h = 0; h < s.shape[0]; h++) {
          for (let q = 0; q < 6; q++) {
            const row = l.data.subarray((h * 10 + q) * 10, (h * 10 + q + 1) * 10);
            expect(relativeError(row.subarray(0, 6), s.data.subarray((h * 6 + q) * 6, (h * 6 + q + 1) * 6)), `${tap} head ${h} query ${q}`).toBeLessThan(1e-5);
            if (tap.endsWith('hook_pattern')) expect(row.subarray(6).every((p) => p === 0), `${tap}: query ${q} attends to a later key`).toBe(true);
            else expect(row.subarray(6).every((p) => p === -Infinity), `${tap}: later keys are −∞`).toBe(true);
          }
        }
      } else {
        expect(relativeError(l.data.subarray(0, s.data.length), s.data), tap).toBeLessThan(1e-5);
      }
    }
  });

  it('runs a batch of texts of different lengths as it runs each alone (1e-5)', async () => {
    const texts = TEXTS.map((t) => t.ids);
    const taps = ['blocks.0.attn.hook_pattern', 'blocks.2.hook_attn_out', 'ln_final.hook_scale', 'logits'];
    const batch = await model.runBatch(texts, taps, { batchSize: 2 });
    for (const [i, ids] of texts.entries()) {
      const alone = await model.run(ids, taps);
      for (const tap of taps) {
        expect(batch[i][tap].shape, tap).toEqual(alone[tap].shape);
        expect(relativeError(batch[i][tap].data, alone[tap].data), `${TEXTS[i].name} ${tap}`).toBeLessThan(1e-5);
      }
    }
    const streamed: Record<string, Float32Array>[] = texts.map(() => ({}));
    const none = await model.runBatch(texts, taps, { batchSize: 2, onTap: (i, tap, a) => void (streamed[i][tap] = a.data) });
    expect(none.every((r) => Object.keys(r).length === 0)).toBe(true);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    batch.forEach((r, i) => taps.forEach((tap) => expect(bytes(streamed[i][tap]).equals(bytes(r[tap].data)), `${i} ${tap} handed over as computed`).toBe(true)));
    const norms = await attentionAdjustmentNormsBatch(model, texts);
    const single = await attentionAdjustmentNorms(model, texts[2]);
    expect(relativeError(norms[2].norms.flat(), single.norms.flat())).toBeLessThan(1e-5);
    expect(norms.map((n) => n.ids.length)).toEqual(texts.map((t) => t.length));
  });

  it('reports its progress: the parts of a pass, the texts of a batch', async () => {
    const reports: string[] = [];
    const onProgress = (p: { done: number; total?: number; unit: string; finished?: boolean }) => void reports.push(`${p.done}/${p.total} ${p.unit}${p.finished ? ' finished' : ''}`);
    await model.run('Hello world', ['logits'], { onProgress });
    expect(reports[reports.length - 1]).toMatch(/^(\d+)\/\1 blocks finished$/);
    if (engine === 'onnx') {
      const streamed = await loadModel('synthetic:tiny', { residency: 'streamed' });
      reports.length = 0;
      await streamed.run('Hello world', ['logits'], { onProgress });
      streamed.dispose();
      expect(reports).toEqual(['1/4 blocks', '2/4 blocks', '3/4 blocks', '4/4 blocks finished']); // embed, the 3 blocks in one session, ln_final, unembed
    }
    reports.length = 0;
    await model.runBatch(['a', 'b c', 'd e f'], ['hook_embed'], { batchSize: 2, onProgress });
    expect(reports).toEqual(['2/3 texts', '3/3 texts finished']);
  });

  it('gives the norms of a model with a head ablated, as the ablated run gives its attention outputs', async () => {
    const ids = [464, 2068, 7586, 21831, 18045];
    const hooks = [ablateHead('blocks.0.attn.hook_z', 1)];
    const norms = await attentionAdjustmentNorms(model, ids, { hooks, prependBos: true });
    const out = await model.execute([50256, ...ids], ['blocks.1.hook_attn_out'], hooks);
    expect(norms.ids).toEqual([50256, ...ids]);
    const C = 64;
    const direct = Array.from({ length: 6 }, (_, t) => Math.hypot(...out['blocks.1.hook_attn_out'].data.subarray(t * C, (t + 1) * C)));
    expect(relativeError(norms.norms[1], direct)).toBeLessThan(1e-6);
    const plain = await attentionAdjustmentNorms(model, ids, { prependBos: true });
    expect(relativeError(norms.norms[1], plain.norms[1])).toBeGreaterThan(1e-4);
  });

  it('describes its architecture, one row per weight', () => {
    const rows = model.architecture();
    expect(rows[0]).toEqual({ name: 'wte.weight', shape: [50257, 64], params: 50257 * 64 });
    expect(rows.find((r) => r.name === 'h.2.mlp.c_fc.weight')).toEqual({ name: 'h.2.mlp.c_fc.weight', shape: [64, 256], params: 64 * 256 });
    expect(rows).toHaveLength(2 + 3 * 12 + 2);
  });
});

describe('the tfjs engine', () => {
  it('is a tf.LayersModel of GPT-2 layers whose outputs are the taps, and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const model = await loadModel(tinyCheckpoint(), { engine: 'tfjs' });
    const layers = model.layersModel(['blocks.1.hook_attn_out', 'logits']);
    expect(layers.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual([
      'ids:InputLayer', 'positions:InputLayer', 'embed:Embedding', 'blocks.0:TransformerBlock', 'blocks.1:TransformerBlock',
      'blocks.2:TransformerBlock', 'ln_final:LayerNorm', 'unembed:Unembedding',
    ]);
    expect(layers.outputs).toHaveLength(2);
    expect(layers.countParams()).toBe(model.architecture().reduce((n, r) => n + r.params, 0));
    const lines: string[] = [];
    layers.summary(120, undefined, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/blocks\.1 \(TransformerBlock\) .* 49984 /);
    expect(lines.join('\n')).toMatch(/unembed \(Unembedding\) .*\[null,50257\]\s+0 /);
    const during = tf.memory().numTensors;
    await model.run('Hello world', ['blocks.1.attn.hook_pattern', 'logits']);
    await model.execute('Hello world', ['hook_embed'], [['blocks.0.hook_resid_pre', (a) => a.data.map((v) => v / 2)]]);
    expect(tf.memory().numTensors).toBe(during);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("runs on the 'cpu' backend too, and says how to get 'tensorflow' when tfjs-node is missing", async () => {
    const model = await loadModel('synthetic:tiny', { engine: 'tfjs', backend: 'cpu' });
    expect(model.engineDescription).toBe('tfjs (cpu)');
    const onnx = await loadModel('synthetic:tiny');
    const ids = [464, 2068, 7586];
    const [a, b] = [await model.run(ids, ['blocks.2.hook_resid_post']), await onnx.run(ids, ['blocks.2.hook_resid_post'])];
    expect(relativeError(a['blocks.2.hook_resid_post'].data, b['blocks.2.hook_resid_post'].data)).toBeLessThan(1e-5);
    model.dispose();
    onnx.dispose();
    if (!tfjsNodeInstalled()) {
      await expect(loadModel('synthetic:tiny', { engine: 'tfjs', backend: 'tensorflow' })).rejects.toThrow(/needs @tensorflow\/tfjs-node: `npm install @tensorflow\/tfjs-node`/);
    }
  });

  it('leaves no unhandledRejection handler from the wasm loader', async () => {
    const m = await loadModel('synthetic:tiny', { engine: 'tfjs', backend: 'wasm' });
    m.dispose();
    const throwing = process.listeners('unhandledRejection').filter((l) => /throw/.test(String(l)));
    expect(throwing).toEqual([]);
  });
});

describe('streamed weights', () => {
  it('give results identical to resident weights (every tap, from the checkpoint file)', async () => {
    const resident = await loadModel(tinyCheckpoint(), { residency: 'resident' });
    const streamed = await loadModel(tinyCheckpoint(), { residency: 'streamed' });
    try {
      expect([resident.residency, streamed.residency]).toEqual(['resident', 'streamed']);
      const text = 'Hungarian rock has been a part of the popular music of Hungary since the early 1960s.';
      const a = await resident.run(text, resident.tapNames());
      const b = await streamed.run(text, streamed.tapNames());
      for (const tap of resident.tapNames()) expect(Buffer.from(b[tap].data.buffer, b[tap].data.byteOffset, b[tap].data.byteLength).equals(Buffer.from(a[tap].data.buffer, a[tap].data.byteOffset, a[tap].data.byteLength)), tap).toBe(true);
    } finally {
      resident.dispose();
      streamed.dispose();
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

  it('rejects unknown specs, engines, backends, residencies and thread counts', async () => {
    await expect(loadModel('gpt5')).rejects.toThrow(/"gpt5" is not a model: expected synthetic:<size>/);
    await expect(loadModel('synthetic:tiny', { engine: 'torch' as never })).rejects.toThrow(/unknown engine "torch": use 'onnx' or 'tfjs'/);
    await expect(loadModel('synthetic:tiny', { engine: 'tfjs', backend: 'webgpu' })).rejects.toThrow(/unknown backend "webgpu"/);
    await expect(loadModel('synthetic:tiny', { residency: 'lazy' as never })).rejects.toThrow(/unknown residency "lazy"/);
    await expect(loadModel('synthetic:tiny', { threads: 0 })).rejects.toThrow(/threads must be a positive whole number, got 0/);
    await expect(loadModel('synthetic:tiny', { engine: 'tfjs', residency: 'streamed' })).rejects.toThrow(/the tfjs engine keeps every weight in memory/);
  });
});

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
