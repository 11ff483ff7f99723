/**
 * GPT-2 with activation taps: `loadModel('gpt2' | 'synthetic:gpt2' | <path>)` gives a `GPT2Model`
 * whose `run(text or ids, taps)` returns the tapped activations by TransformerLens hook name.
 *
 * Weights either stay resident (in the backend's memory) or are streamed: each block's weights are
 * read from the file when the pass reaches it (the next block's read overlaps this block's
 * computation), used, and released, so gpt2-large and gpt2-xl run within the wasm backend's 4 GB
 * heap. Both run the same layers in the same order, so their results are identical.
 */
import * as tf from '@tensorflow/tfjs';
import { END_OF_TEXT, tokenize } from '../text/tokenizer';
import { resolveWeights } from '../weights/resolve';
import { WeightSource } from '../weights/source';
import { BackendName, useBackend } from './backend';
import { BlockReader } from './block-reader';
import { GPT2Config, blockWeights, expectedWeights, parameterCount } from './config';
import { Block, Embedding, LayerArgs, LayerNorm, Unembedding } from './layers';
import { WeightLoader, weightLoader } from './weight-loader';
import { TapRecorder, checkTaps, tapNames } from './taps';

export type Residency = 'auto' | 'resident' | 'streamed';

export interface LoadOptions {
  /** Default: 'tensorflow' (tfjs-node) when installed, else 'wasm'. */
  backend?: BackendName;
  /** Default 'auto': resident unless the weights are too big for the wasm heap (over 2 GB of float32: gpt2-large, gpt2-xl). */
  residency?: Residency;
}

export interface RunOptions {
  /** Put `<|endoftext|>` (GPT-2's BOS) before the tokens; off by default. */
  prependBos?: boolean;
}

export interface WeightRow {
  name: string;
  shape: number[];
  params: number;
}

/** Above this many bytes of float32 weights, 'auto' streams on wasm (its heap holds 4 GB at most, activations and transients included). */
const WASM_RESIDENT_LIMIT = 2e9;

export async function loadModel(spec: string, options: LoadOptions = {}): Promise<GPT2Model> {
  const backend = await useBackend(options.backend);
  const residency = options.residency ?? 'auto';
  if (!['auto', 'resident', 'streamed'].includes(residency)) {
    throw new Error(`unknown residency ${JSON.stringify(residency)}: use 'auto', 'resident' or 'streamed'`);
  }
  const { spec: resolved, config, source, synthetic } = resolveWeights(spec);
  const bytes = 4 * parameterCount(config);
  const streamed = residency === 'streamed' || (residency === 'auto' && backend === 'wasm' && bytes > WASM_RESIDENT_LIMIT);
  const model = new GPT2Model(resolved, config, source, synthetic, backend, streamed ? 'streamed' : 'resident');
  try {
    await model.load();
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

export class GPT2Model {
  private embed: Embedding | null = null;
  private blocks: Block[] = [];
  private lnFinal: LayerNorm | null = null;
  private disposed = false;
  private reader: BlockReader | null = null;

  constructor(
    readonly spec: string,
    readonly config: GPT2Config,
    private readonly source: WeightSource,
    readonly synthetic: boolean,
    readonly backend: BackendName,
    readonly residency: 'resident' | 'streamed',
  ) {}

  /**
   * Loads what stays in memory: everything when resident, ln_f when streamed. Called once, by
   * loadModel. (Resident weights are read on this thread: reading ahead on a worker is faster but
   * holds more memory at the peak, and loading is done once.)
   */
  async load(): Promise<void> {
    const load = this.loader();
    this.lnFinal = new LayerNorm('ln_f', load, this.config.layerNormEpsilon);
    if (this.residency === 'streamed') return;
    this.embed = new Embedding(load);
    for (let i = 0; i < this.config.nLayer; i++) this.blocks.push(new Block(this.config, i, load));
    this.source.close(); // everything is in the backend now
  }

  /** Every tap name this model offers, in forward-pass order. */
  tapNames(): string[] {
    return tapNames(this.config);
  }

  /** One row per weight tensor (hub name, shape, parameter count), for showing the model. */
  architecture(): WeightRow[] {
    return expectedWeights(this.config).map((w) => ({ name: w.name, shape: w.shape, params: w.shape.reduce((a, b) => a * b, 1) }));
  }

  /** The token ids `run` would use for `input` (checked: not empty, within the context and vocabulary). */
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
      throw new Error(`run expects a text or a list of token ids, got ${typeof input}`);
    }
    if (ids.length > this.config.nPositions) {
      throw new Error(
        `the input is ${ids.length} tokens, longer than the model's context of ${this.config.nPositions} tokens: shorten it or split it into pieces`,
      );
    }
    return ids;
  }

  /**
   * Runs the model on a text or token ids and returns the requested taps as tensors (the caller
   * disposes them). The pass stops after the last requested tap.
   */
  async run(input: string | number[], taps: string[], options: RunOptions = {}): Promise<Record<string, tf.Tensor>> {
    if (this.disposed) throw new Error(`model ${this.spec} was disposed; load it again`);
    checkTaps(this.config, taps);
    const ids = this.ids(input, options);
    const recorder = new TapRecorder([...new Set(taps)]);
    if (recorder.complete) return {};
    const T = ids.length;
    const causalMask = tf.tidy(() => {
      const keyAfterQuery = tf.greater(tf.range(0, T).reshape([1, T]), tf.range(0, T).reshape([T, 1])); // [T, T]
      return tf.where(keyAfterQuery, tf.fill([T, T], -Infinity), tf.zeros([T, T])) as tf.Tensor2D;
    });
    const args: LayerArgs = { taps: recorder, causalMask };
    const streamed = this.residency === 'streamed';
    let x: tf.Tensor | null = null;
    /** x = f(x), keeping only x and the recorded taps */
    const advance = (f: (h: tf.Tensor) => tf.Tensor) => {
      const next = tf.tidy(() => f(x!));
      x!.dispose();
      x = next;
    };
    let prefetch: Promise<Map<string, Float32Array>> | null = null;
    try {
      if (streamed && !taps.every((t) => t === 'hook_embed' || t === 'hook_pos_embed')) prefetch = this.readBlock(0);
      const embed = this.embed ?? new Embedding(this.loader());
      try {
        x = tf.tidy(() => embed.call(tf.tensor1d(ids, 'int32'), args)); // [T, C]
      } finally {
        if (embed !== this.embed) embed.dispose();
      }
      for (let i = 0; i < this.config.nLayer && !recorder.complete; i++) {
        let block = this.blocks[i];
        if (streamed) {
          const weights = await prefetch!;
          prefetch = i + 1 < this.config.nLayer ? this.readBlock(i + 1) : null; // the next read overlaps this block's work
          block = new Block(this.config, i, this.loader(weights));
        }
        try {
          advance((h) => block.call(h, args));
        } finally {
          if (streamed) block.dispose();
        }
      }
      if (!recorder.complete) advance((h) => recorder.record('ln_final.hook_normalized', this.lnFinal!.call(h)));
      if (!recorder.complete) {
        const embed = this.embed ?? new Embedding(this.loader()); // the unembedding is tied to wte
        try {
          advance((h) => recorder.record('logits', new Unembedding(embed.wte).call(h)));
        } finally {
          if (embed !== this.embed) embed.dispose();
        }
      }
      return recorder.values;
    } catch (e) {
      Object.values(recorder.values).forEach((t) => t.dispose());
      throw e;
    } finally {
      await prefetch?.catch(() => undefined); // an early stop leaves one read in flight
      (x as tf.Tensor | null)?.dispose();
      causalMask.dispose();
    }
  }

  /** Like `run`, with plain arrays: `[T, C]` taps as number[][], patterns `[H, T, T]` as number[][][]. */
  async runArrays(input: string | number[], taps: string[], options: RunOptions = {}): Promise<Record<string, number[][] | number[][][]>> {
    const tensors = await this.run(input, taps, options);
    const out: Record<string, number[][] | number[][][]> = {};
    try {
      for (const [name, t] of Object.entries(tensors)) out[name] = (await t.array()) as number[][] | number[][][];
    } finally {
      Object.values(tensors).forEach((t) => t.dispose());
    }
    return out;
  }

  /** Frees the weights and closes the file. The model cannot run afterwards. */
  dispose(): void {
    this.disposed = true;
    this.embed?.dispose();
    this.blocks.forEach((b) => b.dispose());
    this.lnFinal?.dispose();
    this.embed = this.lnFinal = null;
    this.blocks = [];
    this.reader?.close();
    this.reader = null;
    this.source.close();
  }

  private loader(preread?: Map<string, Float32Array>): WeightLoader {
    return weightLoader(this.source, preread);
  }

  /**
   * Block i's weights, read ahead in the background on a worker thread (with the Conv1D weights
   * transposed there) when the source is a file.
   */
  private async readBlock(i: number): Promise<Map<string, Float32Array>> {
    const weights = blockWeights(this.config, i);
    const { source } = this;
    if (source.locate) {
      this.reader ??= new BlockReader();
      return this.reader.read(weights.map((w) => ({ name: w.name, transpose: w.shape.length === 2, ...source.locate!(w.name) })));
    }
    return new Map(); // nothing to read ahead: the loader computes each tensor into place
  }
}
