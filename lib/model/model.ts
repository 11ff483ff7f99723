/**
 * GPT-2 with every TransformerLens hook point: `loadModel('gpt2' | 'synthetic:gpt2' | <path>)`
 * gives a `GPT2Model` that runs a text (or token ids) and returns the activations at the hook
 * points asked for (`run`), lets functions change activations on the way (`runWithHooks`), and runs
 * many texts at once (`runBatch`). The engine is ONNX Runtime by default, or TensorFlow.js.
 */
import { END_OF_TEXT, tokenize } from '../text/tokenizer';
import { GPT2Config } from '../weights/config';
import { expectedWeights, parameterCount } from '../weights/layout';
import { resolveWeights } from '../weights/resolve';
import { WeightSource } from '../weights/source';
import { ProgressCallback } from '../io/progress';
import { Engine, EngineName, TapConsumer } from './engine';
import { Activation, HookFunction, RunPlan, Trace, planRun } from './graph';
import { traceGPT2 } from './gpt2';
import { OnnxEngine, loadOnnxRuntime } from './onnx-engine';
import type { TfjsEngine } from './tfjs-engine';
import type { LayersModel } from '@tensorflow/tfjs';

export type Residency = 'auto' | 'resident' | 'streamed';

export interface LoadOptions {
  /** 'onnx' (default: ONNX Runtime) or 'tfjs' (TensorFlow.js). */
  engine?: EngineName;
  /** Threads for the onnx engine; default every core. */
  threads?: number;
  /** Default 'auto': streamed when the weights exceed 2.5 GB of float32 (gpt2-large, gpt2-xl), else resident. */
  residency?: Residency;
  /** TensorFlow.js backend: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'; default the best installed. */
  backend?: string;
  /** Where notes go (e.g. that ONNX Runtime could not load and TensorFlow.js runs instead); default stderr. */
  note?: (message: string) => void;
}

export interface RunOptions {
  /** Put `<|endoftext|>` (GPT-2's BOS) before the tokens; off by default. */
  prependBos?: boolean;
  /** Hears how far a pass (in parts of the model) or a batch (in texts) has come: for long work (gpt2-xl, corpora). */
  onProgress?: ProgressCallback;
}

export interface HookedRunOptions extends RunOptions {
  /** [hook point, function] pairs; a hook point may have several, called in order. */
  hooks?: [string, HookFunction][];
  /** The activations to return. */
  taps?: string[];
}

export interface BatchOptions extends RunOptions {
  /** At most this many texts per engine call (default 16); texts of similar length go together. */
  batchSize?: number;
  /**
   * At most this many tokens per engine call, counting padding (default 8192): long texts then go in
   * smaller batches, so that attention's [texts, heads, T, T] stays within memory.
   */
  maxBatchTokens?: number;
  /**
   * Takes each text's taps as they are computed (the text's place in `inputs`, the tap, its
   * activation) instead of `runBatch` returning them: for taps too large to hold for a whole batch.
   */
  onTap?: TapConsumer;
}

export interface WeightRow {
  name: string;
  shape: number[];
  params: number;
}

/** Nested arrays: [T, C] taps as number[][], [H, T, T] as number[][][], and so on. */
export type NestedArray = number[] | NestedArray[];

const STREAM_ABOVE_BYTES = 2.5e9;

export async function loadModel(spec: string, options: LoadOptions = {}): Promise<GPT2Model> {
  const residency = options.residency ?? 'auto';
  if (!['auto', 'resident', 'streamed'].includes(residency)) {
    throw new Error(`unknown residency ${JSON.stringify(residency)}: use 'auto', 'resident' or 'streamed'`);
  }
  const engineName = options.engine ?? 'onnx';
  if (engineName !== 'onnx' && engineName !== 'tfjs') throw new Error(`unknown engine ${JSON.stringify(engineName)}: use 'onnx' or 'tfjs'`);
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads > 0)) {
    throw new Error(`threads must be a positive whole number, got ${JSON.stringify(options.threads)}`);
  }
  const { spec: resolved, config, source, synthetic } = resolveWeights(spec);
  try {
    const streamed = residency === 'streamed' || (residency === 'auto' && 4 * parameterCount(config) > STREAM_ABOVE_BYTES);
    const engineOptions = { config, source, threads: options.threads, residency: streamed ? 'streamed' : 'resident', backend: options.backend } as const;
    const engine = await createEngine(engineName, engineOptions, options.note ?? ((m) => process.stderr.write(`note: ${m}\n`)));
    const model = new GPT2Model(resolved, config, source, synthetic, engine, engineOptions.residency);
    await model.prepare();
    return model;
  } catch (e) {
    source.close();
    throw e;
  }
}

async function createEngine(name: EngineName, options: ConstructorParameters<typeof OnnxEngine>[1], note: (m: string) => void): Promise<Engine> {
  if (name === 'onnx') {
    const ort = loadOnnxRuntime();
    if (!(ort instanceof Error)) return new OnnxEngine(ort, options);
    note(`ONNX Runtime cannot load here (${ort.message.split('\n')[0]}); running on TensorFlow.js instead`);
  }
  const { TfjsEngine } = await import('./tfjs-engine');
  return TfjsEngine.create(options);
}

export class GPT2Model {
  private disposed = false;
  private readonly traces = new Map<string, Trace>();

  constructor(
    readonly spec: string,
    readonly config: GPT2Config,
    private readonly source: WeightSource,
    readonly synthetic: boolean,
    private readonly engine: Engine,
    readonly residency: 'resident' | 'streamed',
  ) {}

  /** The engine running the model: 'onnx' or 'tfjs'. */
  get engineName(): EngineName {
    return this.engine.name;
  }

  /** e.g. `onnx (8 threads)` or `tfjs (wasm)`. */
  get engineDescription(): string {
    return this.engine.description;
  }

  /** Every hook point, in forward-pass order (TransformerLens' names; see gpt2.ts for their shapes). */
  tapNames(): string[] {
    return [...this.trace(() => true).hooks.keys()];
  }

  /** The measurements a run can tap besides the hook points (`blocks.{i}.attn.head_shares`; see gpt2.ts). */
  measureNames(): string[] {
    return [...this.trace(() => true).measures.keys()];
  }

  /** A weight as the checkpoint holds it (hub name, e.g. `h.0.attn.c_proj.bias`), as float32. */
  weight(name: string): Float32Array {
    if (this.disposed) throw new Error(`model ${this.spec} was disposed; load it again`);
    if (!this.source.has(name)) throw new Error(`${this.spec} has no weight named ${JSON.stringify(name)}: see architecture() for the names`);
    return this.source.read(name);
  }

  /** One row per weight tensor (hub name, shape, parameter count), for showing the model. */
  architecture(): WeightRow[] {
    return expectedWeights(this.config).map((w) => ({ name: w.name, shape: w.shape, params: w.shape.reduce((a, b) => a * b, 1) }));
  }

  /** The token ids a run uses for `input` (checked: not empty, within the context and vocabulary). */
  ids(input: string | number[], options: RunOptions = {}): number[] {
    let ids: number[];
    if (typeof input === 'string') {
      if (input.length === 0) throw new Error('empty text: give the model at least one character to read');
      ids = tokenize(input, options).ids;
    } else if (Array.isArray(input)) {
      if (input.length === 0) throw new Error('no token ids: give the model at least one token');
      input.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= this.config.vocabSize) {
          throw new Error(`token id ${id} at position ${i} is out of range: ids are integers from 0 to ${this.config.vocabSize - 1}`);
        }
      });
      ids = options.prependBos ? [END_OF_TEXT, ...input] : [...input];
    } else {
      throw new Error(`expected a text or a list of token ids, got ${typeof input}`);
    }
    if (ids.length > this.config.nPositions) {
      throw new Error(
        `the input is ${ids.length} tokens, longer than the model's context of ${this.config.nPositions} tokens: shorten it or split it into pieces`,
      );
    }
    return ids;
  }

  /** The activations at `taps` for one text or list of token ids; the pass stops after the last one. */
  async run(input: string | number[], taps: string[], options: RunOptions = {}): Promise<Record<string, Activation>> {
    return this.execute(input, taps, [], options);
  }

  /** Like `run`, as nested arrays (`[T, C]` taps as number[][], patterns `[H, T, T]` as number[][][]). */
  async runArrays(input: string | number[], taps: string[], options: RunOptions = {}): Promise<Record<string, NestedArray>> {
    return toArrays(await this.run(input, taps, options));
  }

  /**
   * Runs with functions that change activations at hook points (see `HookFunction` and hooks.ts);
   * returns the taps as `runArrays` does, showing the changes made at or before them.
   */
  async runWithHooks(input: string | number[], options: HookedRunOptions = {}): Promise<Record<string, NestedArray>> {
    return toArrays(await this.execute(input, options.taps ?? [], options.hooks ?? [], options));
  }

  /** `run` with hooks, as activations. */
  async execute(input: string | number[], taps: string[], hooks: [string, HookFunction][], options: RunOptions = {}): Promise<Record<string, Activation>> {
    const plan = this.plan(taps, hooks);
    const ids = this.ids(input, options);
    if (plan.needed.size === 0) return {};
    const onPass = options.onProgress && ((done: number, total: number) => options.onProgress!({ label: this.spec, done, total, unit: 'blocks', finished: done === total }));
    const [out] = await this.engine.run(plan, [ids], { onPass });
    return Object.fromEntries(out);
  }

  /**
   * The activations at `taps` for many texts, each as `run` gives it. The onnx engine runs texts
   * of similar length together, padded and masked.
   */
  async runBatch(inputs: (string | number[])[], taps: string[], options: BatchOptions = {}): Promise<Record<string, Activation>[]> {
    if (!Array.isArray(inputs)) throw new Error(`runBatch expects a list of texts or token-id lists, got ${typeof inputs}`);
    const batchSize = options.batchSize ?? 16;
    const maxTokens = options.maxBatchTokens ?? 8192;
    for (const [name, value] of [['batchSize', batchSize], ['maxBatchTokens', maxTokens]] as const) {
      if (!(Number.isInteger(value) && value > 0)) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(value)}`);
    }
    const plan = this.plan(taps, []);
    const sequences = inputs.map((input) => this.ids(input, options));
    const results: Record<string, Activation>[] = new Array(sequences.length);
    if (plan.needed.size === 0) return results.fill({});
    const order = sequences.map((_, i) => i).sort((a, b) => sequences[a].length - sequences[b].length);
    for (let start = 0; start < order.length; ) {
      let end = start + 1; // the sequences are in length order, so the last one chosen is the longest
      while (end < order.length && end - start < batchSize && (end - start + 1) * sequences[order[end]].length <= maxTokens) end++;
      const chosen = order.slice(start, end);
      const onTap = options.onTap && ((k: number, tap: string, activation: Activation) => options.onTap!(chosen[k], tap, activation));
      const out = await this.engine.run(plan, chosen.map((i) => sequences[i]), { onTap });
      chosen.forEach((i, k) => (results[i] = Object.fromEntries(out[k])));
      start = end;
      options.onProgress?.({ label: this.spec, done: end, total: order.length, unit: 'texts', finished: end === order.length });
    }
    return results;
  }

  /**
   * The TensorFlow.js model that computes `taps`: a tf.LayersModel of GPT-2's layers (token ids and
   * positions in, the taps out; `summary()` lists the layers and their parameters). tfjs engine only.
   */
  layersModel(taps: string[]): LayersModel {
    const engine = this.engine as Engine & Partial<Pick<TfjsEngine, 'layersModel'>>;
    if (!engine.layersModel) throw new Error(`layersModel() needs the tfjs engine: load the model with { engine: 'tfjs' } (this one runs on ${engine.name})`);
    return engine.layersModel(this.plan(taps, []));
  }

  /** Frees the weights and sessions and closes the file. The model cannot run afterwards. */
  dispose(): void {
    this.disposed = true;
    this.engine.dispose();
    this.source.close();
  }

  /** Makes the engine ready for the workbook's main measurement (every block's hook_attn_out). Called by loadModel. */
  async prepare(): Promise<void> {
    const taps = Array.from({ length: this.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
    await this.engine.prepare(this.plan(taps, []));
  }

  private plan(taps: string[], hooks: [string, HookFunction][]): RunPlan {
    if (this.disposed) throw new Error(`model ${this.spec} was disposed; load it again`);
    if (!Array.isArray(taps)) throw new Error(`taps must be a list of hook point names, got ${typeof taps}`);
    if (!Array.isArray(hooks) || !hooks.every((h) => Array.isArray(h) && typeof h[1] === 'function')) {
      throw new Error('hooks must be a list of [hook point name, function] pairs');
    }
    const names = hooks.map(([name]) => name);
    this.checkNames(taps, [...this.tapNames(), ...this.measureNames()], 'hook point or measurement');
    this.checkNames(names, this.tapNames(), 'hook point');
    const wanted = new Set([...taps, ...names]);
    return planRun(this.trace((hook) => wanted.has(hook)), [...new Set(taps)], hooks);
  }

  /**
   * The trace for a run. Only `attn.hook_result` and `attn.head_shares` change what is built (each
   * head's own output is made only for them), so traces differ by which blocks want which.
   */
  private trace(wants: (name: string) => boolean): Trace {
    const costly = (name: string) => name.endsWith('attn.hook_result') || name.endsWith('attn.head_shares');
    const key = Array.from({ length: this.config.nLayer }, (_, i) => `${+wants(`blocks.${i}.attn.hook_result`)}${+wants(`blocks.${i}.attn.head_shares`)}`).join('');
    let trace = this.traces.get(key);
    if (!trace) this.traces.set(key, (trace = traceGPT2(this.config, (name) => !costly(name) || wants(name))));
    return trace;
  }

  /** Throws, listing the valid names, when a name is not among `valid`. */
  private checkNames(names: string[], valid: string[], what: string): void {
    const unknown = names.filter((t) => !valid.includes(t));
    if (unknown.length === 0) return;
    const patterns = [...new Set(valid.map((n) => n.replace(/^blocks\.\d+\./, 'blocks.{i}.')))];
    throw new Error(
      `unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => JSON.stringify(t)).join(', ')}. ` +
        `Valid: ${patterns.join(', ')}, with i from 0 to ${this.config.nLayer - 1}`,
    );
  }
}

/** Activations as nested arrays. */
export function toArrays(activations: Record<string, Activation>): Record<string, NestedArray> {
  const nest = (data: Float32Array, shape: number[], offset: number): NestedArray => {
    if (shape.length === 1) return Array.from(data.subarray(offset, offset + shape[0]));
    const size = shape.slice(1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[0] }, (_, i) => nest(data, shape.slice(1), offset + i * size));
  };
  return Object.fromEntries(Object.entries(activations).map(([name, a]) => [name, nest(a.data, a.shape, 0)]));
}
