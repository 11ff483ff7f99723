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
 * there (keyed by name, or `name:T` when already transposed; see block-reader.ts). Values are
 * written straight into the backend's memory when it allows (see newTensor).
 */
export function weightLoader(source: WeightSource, preread?: Map<string, Float32Array>): WeightLoader {
  let scratch: Float32Array = new Float32Array(0); // reused for values that are transposed or cut before they are stored
  const readTo = (name: string, out: Float32Array) => {
    const ready = preread?.get(name);
    if (ready) out.set(ready);
    else if (source.readInto) source.readInto(name, out);
    else out.set(source.read(name));
  };
  const scratchOf = (size: number) => {
    if (scratch.length < size) scratch = new Float32Array(size);
    return scratch.subarray(0, size);
  };
  /** writes tensor `name`'s values (transposed when asked) into `out` */
  const fill = (name: string, options: LoadOptions, out: Float32Array) => {
    if (!options.transpose) return readTo(name, out);
    const ready = preread?.get(`${name}:T`);
    if (ready) return out.set(ready);
    const [rows, cols] = source.shape(name);
    const values = scratchOf(rows * cols);
    readTo(name, values);
    transposeMatrix(values, rows, cols, out);
  };
  const shapeOf = (name: string, options: LoadOptions) => {
    const shape = source.shape(name);
    return options.transpose ? [shape[1], shape[0]] : shape;
  };
  const load = (name: string, options: LoadOptions = {}) => newTensor(shapeOf(name, options), (out) => fill(name, options, out));
  load.parts = (name: string, parts: number, options: LoadOptions = {}) => {
    const [rows, ...rest] = shapeOf(name, options);
    if (rows % parts !== 0) throw new Error(`cannot cut ${name} (${rows} rows) into ${parts} equal parts`);
    const all = new Float32Array(rows * rest.reduce((a, b) => a * b, 1));
    fill(name, options, all);
    const size = all.length / parts;
    return Array.from({ length: parts }, (_, i) => newTensor([rows / parts, ...rest], (out) => out.set(all.subarray(i * size, (i + 1) * size))));
  };
  return load;
}

/**
 * A new float32 tensor whose values `fill` writes. On wasm it writes straight into the tensor's
 * memory in the wasm heap, saving a copy of every weight at load (and its transient memory); the
 * heap view is used at once, before anything else can allocate and move the heap.
 */
function newTensor(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  const backend = tf.backend() as unknown as { typedArrayFromHeap?: (t: { dataId: object; shape: number[]; dtype: 'float32' }) => Float32Array };
  if (tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function') {
    const dataId = tf.backend().write(null as unknown as Float32Array, shape, 'float32'); // allocates, copies nothing
    try {
      fill(backend.typedArrayFromHeap({ dataId, shape, dtype: 'float32' }));
    } catch (e) {
      tf.backend().disposeData(dataId, true);
      throw e;
    }
    return tf.engine().makeTensorFromDataId(dataId, shape, 'float32');
  }
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(values);
  return tf.tensor(values, shape, 'float32');
}

/** `[rows, cols]` row-major to `[cols, rows]` row-major, into `out` when given. */
export function transposeMatrix(src: Float32Array, rows: number, cols: number, out: Float32Array = new Float32Array(src.length)): Float32Array {
  if (src.length !== rows * cols || out.length !== src.length) throw new Error(`cannot transpose ${src.length} values as a ${rows}×${cols} matrix`);
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
