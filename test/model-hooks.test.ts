/**
 * Every TransformerLens hook point, on both engines, against a float64 reference written in the
 * test (test/helpers/reference-gpt2.ts); hooks that change activations against the same change
 * made in the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Model, ablateHead, headMean, loadModel, patchActivation, scaleActivation } from '../lib/model';
import { GPT2Config, GPT2_SIZES } from '../lib/weights/config';
import { syntheticTensor } from '../lib/weights/synthetic';
import { expectedWeights } from '../lib/weights/layout';
import { GOLDENS } from './helpers/fixtures';
import { ReferenceHook, referenceGPT2, relativeError } from './helpers/reference-gpt2';

/** TransformerLens' hook points for GPT-2, written out here as its documentation lists them. */
const BLOCK_HOOKS = [
  'hook_resid_pre', 'ln1.hook_scale', 'ln1.hook_normalized', 'attn.hook_q', 'attn.hook_k', 'attn.hook_v',
  'attn.hook_attn_scores', 'attn.hook_pattern', 'attn.hook_z', 'attn.hook_result', 'hook_attn_out', 'hook_resid_mid',
  'ln2.hook_scale', 'ln2.hook_normalized', 'mlp.hook_pre', 'mlp.hook_post', 'hook_mlp_out', 'hook_resid_post',
];
const tlNames = (layers: number) => [
  'hook_embed', 'hook_pos_embed',
  ...Array.from({ length: layers }, (_, i) => BLOCK_HOOKS.map((h) => `blocks.${i}.${h}`)).flat(),
  'ln_final.hook_scale', 'ln_final.hook_normalized', 'logits',
];

const tiny = GPT2_SIZES.tiny;
/** The synthetic weights of a size, by hub name. */
const weightsOf = (config: GPT2Config) => {
  const shapes = new Map(expectedWeights(config).map((w) => [w.name, w.shape]));
  return (name: string) => syntheticTensor(name, shapes.get(name)!);
};
const synthetic = weightsOf(tiny);
const SHORT: number[] = GOLDENS.texts.find((t: { name: string }) => t.name === 'short').ids;
const OTHER = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13]; // "The quick brown fox jumps over the lazy dog."

describe.each(['onnx', 'tfjs'] as const)('hook points on the %s engine', (engine) => {
  let model: GPT2Model;
  const reference = referenceGPT2(tiny, synthetic, SHORT);
  beforeAll(async () => {
    model = await loadModel('synthetic:tiny', { engine });
  });
  afterAll(() => model?.dispose());

  it("names every hook point as TransformerLens does, in forward-pass order", () => {
    expect(model.tapNames()).toEqual(tlNames(3));
  });

  it('every hook point equals the float64 reference (1e-4 of its largest value), with its shape and axes', async () => {
    const out = await model.run(SHORT, model.tapNames());
    for (const name of tlNames(3)) {
      expect(out[name].shape, name).toEqual(reference[name].shape);
      expect(relativeError(out[name].data, reference[name].data), name).toBeLessThan(1e-4);
    }
    expect(out['blocks.0.attn.hook_z'].axes).toEqual(['pos', 'head_index', 'd_head']);
    expect(out['blocks.0.attn.hook_pattern'].axes).toEqual(['head_index', 'query_pos', 'key_pos']);
  });

  it('hook_result summed over heads, plus the bias, is hook_attn_out (1e-5)', async () => {
    const out = await model.run(SHORT, ['blocks.1.attn.hook_result', 'blocks.1.hook_attn_out']);
    const [T, H, C] = out['blocks.1.attn.hook_result'].shape;
    const bias = synthetic('h.1.attn.c_proj.bias');
    const summed = Float64Array.from({ length: T * C }, (_, m) => {
      let s = bias[m % C];
      for (let h = 0; h < H; h++) s += out['blocks.1.attn.hook_result'].data[(Math.floor(m / C) * H + h) * C + (m % C)];
      return s;
    });
    expect(relativeError(out['blocks.1.hook_attn_out'].data, summed)).toBeLessThan(1e-5);
  });

  it("measures each head's share of the adjustment's squared norm as its hook_result gives it (1e-5), shares summing to 1", async () => {
    expect(model.measureNames()).toEqual(['blocks.0.attn.head_shares', 'blocks.1.attn.head_shares', 'blocks.2.attn.head_shares']);
    const out = await model.run(SHORT, ['blocks.2.attn.head_shares']);
    expect(out['blocks.2.attn.head_shares'].shape).toEqual([SHORT.length, 5]);
    expect(out['blocks.2.attn.head_shares'].axes).toEqual(['pos', 'head_index_and_bias']);
    const r = reference['blocks.2.attn.hook_result'].data; // [T, H, C], float64
    const a = reference['blocks.2.hook_attn_out'].data; // [T, C]
    const b = synthetic('h.2.attn.c_proj.bias');
    const [H, C] = [4, 64];
    const expected = Array.from({ length: SHORT.length * (H + 1) }, (_, k) => {
      const [t, h] = [Math.floor(k / (H + 1)), k % (H + 1)];
      let dot = 0;
      let norm2 = 0;
      for (let c = 0; c < C; c++) {
        dot += (h < H ? r[(t * H + h) * C + c] : b[c]) * a[t * C + c];
        norm2 += a[t * C + c] ** 2;
      }
      return dot / norm2;
    });
    const shares = out['blocks.2.attn.head_shares'].data;
    expect(relativeError(shares, expected)).toBeLessThan(1e-5);
    for (let t = 0; t < SHORT.length; t++) expect(shares.subarray(t * (H + 1), (t + 1) * (H + 1)).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    await expect(model.runWithHooks(SHORT, { hooks: [['blocks.2.attn.head_shares', () => undefined]] })).rejects.toThrow(/unknown hook point "blocks.2.attn.head_shares"/);
  });

  it('zero-ablating a head equals the reference with that head zeroed', async () => {
    const zeroHead2: ReferenceHook = (z, [T, H, d]) => {
      for (let t = 0; t < T; t++) z.fill(0, (t * H + 2) * d, (t * H + 3) * d);
    };
    const expected = referenceGPT2(tiny, synthetic, SHORT, { 'blocks.0.attn.hook_z': zeroHead2 });
    const out = await model.execute(SHORT, ['blocks.0.attn.hook_z', 'blocks.0.hook_attn_out', 'blocks.2.hook_resid_post', 'logits'], [ablateHead('blocks.0.attn.hook_z', 2)]);
    for (const name of ['blocks.0.attn.hook_z', 'blocks.0.hook_attn_out', 'blocks.2.hook_resid_post', 'logits']) {
      expect(relativeError(out[name].data, expected[name].data), name).toBeLessThan(1e-4);
    }
    expect(relativeError(out.logits.data, reference.logits.data)).toBeGreaterThan(1e-3); // the ablation changed something
  });

  it('mean-ablating a head puts in its mean over positions', async () => {
    const meanHead1: ReferenceHook = (z, [T, H, d]) => {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += z[(t * H + 1) * d + j];
        for (let t = 0; t < T; t++) z[(t * H + 1) * d + j] = s / T;
      }
    };
    const expected = referenceGPT2(tiny, synthetic, SHORT, { 'blocks.1.attn.hook_z': meanHead1 });
    const out = await model.execute(SHORT, ['blocks.2.hook_attn_out'], [ablateHead('blocks.1.attn.hook_z', 1, { mean: true })]);
    expect(relativeError(out['blocks.2.hook_attn_out'].data, expected['blocks.2.hook_attn_out'].data)).toBeLessThan(1e-4);
  });

  it('patching the whole residual stream from another text makes everything after it that text', async () => {
    const other = await model.run(OTHER, ['blocks.1.hook_resid_pre', 'logits']);
    const patched = await model.execute(SHORT, ['logits'], [patchActivation('blocks.1.hook_resid_pre', other)]);
    expect(relativeError(patched.logits.data, other.logits.data)).toBeLessThan(1e-5);
  });

  it('patching one position equals the reference with that position patched', async () => {
    const source = referenceGPT2(tiny, synthetic, OTHER)['blocks.1.hook_resid_pre'].data;
    const C = tiny.nEmbd;
    const patchPosition4: ReferenceHook = (x) => x.set(source.subarray(4 * C, 5 * C), 4 * C);
    const expected = referenceGPT2(tiny, synthetic, SHORT, { 'blocks.1.hook_resid_pre': patchPosition4 });
    const other = await model.run(OTHER, ['blocks.1.hook_resid_pre']);
    const out = await model.execute(SHORT, ['blocks.2.hook_resid_post'], [patchActivation('blocks.1.hook_resid_pre', other, { positions: [4] })]);
    expect(relativeError(out['blocks.2.hook_resid_post'].data, expected['blocks.2.hook_resid_post'].data)).toBeLessThan(1e-4);
  });

  it('scaling a head of hook_pattern by zero equals the reference, and hooks chain in order', async () => {
    const zeroPatternHead0: ReferenceHook = (p, [H, T]) => p.fill(0, 0, T * T);
    const expected = referenceGPT2(tiny, synthetic, SHORT, { 'blocks.2.attn.hook_pattern': zeroPatternHead0 });
    const calls: string[] = [];
    const out = await model.execute(SHORT, ['blocks.2.attn.hook_pattern', 'ln_final.hook_normalized'], [
      scaleActivation('blocks.2.attn.hook_pattern', 0, { head: 0 }),
      ['blocks.2.attn.hook_pattern', (a, name) => void calls.push(`${name} after scaling: ${a.data[0]}`)],
    ]);
    expect(calls).toEqual(['blocks.2.attn.hook_pattern after scaling: 0']);
    expect(relativeError(out['ln_final.hook_normalized'].data, expected['ln_final.hook_normalized'].data)).toBeLessThan(1e-4);
  });

  it('calls a hook even when nothing after it is tapped, and a replacement it returns is used', async () => {
    let seen: number[] | undefined;
    await model.execute(SHORT, [], [['blocks.1.ln2.hook_scale', (a) => void (seen = a.shape)]]);
    expect(seen).toEqual([SHORT.length, 1]);
    const doubled = await model.execute(SHORT, ['blocks.0.hook_mlp_out'], [['blocks.0.hook_mlp_out', (a) => a.data.map((v) => 2 * v)]]);
    expect(relativeError(doubled['blocks.0.hook_mlp_out'].data, reference['blocks.0.hook_mlp_out'].data.map((v) => 2 * v))).toBeLessThan(1e-4);
  });

  it('refuses a replacement of the wrong size, and hook points that do not exist', async () => {
    await expect(model.execute(SHORT, ['logits'], [['blocks.0.hook_attn_out', () => new Float32Array(3)]])).rejects.toThrow(
      /the hook on blocks.0.hook_attn_out returned 3 values: return nothing .* or a Float32Array of 640 values, shape \[10,64\]/,
    );
    await expect(model.runWithHooks(SHORT, { hooks: [ablateHead('blocks.0.attn.hook_zz', 0)] })).rejects.toThrow(
      /unknown hook point "blocks.0.attn.hook_zz". Valid: .*blocks\.\{i\}\.attn\.hook_z,.* with i from 0 to 2/,
    );
    await expect(model.runWithHooks(SHORT, { hooks: [ablateHead('blocks.0.hook_attn_out', 0)] })).rejects.toThrow(/has axes \[pos,d_model\], no head_index/);
    await expect(model.runWithHooks(SHORT, { hooks: [ablateHead('blocks.0.attn.hook_z', 4)] })).rejects.toThrow(/head 4 is out of range .* heads are 0 to 3/);
  });
});

describe("hook points on GPT-2 small's shape", () => {
  const gpt2 = weightsOf(GPT2_SIZES.gpt2);
  const reference = referenceGPT2(GPT2_SIZES.gpt2, gpt2, SHORT);
  const ablated = referenceGPT2(GPT2_SIZES.gpt2, gpt2, SHORT, {
    'blocks.3.attn.hook_z': (z, [T, H, d]) => {
      for (let t = 0; t < T; t++) z.fill(0, (t * H + 5) * d, (t * H + 6) * d);
    },
  });
  const outputs: Record<string, Awaited<ReturnType<GPT2Model['run']>>> = {};

  for (const engine of ['onnx', 'tfjs'] as const) {
    it(`every hook point equals the float64 reference on ${engine}, and a head ablation its reference`, async () => {
      const model = await loadModel('synthetic:gpt2', { engine });
      try {
        const out = (outputs[engine] = await model.run(SHORT, model.tapNames()));
        expect(Object.keys(out)).toHaveLength(2 + 12 * 18 + 3);
        for (const name of model.tapNames()) expect(relativeError(out[name].data, reference[name].data), name).toBeLessThan(1e-4);
        const hooked = await model.execute(SHORT, ['blocks.3.hook_attn_out', 'logits'], [ablateHead('blocks.3.attn.hook_z', 5)]);
        expect(relativeError(hooked['blocks.3.hook_attn_out'].data, ablated['blocks.3.hook_attn_out'].data)).toBeLessThan(1e-4);
        expect(relativeError(hooked.logits.data, ablated.logits.data)).toBeLessThan(1e-4);
        outputs[`${engine} ablated`] = hooked;
      } finally {
        model.dispose();
      }
    });
  }

  it('the two engines agree to 1e-5 on every hook point, and on the ablation', () => {
    for (const name of Object.keys(outputs.onnx)) expect(relativeError(outputs.tfjs[name].data, outputs.onnx[name].data), name).toBeLessThan(1e-5);
    for (const name of ['blocks.3.hook_attn_out', 'logits']) {
      expect(relativeError(outputs['tfjs ablated'][name].data, outputs['onnx ablated'][name].data), name).toBeLessThan(1e-5);
    }
  });
});

describe('headMean', () => {
  it('averages one head over every position of every run', () => {
    const a = { data: Float32Array.from([1, 2, 10, 20, 3, 4, 30, 40]), shape: [2, 2, 2], axes: ['pos', 'head_index', 'd_head'] as const };
    const b = { data: Float32Array.from([5, 6, 0, 0]), shape: [1, 2, 2], axes: ['pos', 'head_index', 'd_head'] as const };
    expect(Array.from(headMean([{ ...a, axes: [...a.axes] }, { ...b, axes: [...b.axes] }], 0))).toEqual([3, 4]);
  });
});
