/**
 * The default engine: ONNX Runtime on the CPU (onnxruntime-node; its library ships in the npm
 * package). A run's trace becomes one ONNX session, or several: it is cut after every hook point
 * whose value a hook changes (the value comes out to JavaScript and the changed one goes back in),
 * and, streamed, at every block. A session hands out exactly what the run needs of it (an output
 * more costs ONNX Runtime dearly: a block handing out all its hook points ran 5x slower at 256
 * tokens), so a choice of taps makes sessions of its own; they are kept, the least recently used
 * dropped when their weights pass twice the model's. Sessions read their weights in place (external
 * data: the safetensors file, or a buffer of synthetic weights).
 *
 * Resident, the whole model is one session: its activations then share one memory arena (a session
 * per block gave each block an arena of its own, and at 1024 tokens ran 3x slower for the fresh
 * memory). Streamed, a block's session lives for one pass, so gpt2-xl holds its embeddings and one
 * block's weights at a time.
 */
import * as os from 'os';
import * as path from 'path';
import type * as Ort from 'onnxruntime-node';
import { expectedWeights, parameterCount, WeightSpec } from '../weights/layout';
import { firstNonFinite, nonFiniteError } from '../weights/source';
import { Engine, EngineOptions, EngineRunOptions, padBatch, unpad } from './engine';
import { Activation, Piece, RunPlan, Value, applyHooks, isPositionAxis, shapeOf, splitPlan, tapName } from './graph';
import { WeightPlacement, lowerPiece, valueName } from './onnx-graph';

/** The onnxruntime-node module, or why it cannot load on this machine. */
export function loadOnnxRuntime(): typeof Ort | Error {
  try {
    return require('onnxruntime-node') as typeof Ort;
  } catch (e) {
    return e as Error;
  }
}

interface Session {
  session: Ort.InferenceSession;
  weightBytes: number;
}

export class OnnxEngine implements Engine {
  readonly name = 'onnx';
  readonly description: string;
  /** Kept sessions by piece key, least recently used first. */
  private readonly sessions = new Map<string, Session>();
  private readonly threads: number;
  /** Kept sessions may hold the model's weights twice over (blocks made for other taps, pieces cut for hooks). */
  private readonly budget: number;
  private readonly blocksPerGroup: number;

  constructor(private readonly ort: typeof Ort, private readonly options: EngineOptions) {
    this.threads = options.threads ?? os.availableParallelism?.() ?? os.cpus().length;
    this.description = `onnx (${this.threads} thread${this.threads > 1 ? 's' : ''})`;
    this.budget = 2 * 4 * parameterCount(options.config);
    const blockBytes = 4 * expectedWeights(options.config).filter((w) => w.name.startsWith('h.0.')).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    this.blocksPerGroup = Math.max(1, Math.floor(STREAMED_GROUP_BYTES / blockBytes));
  }

  async prepare(plan: RunPlan): Promise<void> {
    for (const piece of this.pieces(plan)) if (!this.streamed(piece)) await this.session(piece);
  }

  async run(plan: RunPlan, batch: number[][], options: EngineRunOptions = {}): Promise<Map<string, Activation>[]> {
    const { ort } = this;
    const { T, ids, positions, lengths } = padBatch(batch);
    const B = batch.length;
    const values = new Map<number, Ort.Tensor>([
      [plan.trace.inputs.ids.id, new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [B, T])],
      [plan.trace.inputs.positions.id, new ort.Tensor('int64', BigInt64Array.from(positions, BigInt), [B, T])],
    ]);
    let mask: Ort.Tensor | undefined;
    const pieces = this.pieces(plan);
    const lastRead = new Map<number, number>();
    pieces.forEach((p, i) => p.inputs.forEach((v) => lastRead.set(v.id, i)));
    for (const [i, piece] of pieces.entries()) {
      const session = await this.session(piece);
      let out: Ort.InferenceSession.ReturnType;
      try {
        const feeds: Record<string, Ort.Tensor> = {};
        for (const name of session.inputNames) {
          if (name === 'mask') feeds.mask = mask ??= new ort.Tensor('float32', attentionMask(lengths, T), [B, 1, T, T]);
          else feeds[name] = values.get(piece.inputs.find((v) => (v.input ?? valueName(v)) === name)!.id)!;
        }
        out = await session.run(feeds, piece.outputs.map(valueName));
      } finally {
        if (this.streamed(piece)) void session.release();
      }
      this.checkFinite(piece, out);
      for (const v of piece.outputs) {
        const hooks = v.hook === undefined ? undefined : plan.hooks.get(v.hook);
        const shape = shapeOf(v, this.options.config, T);
        const t = out[valueName(v)];
        const changed = hooks && applyHooks(v.hook!, hooks.fns, { data: t.data as Float32Array, shape, axes: v.axes });
        values.set(v.id, changed ? new ort.Tensor('float32', changed.data, [1, ...shape]) : t);
      }
      const kept = (v: Value) => tapName(plan, v) !== undefined && !options.onTap;
      if (options.onTap) for (const v of piece.outputs) if (tapName(plan, v)) lengths.forEach((_, b) => options.onTap!(b, tapName(plan, v)!, this.tapOf(v, values, b, T, lengths)));
      for (const v of piece.inputs) if (lastRead.get(v.id) === i && !kept(v)) values.delete(v.id);
      for (const v of piece.outputs) if (!kept(v) && !(lastRead.get(v.id)! > i)) values.delete(v.id);
      options.onPass?.(i + 1, pieces.length);
    }
    if (options.onTap) return lengths.map(() => new Map());
    return lengths.map((_, b) => new Map([...plan.taps].map(([name, v]) => [name, this.tapOf(v, values, b, T, lengths)])));
  }

  /** Sequence b's activation at tapped value v, cut from the batch's padded one. */
  private tapOf(v: Value, values: Map<number, Ort.Tensor>, b: number, T: number, lengths: number[]): Activation {
    const { config } = this.options;
    const data = unpad(values.get(v.id)!.data as Float32Array, b, shapeOf(v, config, T), v.axes.map(isPositionAxis), lengths[b]);
    return { data, shape: shapeOf(v, config, lengths[b]), axes: v.axes };
  }

  /**
   * NaN or infinity coming out of a piece (attention scores are −∞ by design above the diagonal)
   * means a weight holds one: the weights are read in place by ONNX Runtime, so they are searched
   * only then, and the error names the tensor.
   */
  private checkFinite(piece: Piece, out: Ort.InferenceSession.ReturnType): void {
    const bad = piece.outputs.find((v) => {
      const data = out[valueName(v)].data as Float32Array;
      return v.axes.includes('key_pos') ? data.some(Number.isNaN) : !data.every(Number.isFinite);
    });
    if (!bad) return;
    const { source } = this.options;
    const weights = [...new Set(piece.nodes.flatMap((n) => n.weights.map((w) => w.name)))];
    const culprit = firstNonFinite(source, weights);
    if (culprit) throw nonFiniteError(source, culprit);
    throw new Error(`${valueName(bad)} became NaN or infinite although the weights of ${piece.stage} are finite: an earlier hook may have put in non-finite values`);
  }

  dispose(): void {
    for (const { session } of this.sessions.values()) void session.release();
    this.sessions.clear();
  }

  private pieces(plan: RunPlan): (Piece & { key: string })[] {
    return splitPlan(plan, { part: (stage) => this.partOf(stage), cutAfterHooks: true }).map((p) => ({ ...p, key: pieceKey(p) }));
  }

  /**
   * Which session a stage runs in: resident, one for the whole model; streamed, the blocks go in
   * groups of about 1 GB of weights (gpt2-xl: 8 blocks), each group's session made for one pass
   * (fewer, larger sessions: a session's first run pays for its fresh memory, and blocks in one
   * session share it).
   */
  private partOf(stage: string): string {
    if (this.options.residency === 'resident') return 'model';
    const block = /^blocks\.(\d+)$/.exec(stage);
    return block ? `blocks ${Math.floor(Number(block[1]) / this.blocksPerGroup)}` : stage;
  }

  private streamed(piece: Piece): boolean {
    return this.options.residency === 'streamed' && piece.stage.startsWith('blocks.');
  }

  /** A piece's session: the kept one, else a new one (kept unless the piece is streamed). */
  private async session(piece: Piece & { key: string }): Promise<Ort.InferenceSession> {
    const kept = this.sessions.get(piece.key);
    if (kept) {
      this.sessions.delete(piece.key); // and back in, as the most recently used
      this.sessions.set(piece.key, kept);
      return kept.session;
    }
    const made = await this.createSession(piece);
    if (!this.streamed(piece)) {
      this.sessions.set(piece.key, made);
      this.evict();
    }
    return made.session;
  }

  /** Drops the least recently used sessions while the kept weights exceed the budget. */
  private evict(): void {
    let total = [...this.sessions.values()].reduce((n, s) => n + s.weightBytes, 0);
    for (const [key, { session, weightBytes }] of this.sessions) {
      if (total <= this.budget || this.sessions.size === 1) break;
      void session.release();
      this.sessions.delete(key);
      total -= weightBytes;
    }
  }

  private async createSession(piece: Piece): Promise<Session> {
    const { source, config } = this.options;
    const inBuffer: { spec: WeightSpec; offset: number }[] = [];
    let folder: string | undefined;
    let bufferBytes = 0;
    let weightBytes = 0;
    const place = (spec: WeightSpec): WeightPlacement => {
      const where = source.locate?.(spec.name);
      const length = where ? where.end - where.begin : 4 * spec.shape.reduce((a, b) => a * b, 1);
      weightBytes += length;
      if (where) {
        folder ??= path.dirname(where.path);
        return { file: path.basename(where.path), offset: where.begin, length, dtype: where.dtype };
      }
      inBuffer.push({ spec, offset: bufferBytes });
      bufferBytes += length;
      return { file: BUFFER_NAME, offset: bufferBytes - length, length, dtype: 'F32' };
    };
    const model = lowerPiece(piece, config, place);
    const session: Record<string, string> = { 'intra_op.allow_spinning': '0' }; // spinning threads slow everything when another process holds a core
    if (folder) session.model_external_initializers_file_folder_path = folder;
    const options: Ort.InferenceSession.SessionOptions & { externalData?: { path: string; data: Uint8Array }[] } = {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      enableMemPattern: false, // its plan per input shape made the second run of every new text length as slow as the first
      extra: { session },
    };
    if (bufferBytes > 0) {
      // weights without a file (the synthetic ones) are computed into one buffer, the session's external data
      const data = Buffer.allocUnsafeSlow(bufferBytes);
      for (const { spec, offset } of inBuffer) {
        const out = new Float32Array(data.buffer, data.byteOffset + offset, spec.shape.reduce((a, b) => a * b, 1));
        if (source.readInto) source.readInto(spec.name, out);
        else out.set(source.read(spec.name));
      }
      options.externalData = [{ path: BUFFER_NAME, data }];
    }
    return { session: await this.ort.InferenceSession.create(model, options), weightBytes };
  }
}

const BUFFER_NAME = 'weights.bin';

/** Streamed, the weights one session holds at most (but at least one block's). */
const STREAMED_GROUP_BYTES = 1e9;

/** What makes two pieces the same ONNX graph: their operations, weights, wiring and outputs. */
function pieceKey(piece: Piece): string {
  const local = new Map(piece.nodes.map((n, i) => [n.output.id, i]));
  const ref = (v: Value) => local.get(v.id) ?? `in:${v.input ?? valueName(v)}`;
  const nodes = piece.nodes.map((n) => [n.op, n.part ?? '', n.weights.map((w) => w.name).join(','), n.inputs.map(ref).join(',')].join('|'));
  return [...nodes, 'out:' + piece.outputs.map(ref).join(',')].join(';');
}

/** [B, 1, T, T]: 0 where query q of sequence b may see key k (k ≤ q, and k a token of b), −∞ elsewhere. */
function attentionMask(lengths: number[], T: number): Float32Array {
  const mask = new Float32Array(lengths.length * T * T).fill(-Infinity);
  lengths.forEach((length, b) => {
    for (let q = 0; q < T; q++) mask.fill(0, (b * T + q) * T, (b * T + q) * T + Math.min(q, length - 1) + 1);
  });
  return mask;
}
