/**
 * The TensorFlow.js engine: GPT-2's parts as custom layers (`Embedding`, `TransformerBlock`,
 * `LayerNorm`, `Unembedding`), each running its stage of the trace, joined for each choice of taps
 * into a `tf.LayersModel` whose outputs are those taps (`layersModel(taps)`; its `summary()` lists
 * the layers with their parameters). Hooks run inside the layers. Batches run one text at a time
 * (the matrix products already fill the one core wasm uses).
 *
 * The wasm backend's fast paths decide how weights are stored and products are made (its tricks
 * are kept here): only 2D matMuls without transposeB (batched matMuls and transposeB are 10x
 * slower there), with the weight as the left operand (a right operand is repacked and kept,
 * doubling its memory), so Conv1D weights are stored transposed, [out, in], and activations are
 * transposed, [features, T], between them; c_attn cut into one weight per head and part, so each
 * head's q, k, v come straight from a matMul (slicing activations is slow there); layer norm by
 * hand (tfjs' own spends its time in Tile); GELU as x·sigmoid(2u) (tanh is slow there).
 */
import * as tf from '@tensorflow/tfjs';
import { WeightSource, nonFiniteError } from '../weights/source';
import { headColumns, parameterCount } from '../weights/layout';
import { GPT2Config } from '../weights/config';
import { Engine, EngineOptions, EngineRunOptions } from './engine';
import { Activation, HookFunction, Node, OpName, Piece, RunPlan, Trace, Value, applyHooks, axisSizes, isPositionAxis, shapeOf, splitPlan } from './graph';
import { traceGPT2 } from './gpt2';
import { BackendName, useBackend } from './tfjs-backend';

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

/** How a hub tensor is stored, chosen by the operation that reads it. */
type Form = 'plain' | 'transposed' | 'column' | 'heads' | 'headColumns';

/** The heads of a [T, H, d], [H, T, T] or [T, H, C] value, one tensor each (see `HEADS`). */
class Heads {
  constructor(readonly parts: tf.Tensor2D[]) {}
}
type TValue = tf.Tensor | Heads;

/** Per kind of headed value: the axis of H in its trace shape, and whether each head is kept transposed. */
const HEADS: Partial<Record<OpName, { axis: number; transposed: boolean }>> = {
  attnProject: { axis: 1, transposed: true }, // [T, H, d]; each head [d, T]
  attnScores: { axis: 0, transposed: false }, // [H, T, T]; each [T, T]
  softmax: { axis: 0, transposed: false },
  attnMix: { axis: 1, transposed: false }, // [T, H, d]; each [T, d]
  headResults: { axis: 1, transposed: false }, // [T, H, C]; each [T, C]
};

/** What one run of the model needs while its layers execute. */
interface RunState {
  T: number;
  hooks: RunPlan['hooks'];
  mask?: tf.Tensor2D;
  /** Each stage's outputs once computed: tfjs' executor calls a layer once per output it needs. */
  outputs: Map<string, tf.Tensor[]>;
}

export class TfjsEngine implements Engine {
  readonly name = 'tfjs';
  readonly description: string;
  private readonly layers = new Map<string, StageLayer>();
  private readonly weights = new Map<string, LayerVariable[]>(); // hub name -> its stored form
  private readonly models = new Map<string, { model: tf.LayersModel; pieces: Piece[] }>();
  private readonly trace: Trace;
  private run_: RunState | null = null;
  private readonly scale: tf.Scalar;
  private readonly epsilon: tf.Scalar;
  private readonly gelu: { linear: tf.Scalar; cubic: tf.Scalar };

  static async create(options: EngineOptions): Promise<TfjsEngine> {
    const backend = await useBackend(options.backend as BackendName | undefined);
    const bytes = 4 * parameterCount(options.config);
    if (backend === 'wasm' && bytes > WASM_LIMIT) {
      throw new Error(
        `this model's weights take ${(bytes / 1e9).toFixed(1)} GB, more than TensorFlow.js' WebAssembly heap holds: ` +
          `use the onnx engine (the default), or install @tensorflow/tfjs-node`,
      );
    }
    if (options.residency === 'streamed') {
      throw new Error("the tfjs engine keeps every weight in memory: use residency 'resident', or the onnx engine to stream blocks");
    }
    return new TfjsEngine(options.config, options.source, backend);
  }

  private constructor(readonly config: GPT2Config, source: WeightSource, readonly backend: BackendName) {
    this.description = `tfjs (${backend})`;
    this.trace = traceGPT2(config);
    const d = config.nEmbd / config.nHead;
    const twoRoot = 2 * Math.sqrt(2 / Math.PI); // gelu_new(h) = h·sigmoid(2u), 2u = h·(twoRoot + twoRoot·0.044715·h²)
    [this.scale, this.epsilon, this.gelu] = tf.tidy(() => [
      tf.keep(tf.scalar(1 / Math.sqrt(d))),
      tf.keep(tf.scalar(config.layerNormEpsilon)),
      { linear: tf.keep(tf.scalar(twoRoot)), cubic: tf.keep(tf.scalar(twoRoot * 0.044715)) },
    ]);
    const formOf = formsOf(this.trace);
    for (const stage of new Set(this.trace.nodes.map((n) => n.stage))) {
      const owned = [...new Set(this.trace.nodes.filter((n) => n.stage === stage).flatMap((n) => n.weights))].filter((w) => !this.weights.has(w.name));
      const layer = new (LAYER_CLASSES[stage.replace(/\.\d+$/, '')] ?? TransformerBlock)(stage, this);
      for (const w of owned) {
        const values = source.read(w.name);
        if (!values.every(Number.isFinite)) throw nonFiniteError(source, w.name);
        const forms = stored(values, w.shape, formOf.get(w.name)!, config);
        this.weights.set(w.name, forms.map(({ suffix, shape, data }) => layer.hold(w.name + suffix, shape, data)));
      }
      this.layers.set(stage, layer);
    }
  }

  async prepare(plan: RunPlan): Promise<void> {
    this.layersModelFor(plan);
  }

  async run(plan: RunPlan, batch: number[][], options: EngineRunOptions = {}): Promise<Map<string, Activation>[]> {
    const { model, pieces } = this.layersModelFor(plan);
    const byStage = new Map(pieces.map((p) => [p.stage, p]));
    return batch.map((ids, b) => {
      this.run_ = { T: ids.length, hooks: plan.hooks, outputs: new Map() };
      try {
        const outputs = tf.tidy(() => {
          const inputs = [tf.tensor1d(ids, 'int32'), tf.tensor1d(ids.map((_, t) => t), 'int32')];
          return model.apply(inputs, { pieces: byStage }) as tf.Tensor | tf.Tensor[]; // tfjs hands these arguments to every layer
        });
        const list = Array.isArray(outputs) ? outputs : [outputs];
        const taps = new Map<string, Activation>();
        [...plan.taps.keys()].forEach((name, i) => taps.set(name, { data: list[i].dataSync() as Float32Array, shape: list[i].shape, axes: plan.taps.get(name)!.axes }));
        list.forEach((t) => t.dispose());
        options.onPass?.(1, 1); // the layers run in one synchronous call
        if (!options.onTap) return taps;
        taps.forEach((activation, name) => options.onTap!(b, name, activation));
        return new Map<string, Activation>();
      } finally {
        this.run_.mask?.dispose();
        this.run_ = null;
      }
    });
  }

  /** The tf.LayersModel that computes `taps` (token ids and positions in; `summary()` lists GPT-2's layers). */
  layersModel(plan: RunPlan): tf.LayersModel {
    return this.layersModelFor(plan).model;
  }

  dispose(): void {
    this.layers.forEach((l) => l.release());
    this.layers.clear();
    this.weights.clear();
    [this.scale, this.epsilon, this.gelu.linear, this.gelu.cubic].forEach((t) => t.dispose());
  }

  private layersModelFor(plan: RunPlan): { model: tf.LayersModel; pieces: Piece[] } {
    const key = [...plan.taps.keys(), '|', ...plan.hooks.keys(), '|', plan.trace.nodes.length].join(',');
    let built = this.models.get(key);
    if (!built) {
      const ids = tf.input({ batchShape: [null], dtype: 'int32', name: 'ids' });
      const positions = tf.input({ batchShape: [null], dtype: 'int32', name: 'positions' });
      const symbolic = new Map<number, tf.SymbolicTensor>([
        [plan.trace.inputs.ids.id, ids],
        [plan.trace.inputs.positions.id, positions],
      ]);
      const pieces = splitPlan(plan, { part: (stage) => stage, cutAfterHooks: false });
      for (const piece of pieces) {
        const outputs = this.layers.get(piece.stage)!.applyPiece(piece.inputs.map((v) => symbolic.get(v.id)!), piece);
        piece.outputs.forEach((v, i) => symbolic.set(v.id, outputs[i]));
      }
      // the taps, then any hooked value not tapped (so that its hooks run)
      const outputs = [...plan.taps.values(), ...[...plan.hooks.values()].map((h) => h.value).filter((v) => !plan.taps.has(v.hook!))];
      const model = tf.model({ inputs: [ids, positions], outputs: outputs.map((v) => symbolic.get(v.id)!) });
      this.models.set(key, (built = { model, pieces }));
    }
    return built;
  }

  /** Runs a piece's nodes on its input tensors; its outputs as tensors of their trace shapes (the rest is freed). */
  runPiece(piece: Piece, inputs: tf.Tensor[]): tf.Tensor[] {
    const done = this.run_!.outputs;
    if (!done.has(piece.stage)) done.set(piece.stage, tf.tidy(() => this.runPieceKeepingAll(piece, inputs)));
    return done.get(piece.stage)!;
  }

  private runPieceKeepingAll(piece: Piece, inputs: tf.Tensor[]): tf.Tensor[] {
    const state = this.run_!;
    const values = new Map<number, TValue>(piece.inputs.map((v, i) => [v.id, inputs[i]]));
    const transposed = new Map<number, tf.Tensor2D>(); // value id -> its transpose, made once
    const transposeOf = (v: Value) => {
      let t = transposed.get(v.id);
      if (!t) transposed.set(v.id, (t = tf.transpose(values.get(v.id) as tf.Tensor2D)));
      return t;
    };
    for (const node of piece.nodes) {
      let value = this.op(node, node.inputs.map((v) => values.get(v.id)!), state, transposeOf);
      const hooks = node.output.hook === undefined ? undefined : state.hooks.get(node.output.hook);
      if (hooks) value = this.applyHooks(node.output, hooks.fns, value, state.T);
      values.set(node.output.id, value);
    }
    return piece.outputs.map((v) => asTensor(values.get(v.id)!, v));
  }

  private applyHooks(v: Value, fns: HookFunction[], value: TValue, T: number): TValue {
    const tensor = asTensor(value, v);
    const changed = applyHooks(v.hook!, fns, { data: Float32Array.from(tensor.dataSync() as Float32Array), shape: shapeOf(v, this.config, T), axes: v.axes });
    const replaced = tf.tensor(changed.data, tensor.shape);
    if (!(value instanceof Heads)) return replaced;
    const { axis, transposed } = HEADS[headedOp(v)]!;
    return new Heads(tf.unstack(replaced, axis).map((p) => (transposed ? tf.transpose(p) : p) as tf.Tensor2D));
  }

  private w(spec: { name: string }): tf.Tensor[] {
    return this.weights.get(spec.name)!.map((v) => v.read());
  }

  private op(node: Node, inputs: TValue[], state: RunState, transposeOf: (v: Value) => tf.Tensor2D): TValue {
    const [a, b] = inputs;
    const x = a as tf.Tensor2D;
    const H = this.config.nHead;
    /** y = x·W + b with W stored transposed: (Wᵀ·xᵀ + b)ᵀ */
    const linear = (xT: tf.Tensor2D, [WT]: tf.Tensor[], [bias]: tf.Tensor[]) => tf.transpose(tf.add(tf.matMul(WT as tf.Tensor2D, xT), bias));
    switch (node.op) {
      case 'hook':
        return a;
      case 'embed':
      case 'posEmbed':
        return tf.gather(this.w(node.weights[0])[0], a as tf.Tensor1D);
      case 'add':
        return tf.add(x, b as tf.Tensor);
      case 'lnScale': {
        const centred = tf.sub(x, tf.mean(x, -1, true));
        return tf.sqrt(tf.add(tf.mean(tf.square(centred), -1, true), this.epsilon)); // [T, 1]; biased variance, as torch's
      }
      case 'lnNormalized': {
        const centred = tf.sub(x, tf.mean(x, -1, true));
        return tf.add(tf.mul(tf.div(centred, b as tf.Tensor), this.w(node.weights[0])[0]), this.w(node.weights[1])[0]);
      }
      case 'attnProject': {
        const xT = transposeOf(node.inputs[0]); // [C, T]
        const W = this.w(node.weights[0]);
        const bias = this.w(node.weights[1]);
        const parts = Array.from({ length: H }, (_, h) => tf.add(tf.matMul(W[node.part! * H + h] as tf.Tensor2D, xT), bias[node.part! * H + h]) as tf.Tensor2D);
        return new Heads(parts); // each [d, T]
      }
      case 'attnScores': {
        state.mask ??= tf.keep(causalMask(state.T));
        const [q, k] = [a as Heads, b as Heads];
        return new Heads(q.parts.map((qT, h) => tf.add(tf.mul(tf.matMul(tf.transpose(qT), k.parts[h]), this.scale), state.mask!) as tf.Tensor2D));
      }
      case 'softmax':
        return new Heads((a as Heads).parts.map((s) => tf.softmax(s) as tf.Tensor2D));
      case 'attnMix':
        return new Heads((a as Heads).parts.map((p, h) => tf.matMul(p, tf.transpose((b as Heads).parts[h])) as tf.Tensor2D)); // each [T, d]
      case 'attnOut':
        return linear(tf.transpose(tf.concat((a as Heads).parts, 1)), this.w(node.weights[0]), this.w(node.weights[1]));
      case 'headResults': {
        const [WT] = this.w(node.weights[0]); // [C, C]: head h's rows of W are columns h·d … (h+1)·d of Wᵀ
        const d = this.config.nEmbd / H;
        return new Heads((a as Heads).parts.map((z, h) => tf.transpose(tf.matMul(tf.slice(WT, [0, h * d], [-1, d]) as tf.Tensor2D, tf.transpose(z))) as tf.Tensor2D));
      }
      case 'sumHeads':
        return tf.add(tf.addN((a as Heads).parts), tf.reshape(this.w(node.weights[0])[0], [-1]));
      case 'linear':
        return linear(transposeOf(node.inputs[0]), this.w(node.weights[0]), this.w(node.weights[1]));
      case 'gelu':
        return tf.mul(x, tf.sigmoid(tf.mul(x, tf.add(tf.mul(tf.square(x), this.gelu.cubic), this.gelu.linear))));
      case 'unembed':
        return tf.transpose(tf.matMul(this.w(node.weights[0])[0] as tf.Tensor2D, tf.transpose(x))); // (wte·xᵀ)ᵀ: wte used in place
      case 'headShares': {
        const attnOut = b as tf.Tensor2D; // [T, C]
        const [WT] = this.w(node.weights[0]); // W_O stored transposed: head h's rows of W are its columns here
        const d = this.config.nEmbd / H;
        const aT = tf.transpose(attnOut);
        // r·a = z_h·(a·W_hᵀ), head by head: (W_h·aᵀ)ᵀ is [T, d]
        const heads = (a as Heads).parts.map((z, h) => tf.sum(tf.mul(z, tf.transpose(tf.matMul(tf.transpose(tf.slice(WT, [0, h * d], [-1, d])) as tf.Tensor2D, aT))), 1));
        const bias = tf.sum(tf.mul(attnOut, tf.reshape(this.w(node.weights[1])[0], [-1])), 1);
        return tf.div(tf.stack([...heads, bias], 1), tf.sum(tf.square(attnOut), 1, true)); // [T, H + 1]
      }
    }
  }
}

/** Above this many bytes of float32 weights the wasm backend cannot hold a model (its heap is 4 GB, activations included). */
const WASM_LIMIT = 2e9;

/** A stage of the model as a layer: runs its stage's piece of the plan the model was called with. */
class StageLayer extends tf.layers.Layer {
  static className = 'GPT2Stage';
  private pending: Piece | null = null;

  constructor(stage: string, private readonly engine: TfjsEngine) {
    super({ name: stage, trainable: false });
    this.built = true;
  }

  /** Applies the layer symbolically for `piece`: one output per value the piece hands on. */
  applyPiece(inputs: tf.SymbolicTensor[], piece: Piece): tf.SymbolicTensor[] {
    this.pending = piece;
    try {
      const out = this.apply(inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
      return Array.isArray(out) ? out : [out];
    } finally {
      this.pending = null;
    }
  }

  /** Frees this layer's weights (tfjs' own `dispose` counts the models the layer is part of). */
  release(): void {
    this.disposeWeights();
  }

  /** Adds a weight to this layer, holding `values`. */
  hold(name: string, shape: number[], values: Float32Array): LayerVariable {
    const variable = this.addWeight(name, shape, 'float32', tf.initializers.zeros(), undefined, false);
    const value = tf.tensor(values, shape);
    variable.write(value); // the variable takes over the tensor's memory
    value.dispose();
    return variable;
  }

  computeOutputShape(): tf.Shape[] {
    const sizes = axisSizes(this.engine.config, 0);
    return this.pending!.outputs.map((v) => v.axes.map((a) => (isPositionAxis(a) ? null : sizes[a])));
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { pieces?: Map<string, Piece> }): tf.Tensor[] {
    return this.engine.runPiece(kwargs.pieces!.get(this.name)!, Array.isArray(inputs) ? inputs : [inputs]);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}

class Embedding extends StageLayer {
  static className = 'Embedding';
}
class TransformerBlock extends StageLayer {
  static className = 'TransformerBlock';
}
class LayerNorm extends StageLayer {
  static className = 'LayerNorm';
}
/** Tied to wte, which Embedding holds: no weights of its own. */
class Unembedding extends StageLayer {
  static className = 'Unembedding';
}
const LAYER_CLASSES: Record<string, typeof StageLayer> = { embed: Embedding, blocks: TransformerBlock, ln_final: LayerNorm, unembed: Unembedding };
[Embedding, TransformerBlock, LayerNorm, Unembedding].forEach((c) => tf.serialization.registerClass(c));

/** The form each weight is stored in, from the operations that read it. */
function formsOf(trace: Trace): Map<string, Form> {
  const forms = new Map<string, Form>();
  for (const n of trace.nodes) {
    const [w, b] = n.weights;
    if (n.op === 'linear' || n.op === 'attnOut') forms.set(w.name, 'transposed').set(b.name, 'column');
    else if (n.op === 'headResults') forms.set(w.name, 'transposed');
    else if (n.op === 'sumHeads') forms.set(w.name, 'column');
    else if (n.op === 'headShares') forms.set(w.name, 'transposed').set(b.name, 'column');
    else if (n.op === 'attnProject') forms.set(w.name, 'heads').set(b.name, 'headColumns');
    else for (const x of n.weights) if (!forms.has(x.name)) forms.set(x.name, 'plain');
  }
  return forms;
}

/** A hub tensor's values in `form`: one or more (suffix, shape, values). */
function stored(values: Float32Array, shape: number[], form: Form, config: GPT2Config): { suffix: string; shape: number[]; data: Float32Array }[] {
  switch (form) {
    case 'plain':
      return [{ suffix: '', shape, data: values }];
    case 'column':
      return [{ suffix: '', shape: [values.length, 1], data: values }];
    case 'transposed':
      return [{ suffix: '.T', shape: [shape[1], shape[0]], data: transposeMatrix(values, shape[0], shape[1]) }];
    case 'heads':
    case 'headColumns': {
      const rows = form === 'heads' ? shape[0] : 1; // c_attn.weight [C, 3C] or c_attn.bias [3C]
      const all = form === 'heads' ? transposeMatrix(values, rows, shape[1]) : values; // [3C, C]: row j is column j of W
      return ([0, 1, 2] as const).flatMap((part) =>
        Array.from({ length: config.nHead }, (_, h) => {
          const [begin, end] = headColumns(config, part, h);
          const data = all.slice(begin * rows, end * rows);
          return { suffix: `.${'qkv'[part]}${h}`, shape: [end - begin, rows], data };
        }),
      );
    }
  }
}

/** The op that made a headed value (a hook's value takes its input's form). */
function headedOp(v: Value): OpName {
  let node = v.node!;
  while (node.op === 'hook') node = node.inputs[0].node!;
  return node.op;
}

/** A value as a tensor of its trace shape. */
function asTensor(value: TValue, v: Value): tf.Tensor {
  if (!(value instanceof Heads)) return value;
  const { axis, transposed } = HEADS[headedOp(v)]!;
  return tf.stack(transposed ? value.parts.map((p) => tf.transpose(p)) : value.parts, axis);
}

/** [T, T]: 0 where a query may attend (key ≤ query), −∞ after it. */
function causalMask(T: number): tf.Tensor2D {
  return tf.tidy(() => {
    const later = tf.greater(tf.range(0, T).reshape([1, T]), tf.range(0, T).reshape([T, 1]));
    return tf.where(later, tf.fill([T, T], -Infinity), tf.zeros([T, T])) as tf.Tensor2D;
  });
}

/** `[rows, cols]` row-major to `[cols, rows]` row-major (in JavaScript: wasm's own transpose is 5-10x slower). */
export function transposeMatrix(src: Float32Array, rows: number, cols: number): Float32Array {
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
