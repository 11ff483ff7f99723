/**
 * Parity with HuggingFace transformers' GPT-2 (test/fixtures/gpt2): every tap of the tiny
 * model, and GPT-2 small's shape on synthetic weights, agree with the goldens to 1e-4
 * (max abs difference / max abs value).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Model, attentionAdjustmentNorms, loadModel } from '../lib/model';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { GOLDENS, GPT2_FIXTURES, tinyCheckpoint } from './helpers/fixtures';

const FIXTURES = GPT2_FIXTURES;
const TEXTS: { name: string; text: string; ids: number[] }[] = GOLDENS.texts;

/** max |a - b| / max |b| */
function relativeError(ours: ArrayLike<number>, golden: ArrayLike<number>): number {
  expect(ours.length).toBe(golden.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < golden.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - golden[i]));
    scale = Math.max(scale, Math.abs(golden[i]));
  }
  return diff / scale;
}

function lastRow(t: tf.Tensor): Float32Array {
  const [T, V] = t.shape;
  return (t.dataSync() as Float32Array).slice((T - 1) * V, T * V);
}

/** log-sum-exp of each row, in float64 */
function logSumExp(t: tf.Tensor): number[] {
  const [T, V] = t.shape;
  const v = t.dataSync();
  return Array.from({ length: T }, (_, r) => {
    let max = -Infinity;
    for (let j = r * V; j < (r + 1) * V; j++) max = Math.max(max, v[j]);
    let sum = 0;
    for (let j = r * V; j < (r + 1) * V; j++) sum += Math.exp(v[j] - max);
    return max + Math.log(sum);
  });
}

function top5(t: tf.Tensor): { values: number[]; ids: number[] } {
  const { values, indices } = tf.topk(t as tf.Tensor2D, 5);
  const out = { values: Array.from(values.dataSync()), ids: Array.from(indices.dataSync()) };
  values.dispose();
  indices.dispose();
  return out;
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

describe('tiny GPT-2 against HuggingFace (goldens-tiny.safetensors)', () => {
  let model: GPT2Model;
  let goldens: SafetensorsFile;
  beforeAll(async () => {
    model = await loadModel(tinyCheckpoint());
    goldens = SafetensorsFile.open(path.join(FIXTURES, 'goldens-tiny.safetensors'));
  });
  afterAll(() => {
    model?.dispose();
    goldens?.close();
  });

  it('loads the fixture file with its config', () => {
    expect(model.synthetic).toBe(false);
    expect(model.config).toMatchObject({ nLayer: 3, nHead: 4, nEmbd: 64, nPositions: 256, vocabSize: 50257 });
    expect(model.architecture().reduce((n, r) => n + r.params, 0)).toBe(3 * (12 * 64 * 64 + 13 * 64) + 50257 * 64 + 256 * 64 + 2 * 64);
  });

  for (const text of TEXTS) {
    it(`every tap agrees to 1e-4 on "${text.name}" (${text.ids.length} tokens)`, async () => {
      const out = await model.run(text.text, model.tapNames());
      try {
        expect(Object.keys(out).sort()).toEqual([...model.tapNames()].sort());
        let checked = 0;
        for (let i = 0; i < 3; i++) {
          for (const [golden, tap] of Object.entries(BLOCK_GOLDENS)) {
            const ours = out[`blocks.${i}.${tap}`];
            const theirs = goldens.entry(`${text.name}.blocks.${i}.${golden}`);
            expect(ours.shape, tap).toEqual(theirs.shape);
            expect(relativeError(ours.dataSync(), goldens.read(theirs.name)), `${text.name} block ${i} ${golden}`).toBeLessThan(1e-4);
            checked++;
          }
          // resid_mid is not in the goldens: it is resid_pre + attn_out of HF's block
          const mid = tf.add(goldens.read(`${text.name}.blocks.${i}.resid_pre`), goldens.read(`${text.name}.blocks.${i}.attn_out`));
          expect(relativeError(out[`blocks.${i}.hook_resid_mid`].dataSync(), mid.dataSync())).toBeLessThan(1e-4);
          mid.dispose();
        }
        expect(relativeError(out['ln_final.hook_normalized'].dataSync(), goldens.read(`${text.name}.ln_final`))).toBeLessThan(1e-4);
        const logits = out.logits;
        expect(logits.shape).toEqual([text.ids.length, 50257]);
        expect(relativeError(lastRow(logits), goldens.read(`${text.name}.logits.last`))).toBeLessThan(1e-4);
        expect(relativeError(logSumExp(logits), goldens.read(`${text.name}.logits.lse`))).toBeLessThan(1e-4);
        const top = top5(logits);
        expect(relativeError(top.values, goldens.read(`${text.name}.logits.top5.values`))).toBeLessThan(1e-4);
        expect(top.ids).toEqual(Array.from(goldens.read(`${text.name}.logits.top5.ids`)));
        // embeddings: wte rows and wpe rows sum to block 0's input
        const embedSum = tf.add(out.hook_embed, out.hook_pos_embed);
        expect(relativeError(embedSum.dataSync(), goldens.read(`${text.name}.blocks.0.resid_pre`))).toBeLessThan(1e-6);
        embedSum.dispose();
        expect(checked).toBe(21);
      } finally {
        Object.values(out).forEach((t) => t.dispose());
      }
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

describe("GPT-2 small's shape on synthetic weights (goldens-gpt2-shape.safetensors)", () => {
  let model: GPT2Model;
  let goldens: SafetensorsFile;
  beforeAll(async () => {
    model = await loadModel('synthetic:gpt2');
    goldens = SafetensorsFile.open(path.join(FIXTURES, 'goldens-gpt2-shape.safetensors'));
  });
  afterAll(() => {
    model?.dispose();
    goldens?.close();
  });

  for (const text of TEXTS.filter((t) => t.ids.length <= 128)) {
    it(`hook_attn_out of all 12 blocks, ln_final and the last logits agree to 1e-4 on "${text.name}"`, async () => {
      const taps = [...Array.from({ length: 12 }, (_, i) => `blocks.${i}.hook_attn_out`), 'ln_final.hook_normalized', 'logits'];
      const out = await model.run(text.ids, taps);
      try {
        for (let i = 0; i < 12; i++) {
          expect(relativeError(out[`blocks.${i}.hook_attn_out`].dataSync(), goldens.read(`${text.name}.blocks.${i}.attn_out`)), `block ${i}`).toBeLessThan(1e-4);
        }
        expect(relativeError(out['ln_final.hook_normalized'].dataSync(), goldens.read(`${text.name}.ln_final`))).toBeLessThan(1e-4);
        expect(relativeError(lastRow(out.logits), goldens.read(`${text.name}.logits.last`))).toBeLessThan(1e-4);
        expect(relativeError(logSumExp(out.logits), goldens.read(`${text.name}.logits.lse`))).toBeLessThan(1e-4);
        expect(top5(out.logits).ids).toEqual(Array.from(goldens.read(`${text.name}.logits.top5.ids`)));
      } finally {
        Object.values(out).forEach((t) => t.dispose());
      }
    });

    it(`attention norms equal goldens.json on "${text.name}" to 1e-4 relative`, async () => {
      const r = await attentionAdjustmentNorms(model, text.text);
      expect(r.ids).toEqual(text.ids);
      expect(r.tokens).toHaveLength(text.ids.length);
      const golden: number[][] = GOLDENS.models['gpt2-shape'].attn_out_norms[text.name];
      expect(r.norms.length).toBe(12);
      let worst = 0;
      r.norms.forEach((row, layer) => row.forEach((v, p) => (worst = Math.max(worst, Math.abs(v / golden[layer][p] - 1)))));
      expect(worst).toBeLessThan(1e-4);
    });
  }
});
