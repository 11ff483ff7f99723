/** The safetensors reader validates before it trusts: every crafted corruption is a clear error. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../lib/model';
import { GPT2_SIZES } from '../lib/weights/config';
import { expectedWeights } from '../lib/weights/layout';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { writeSafetensors } from '../lib/weights/safetensors-writer';
import { syntheticTensor } from '../lib/weights/synthetic';
import { TINY_CONFIG, tinyCheckpoint } from './helpers/fixtures';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'safetensors-test-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

let counter = 0;
/** A file with this header (object or raw text) and data bytes; `length` overrides the header length field. */
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), length?: bigint): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(json.length));
  const file = path.join(TMP, `crafted-${counter++}.safetensors`);
  fs.writeFileSync(file, Buffer.concat([prefix, json, Buffer.from(data)]));
  return file;
}

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const u16 = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);

describe('safetensors validation', () => {
  it('reads a well-formed file', () => {
    const file = craft({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, f32([1, 2, 3, 4]));
    const st = SafetensorsFile.open(file);
    expect(st.names()).toEqual(['a']);
    expect(st.metadata).toEqual({ format: 'pt' });
    expect(Array.from(st.read('a'))).toEqual([1, 2, 3, 4]);
    st.close();
  });

  const cases: [string, () => string, RegExp][] = [
    ['a file shorter than the length field', () => { const f = path.join(TMP, 'short.safetensors'); fs.writeFileSync(f, Buffer.from([1, 2, 3])); return f; }, /3 bytes long: too short/],
    ['a header length over the 100 MB bound', () => craft({}, undefined, 200_000_000n), /header length 200000000 exceeds the format's limit/],
    ['a header length past the end of the file', () => craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32([1]), 5000n), /header length 5000 runs past the end of the \d+-byte file/],
    ['a header that is not JSON', () => craft('{"a": {"dtype": "F32",'), /header is not valid JSON/],
    ['a header that is not an object', () => craft([1, 2]), /header must be a JSON object of tensors, got "\[1,2\]"/],
    ['an unknown dtype', () => craft({ w: { dtype: 'F17', shape: [1], data_offsets: [0, 4] } }, f32([1])), /tensor "w": unknown dtype "F17"/],
    ['a malformed shape', () => craft({ w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 8] } }, f32([1, 2])), /tensor "w": shape must be a list of non-negative integers, got \[2,-1\]/],
    ['malformed offsets', () => craft({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, f32([1])), /tensor "w": data_offsets must be \[begin, end\]/],
    ['offsets past the data', () => craft({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, f32([1, 2])), /tensor "w": data_offsets \[0,16\] run past the end of the data \(8 bytes/],
    ['offsets that disagree with the shape', () => craft({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } }, f32([1, 2, 3, 4])), /tensor "w": data_offsets \[0,12\] hold 12 bytes, but F32 of shape \[2,2\] needs 16/],
    ['overlapping tensors', () => craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32([1, 2, 3])), /tensors "a" and "b" overlap/],
    ['a truncated checkpoint', () => { const f = path.join(TMP, 'truncated.safetensors'); const b = fs.readFileSync(tinyCheckpoint()); fs.writeFileSync(f, b.subarray(0, b.length - 1000)); return f; }, /tensor "wte.weight": data_offsets .* run past the end of the data .*truncated/],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what}`, () => {
      const file = make();
      expect(() => SafetensorsFile.open(file)).toThrow(message);
      expect(() => SafetensorsFile.open(file)).toThrow(file); // every message names the file
    });
  }

  it('refuses to read an integer tensor as float32', () => {
    const st = SafetensorsFile.open(craft({ i: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, f32([0])));
    expect(() => st.read('i')).toThrow(/tensor "i" has dtype I32; only F32, F16, BF16, F64 can be read/);
    st.close();
  });
});

describe('F16 and BF16', () => {
  it('F16 bit patterns read as the right float32 values', () => {
    // 1, -2, largest normal, smallest subnormal, -0, +inf, nearest to 1/3, smallest normal
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555, 0x0400];
    const st = SafetensorsFile.open(craft({ h: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } }, u16(bits)));
    const v = Array.from(st.read('h'));
    expect(v).toEqual([1, -2, 65504, 2 ** -24, -0, Infinity, 0.333251953125, 2 ** -14]);
    expect(Object.is(v[4], -0)).toBe(true);
    st.close();
  });

  it('BF16 bit patterns read as the right float32 values', () => {
    const bits = [0x3f80, 0xc0a0, 0x3eab, 0x7f80, 0x0001];
    const st = SafetensorsFile.open(craft({ b: { dtype: 'BF16', shape: [5], data_offsets: [0, 10] } }, u16(bits)));
    expect(Array.from(st.read('b'))).toEqual([1, -5, 0.333984375, Infinity, 2 ** -133]);
    st.close();
  });

  it('a BF16 checkpoint with the `transformer.` prefix and lm_head loads and runs', async () => {
    const config = GPT2_SIZES.tiny;
    const toBf16 = (x: Float32Array) => { // truncate to the top 16 bits
      const words = new Uint32Array(x.buffer, x.byteOffset, x.length);
      return new Uint8Array(Uint16Array.from(words, (w) => w >>> 16).buffer);
    };
    const weights = expectedWeights(config);
    const file = path.join(TMP, 'bf16.safetensors');
    writeSafetensors(file, [
      ...weights.map((w) => ({ name: `transformer.${w.name}`, shape: w.shape, dtype: 'BF16', data: () => toBf16(syntheticTensor(w.name, w.shape)) })),
      { name: 'lm_head.weight', shape: [config.vocabSize, config.nEmbd], dtype: 'BF16', data: () => toBf16(syntheticTensor('wte.weight', [config.vocabSize, config.nEmbd])) },
    ]);
    fs.copyFileSync(TINY_CONFIG, path.join(TMP, 'bf16.config.json'));
    const model = await loadModel(file);
    const reference = await loadModel('synthetic:tiny');
    try {
      const [a, b] = [await model.runArrays('Hello world', ['hook_embed']), await reference.runArrays('Hello world', ['hook_embed'])];
      const [ours, exact] = [(a.hook_embed as number[][]).flat(), (b.hook_embed as number[][]).flat()];
      ours.forEach((v, i) => expect(Math.abs(v - exact[i])).toBeLessThanOrEqual(Math.abs(exact[i]) * 2 ** -7));
      const logits = await model.runArrays('Hello world', ['logits']);
      expect((logits.logits as number[][])[1]).toHaveLength(50257);
      // streamed, each block's session is made when the pass reaches it: the same values
      const streamed = await loadModel(file, { residency: 'streamed' });
      try {
        const taps = ['blocks.2.hook_resid_post', 'logits'];
        const [r, s] = [await model.runArrays('Hello world', taps), await streamed.runArrays('Hello world', taps)];
        expect(s).toEqual(r);
      } finally {
        streamed.dispose();
      }
    } finally {
      model.dispose();
      reference.dispose();
    }
  });
});

describe('checkpoint checks against the config', () => {
  const config = GPT2_SIZES.tiny;
  const configFile = TINY_CONFIG;
  function checkpoint(name: string, change: (w: { name: string; shape: number[]; dtype?: string }[]) => void): string {
    const weights: { name: string; shape: number[]; dtype?: string }[] = expectedWeights(config).map((w) => ({ ...w }));
    change(weights);
    const file = path.join(TMP, `${name}.safetensors`);
    writeSafetensors(file, weights.map((w) => ({ ...w, data: () => (w.dtype === 'I32' ? new Uint8Array(4 * w.shape.reduce((a, b) => a * b, 1)) : new Float32Array(w.shape.reduce((a, b) => a * b, 1))) })));
    fs.copyFileSync(configFile, path.join(TMP, `${name}.config.json`));
    return file;
  }

  it('a missing tensor is named', async () => {
    const file = checkpoint('missing', (w) => w.splice(w.findIndex((x) => x.name === 'h.2.mlp.c_proj.bias'), 1));
    await expect(loadModel(file)).rejects.toThrow(/does not match its config .*"h.2.mlp.c_proj.bias" is missing/);
  });

  it('a wrong shape is named with both shapes', async () => {
    const file = checkpoint('shape', (w) => { w.find((x) => x.name === 'h.1.attn.c_attn.weight')!.shape = [192, 64]; });
    await expect(loadModel(file)).rejects.toThrow(/"h.1.attn.c_attn.weight" has shape \[192,64\], the config implies \[64,192\]/);
  });

  it('a non-float weight is named', async () => {
    const file = checkpoint('dtype', (w) => { w.find((x) => x.name === 'ln_f.bias')!.dtype = 'I32'; });
    await expect(loadModel(file)).rejects.toThrow(/"ln_f.bias" has dtype I32/);
  });

  it('a checkpoint without a config says where to put one', async () => {
    const file = path.join(TMP, 'lonely.safetensors');
    fs.copyFileSync(tinyCheckpoint(), file);
    await expect(loadModel(file)).rejects.toThrow(/no config for .*lonely.safetensors: a checkpoint is config.json and model.safetensors; expected .*lonely.config.json or .*config.json/);
  });
});
