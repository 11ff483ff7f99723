/**
 * Weights from a WeightSource into the backend. Conv1D weights (`[in, out]`) can be asked for
 * transposed (`[out, in]`, see layers.ts' transposedWeight for why); the transpose is done here in
 * JavaScript, cache-blocked, because the wasm backend's own transpose is 5-10x slower.
 */
import * as tf from '@tensorflow/tfjs';
import { WeightSource } from '../weights/source';

/** Loads hub tensor `name` (transposed when asked, 2D only) as a new tensor. */
export type WeightLoader = (name: string, options?: { transpose?: boolean }) => tf.Tensor;

/** A loader reading each tensor from `source` when asked, or from `preread` when it is there. */
export function weightLoader(source: WeightSource, preread?: Map<string, Float32Array>): WeightLoader {
  return (name, options = {}) => {
    const values = preread?.get(name) ?? source.read(name);
    const shape = source.shape(name);
    if (!options.transpose) return tf.tensor(values, shape, 'float32');
    const [rows, cols] = shape;
    return tf.tensor(transposeMatrix(values, rows, cols), [cols, rows], 'float32');
  };
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
