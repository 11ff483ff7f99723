/**
 * What the model asks of an engine: run a plan (a trace, its taps and hooks) on a batch of token
 * sequences and hand back each sequence's tapped activations. Two engines exist: ONNX Runtime
 * (onnx-engine.ts, the default) and TensorFlow.js (tfjs-engine.ts); both run the same trace, so
 * every tap name, result and error is the same on either.
 */
import { GPT2Config } from '../weights/config';
import { WeightSource } from '../weights/source';
import { Activation, RunPlan } from './graph';

export type EngineName = 'onnx' | 'tfjs';

export interface Engine {
  readonly name: EngineName;
  /** A short description for messages and benchmarks, e.g. `onnx (2 threads)` or `tfjs (wasm)`. */
  readonly description: string;
  /** Makes ready what `plan` will use (sessions, layers), so that its first run is a warm one. */
  prepare(plan: RunPlan): Promise<void>;
  /** Each sequence's tapped activations (hooks run only with a batch of one sequence). */
  run(plan: RunPlan, batch: number[][], options?: EngineRunOptions): Promise<Map<string, Activation>[]>;
  dispose(): void;
}

export interface EngineRunOptions {
  /** Hears of each part of the pass done. */
  onPass?: (done: number, total: number) => void;
  /**
   * Takes each tap of each sequence as soon as it is computed (the sequence's place in the batch,
   * the tap's name, its activation), instead of the run returning it: memory then holds one part's
   * taps at a time, not the whole pass's.
   */
  onTap?: TapConsumer;
}

export type TapConsumer = (sequence: number, tap: string, activation: Activation) => void;

export interface EngineOptions {
  config: GPT2Config;
  source: WeightSource;
  /** Threads for the engine's matrix products; default: every core. */
  threads?: number;
  /** 'streamed': each block's weights are read when the pass reaches it, then dropped. */
  residency: 'resident' | 'streamed';
  /** TensorFlow.js only: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'; default the best installed. */
  backend?: string;
}

/** Sequences padded to the longest: ids and positions [B·T] row-major (padding: id 0, position 0), and each length. */
export function padBatch(batch: number[][]): { T: number; ids: number[]; positions: number[]; lengths: number[] } {
  const T = Math.max(...batch.map((s) => s.length));
  const ids: number[] = [];
  const positions: number[] = [];
  for (const s of batch) {
    for (let t = 0; t < T; t++) {
      ids.push(t < s.length ? s[t] : 0);
      positions.push(t < s.length ? t : 0);
    }
  }
  return { T, ids, positions, lengths: batch.map((s) => s.length) };
}

/**
 * Sequence b's part of a batched value: `dims` are its per-sequence dims for the batch's length T
 * (`isT` marks the token axes), cut to the sequence's own length.
 */
export function unpad(data: Float32Array, b: number, dims: number[], isT: boolean[], length: number): Float32Array {
  const size = dims.reduce((a, c) => a * c, 1);
  const own = dims.map((d, i) => (isT[i] ? length : d));
  if (own.every((d, i) => d === dims[i])) return data.subarray(b * size, (b + 1) * size);
  const out = new Float32Array(own.reduce((a, c) => a * c, 1));
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, c) => a * c, 1));
  let o = 0;
  const copy = (axis: number, offset: number): void => {
    if (axis === dims.length - 1) {
      out.set(data.subarray(offset, offset + own[axis]), o);
      o += own[axis];
      return;
    }
    for (let i = 0; i < own[axis]; i++) copy(axis + 1, offset + i * strides[axis]);
  };
  copy(0, b * size);
  return out;
}
