/**
 * Synthetic GPT-2 weights: every tensor is a pure function of its hub name, as
 * test/fixtures/README.md defines them, so a model of any size can be rebuilt without a file
 * and `synthetic:tiny` equals tiny-gpt2.safetensors bit for bit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GPT2Config, configToHF } from './config';
import { writeSafetensors } from './safetensors-writer';
import { expectedWeights } from './layout';
import { WeightSource } from './source';

/** FNV-1a, 32-bit, of the UTF-8 bytes of `text`. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Fills `out` with `offset + scale·u` for the uniform stream u in [-1, 1): mulberry32 from `seed`,
 * element k = 1, 2, ... Each u is exact in float32 (24 significant bits) and so is `scale`, so the
 * float64 arithmetic here is exact and storing into the Float32Array rounds once, exactly as the
 * fixture's float32 rule does.
 */
export function fillUniform(seed: number, out: Float32Array, scale = 1, offset = 0): Float32Array {
  let s = seed >>> 0;
  for (let k = 0; k < out.length; k++) {
    s = (s + 0x6d2b79f5) >>> 0; // (seed + k·0x6D2B79F5) mod 2^32, counting k from 1
    let z = Math.imul(s ^ (s >>> 15), s | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    z = (z ^ (z >>> 14)) >>> 0;
    out[k] = offset + scale * ((z >>> 8) * 1.1920928955078125e-7 - 1); // (z >>> 8) / 2^24 · 2 − 1, exactly
  }
  return out;
}

/** The synthetic value of hub tensor `name` with `shape` (Conv1D weights are [in, out]). */
export function syntheticTensor(name: string, shape: number[], out: Float32Array = new Float32Array(shape.reduce((a, b) => a * b, 1))): Float32Array {
  const seed = fnv1a32(name);
  // the fixture's scales, each constant rounded to float32 first
  if (/(^|\.)ln_(1|2|f)\.weight$/.test(name)) return fillUniform(seed, out, 0.25, 1); // LayerNorm gains
  if (name.endsWith('.bias')) return fillUniform(seed, out, Math.fround(0.1));
  if (name === 'wte.weight' || name === 'wpe.weight') return fillUniform(seed, out);
  return fillUniform(seed, out, Math.fround(Math.sqrt(3 / shape[0])));
}

/** A WeightSource that computes each tensor from its name when it is read. */
export class SyntheticWeights implements WeightSource {
  readonly description: string;
  private readonly shapes: Map<string, number[]>;

  constructor(config: GPT2Config, sizeName = 'custom') {
    this.description = `synthetic:${sizeName}`;
    this.shapes = new Map(expectedWeights(config).map((w) => [w.name, w.shape]));
  }

  has(name: string): boolean {
    return this.shapes.has(name);
  }

  shape(name: string): number[] {
    const shape = this.shapes.get(name);
    if (!shape) throw new Error(`${this.description} has no tensor named "${name}"`);
    return [...shape];
  }

  read(name: string): Float32Array {
    return syntheticTensor(name, this.shape(name));
  }

  readInto(name: string, out: Float32Array): void {
    const shape = this.shape(name);
    if (out.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`tensor "${name}" does not fit a destination of ${out.length} values`);
    syntheticTensor(name, shape, out);
  }

  close(): void {}
}

/**
 * Writes a model's synthetic weights as a hub checkpoint into `dir`: `model.safetensors` in the
 * hub's exact layout (names sorted, each block's causal-mask buffer `h.{i}.attn.bias`, metadata
 * `format: pt`) and its `config.json`. `synthetic:tiny` written this way is, byte for byte,
 * HuggingFace's tiny-gpt2.safetensors. Returns the safetensors file's path.
 */
export function writeSyntheticCheckpoint(config: GPT2Config, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const P = config.nPositions;
  const causalMask = () => {
    const m = new Float32Array(P * P);
    for (let q = 0; q < P; q++) m.fill(1, q * P, q * P + q + 1);
    return m;
  };
  const tensors = [
    ...expectedWeights(config).map((w) => ({ name: w.name, shape: w.shape, data: () => syntheticTensor(w.name, w.shape) })),
    ...Array.from({ length: config.nLayer }, (_, i) => ({ name: `h.${i}.attn.bias`, shape: [1, 1, P, P], data: causalMask })),
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  const file = path.join(dir, 'model.safetensors');
  writeSafetensors(file, tensors, { format: 'pt' });
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(configToHF(config), null, 1) + '\n');
  return file;
}
