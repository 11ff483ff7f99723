/**
 * Parity with HuggingFace transformers' GPT-2 (test/fixtures/gpt2), on both engines: every hook
 * point the goldens hold for the tiny model, and GPT-2 small's shape on synthetic weights, agree to
 * 1e-4 (max abs difference / max abs value).
 */
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Activation, GPT2Model, attentionAdjustmentNorms, loadModel } from '../lib/model';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { GOLDENS, GPT2_FIXTURES, tinyCheckpoint } from './helpers/fixtures';
import { relativeError } from './helpers/reference-gpt2';

const TEXTS: { name: string; text: string; ids: number[] }[] = GOLDENS.texts;

/** The last row of a [T, V] activation. */
const lastRow = (a: Activation) => a.data.subarray((a.shape[0] - 1) * a.shape[1]);

/** log-sum-exp of each row, in float64 */
function logSumExp(a: Activation): number[] {
  const [T, V] = a.shape;
  return Array.from({ length: T }, (_, r) => {
    const row = a.data.subarray(r * V, (r + 1) * V);
    const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
    return max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
  });
}

/** for every position, the ids of its five largest logits, largest first */
function top5(a: Activation): number[] {
  const [T, V] = a.shape;
  return Array.from({ length: T }, (_, t) => {
    const row = a.data.subarray(t * V, (t + 1) * V);
    return Array.from(row.keys()).sort((i, j) => row[j] - row[i]).slice(0, 5);
  }).flat();
}

const BLOCK_GOLDENS: Record<string, string> = {
  resid_pre: 'hook_resid_pre',
  ln1: 'ln1.hook_normalized',
  attn_out: 'hook_attn_out',
  ln2: 'ln2.hook_normalized',
  mlp_out: 'hook_mlp_out',
  resid_post: 'hook_resid_post',
  pattern: 'attn.hook_pattern',
};

describe.each(['onnx', 'tfjs'] as const)('tiny GPT-2 against HuggingFace on %s (goldens-tiny.safetensors)', (engine) => {
  let model: GPT2Model;
  let goldens: SafetensorsFile;
  beforeAll(async () => {
    model = await loadModel(tinyCheckpoint(), { engine });
    goldens = SafetensorsFile.open(path.join(GPT2_FIXTURES, 'goldens-tiny.safetensors'));
  });
  afterAll(() => {
    model?.dispose();
    goldens?.close();
  });

  it('loads the checkpoint with its config', () => {
    expect(model.synthetic).toBe(false);
    expect(model.config).toMatchObject({ nLayer: 3, nHead: 4, nEmbd: 64, nPositions: 256, vocabSize: 50257 });
    expect(model.architecture().reduce((n, r) => n + r.params, 0)).toBe(3 * (12 * 64 * 64 + 13 * 64) + 50257 * 64 + 256 * 64 + 2 * 64);
  });

  for (const text of TEXTS) {
    it(`every hook point in the goldens agrees to 1e-4 on "${text.name}" (${text.ids.length} tokens)`, async () => {
      const out = await model.run(text.text, model.tapNames());
      let checked = 0;
      for (let i = 0; i < 3; i++) {
        for (const [golden, tap] of Object.entries(BLOCK_GOLDENS)) {
          const theirs = goldens.entry(`${text.name}.blocks.${i}.${golden}`);
          expect(out[`blocks.${i}.${tap}`].shape, tap).toEqual(theirs.shape);
          expect(relativeError(out[`blocks.${i}.${tap}`].data, goldens.read(theirs.name)), `${text.name} block ${i} ${golden}`).toBeLessThan(1e-4);
          checked++;
        }
        // resid_mid is not in the goldens: it is resid_pre + attn_out of HF's block
        const pre = goldens.read(`${text.name}.blocks.${i}.resid_pre`);
        const attn = goldens.read(`${text.name}.blocks.${i}.attn_out`);
        expect(relativeError(out[`blocks.${i}.hook_resid_mid`].data, pre.map((v, k) => v + attn[k]))).toBeLessThan(1e-4);
      }
      expect(relativeError(out['ln_final.hook_normalized'].data, goldens.read(`${text.name}.ln_final`))).toBeLessThan(1e-4);
      expect(out.logits.shape).toEqual([text.ids.length, 50257]);
      expect(relativeError(lastRow(out.logits), goldens.read(`${text.name}.logits.last`))).toBeLessThan(1e-4);
      expect(relativeError(logSumExp(out.logits), goldens.read(`${text.name}.logits.lse`))).toBeLessThan(1e-4);
      expect(top5(out.logits)).toEqual(Array.from(goldens.read(`${text.name}.logits.top5.ids`)));
      // the embeddings sum to block 0's input
      const embedSum = out.hook_embed.data.map((v, k) => v + out.hook_pos_embed.data[k]);
      expect(relativeError(embedSum, goldens.read(`${text.name}.blocks.0.resid_pre`))).toBeLessThan(1e-6);
      expect(checked).toBe(21);
    });

    it(`attention norms equal goldens.json on "${text.name}" to 1e-4 relative`, async () => {
      const r = await attentionAdjustmentNorms(model, text.ids);
      expect(r.ids).toEqual(text.ids);
      const golden: number[][] = GOLDENS.models.tiny.attn_out_norms[text.name];
      expect(r.norms.length).toBe(3);
      r.norms.forEach((row, layer) => row.forEach((v, p) => expect(Math.abs(v / golden[layer][p] - 1)).toBeLessThan(1e-4)));
    });
  }
});

describe.each(['onnx', 'tfjs'] as const)("GPT-2 small's shape on synthetic weights on %s (goldens-gpt2-shape.safetensors)", (engine) => {
  let model: GPT2Model;
  let goldens: SafetensorsFile;
  beforeAll(async () => {
    model = await loadModel('synthetic:gpt2', { engine });
    goldens = SafetensorsFile.open(path.join(GPT2_FIXTURES, 'goldens-gpt2-shape.safetensors'));
  });
  afterAll(() => {
    model?.dispose();
    goldens?.close();
  });

  for (const text of TEXTS.filter((t) => t.ids.length <= 128)) {
    it(`hook_attn_out of all 12 blocks, ln_final and the logits agree to 1e-4 on "${text.name}"; so do the norms`, async () => {
      const taps = [...Array.from({ length: 12 }, (_, i) => `blocks.${i}.hook_attn_out`), 'ln_final.hook_normalized', 'logits'];
      const out = await model.run(text.ids, taps);
      for (let i = 0; i < 12; i++) {
        expect(relativeError(out[`blocks.${i}.hook_attn_out`].data, goldens.read(`${text.name}.blocks.${i}.attn_out`)), `block ${i}`).toBeLessThan(1e-4);
      }
      expect(relativeError(out['ln_final.hook_normalized'].data, goldens.read(`${text.name}.ln_final`))).toBeLessThan(1e-4);
      expect(relativeError(lastRow(out.logits), goldens.read(`${text.name}.logits.last`))).toBeLessThan(1e-4);
      expect(relativeError(logSumExp(out.logits), goldens.read(`${text.name}.logits.lse`))).toBeLessThan(1e-4);
      expect(top5(out.logits)).toEqual(Array.from(goldens.read(`${text.name}.logits.top5.ids`)));

      const r = await attentionAdjustmentNorms(model, text.text);
      expect(r.ids).toEqual(text.ids);
      const golden: number[][] = GOLDENS.models['gpt2-shape'].attn_out_norms[text.name];
      expect(relativeError(r.norms.flat(), golden.flat())).toBeLessThan(1e-4);
      r.norms.forEach((row, layer) => row.forEach((v, p) => expect(Math.abs(v / golden[layer][p] - 1), `layer ${layer} position ${p}`).toBeLessThan(1e-4)));
    });
  }
});
