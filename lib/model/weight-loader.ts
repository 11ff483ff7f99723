/**
 * Weights from a WeightSource into the backend. Conv1D weights (`[in, out]`) can be asked for
 * transposed (`[out, in]`, see layers.ts' TRANSPOSED for why); the transpose is done here in
 * JavaScript, cache-blocked, because the wasm backend's own transpose is 5-10x slower.
 */
import * as tf from '@tensorflow/tfjs';
import { WeightSource } from '../weights/source';

export interface LoadOptions {
  /** `[rows, cols]` becomes `[cols, rows]` (2D tensors only). */
  transpose?: boolean;
}

export interface WeightLoader {
  /** Hub tensor `name` as a new tensor. */
  (name: string, options?: LoadOptions): tf.Tensor;
  /** Hub tensor `name` (after any transpose) cut into `parts` equal blocks of rows (of elements, for a vector). */
  parts(name: string, parts: number, options?: LoadOptions): tf.Tensor[];
}

/**
 * A loader reading each tensor from `source` when asked, or taking it from `preread` when it is
 * there (keyed by name, or `name:T` when already transposed; see block-reader.ts).
 */
export function weightLoader(source: WeightSource, preread?: Map<string, Float32Array>): WeightLoader {
  const values = (name: string, options: LoadOptions = {}): [Float32Array, number[]] => {
    const shape = source.shape(name);
    if (!options.transpose) return [preread?.get(name) ?? source.read(name), shape];
    const [rows, cols] = shape;
    const done = preread?.get(`${name}:T`);
    return [done ?? transposeMatrix(preread?.get(name) ?? source.read(name), rows, cols), [cols, rows]];
  };
  const load = (name: string, options?: LoadOptions) => {
    const [v, shape] = values(name, options);
    return tf.tensor(v, shape, 'float32');
  };
  load.parts = (name: string, parts: number, options?: LoadOptions) => {
    const [v, [rows, ...rest]] = values(name, options);
    if (rows % parts !== 0) throw new Error(`cannot cut ${name} (${rows} rows) into ${parts} equal parts`);
    const shape = [rows / parts, ...rest];
    const size = v.length / parts;
    return Array.from({ length: parts }, (_, i) => tf.tensor(v.subarray(i * size, (i + 1) * size), shape, 'float32'));
  };
  return load;
}

/** `[rows, cols]` row-major to `[cols, rows]` row-major. */
export function transposeMatrix(src: Float32Array, rows: number, cols: number): Float32Array {
  if (src.length !== rows * cols) throw new Error(`cannot transpose ${src.length} values as a ${rows}×${cols} matrix`);
  const out = new Float32Array(src.length);
  const B = 64; // 64×64 tiles: a tile's source rows stay in cache while each of its columns is gathered
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(r0 + B, rows);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(c0 + B, cols);
      for (let c = c0; c < c1; c++) {
        let o = c * rows + r0;
        for (let s = r0 * cols + c, r = r0; r < r1; r++, s += cols) out[o++] = src[s];
      }
    }
  }
  return out;
}
