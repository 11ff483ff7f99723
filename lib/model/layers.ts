/**
 * GPT-2's layers as TensorFlow.js layers (`tf.layers.Layer` subclasses), named as in HuggingFace's
 * checkpoint so weights map one to one: `LayerNorm` (ln_1, ln_2, ln_f), `CausalSelfAttention`
 * (attn.c_attn, attn.c_proj), `MLP` (mlp.c_fc, mlp.c_proj), `Block`, `Embedding` (wte, wpe) and the
 * tied `Unembedding` (logits = x · wteᵀ). Weights are used raw, as HF has them.
 *
 * Each layer works on one sequence, `[T, C]` (T tokens, C = n_embd), and records its hook points
 * (TransformerLens' names) into a `TapRecorder`, which keeps only the ones asked for.
 *
 * Written for the wasm backend's fast paths: only 2D matMuls without transposeB (a 3D batched
 * matMul or transposeB is 10x slower there) with the weights as the left operand (see TRANSPOSED),
 * no slicing of activations (per-head weights instead), layer norm by hand (tfjs' own spends its
 * time in Tile), and GELU-tanh in its sigmoid form, 0.5·x·(1 + tanh(u)) = x·sigmoid(2u) (tanh is
 * slow there).
 */
import * as tf from '@tensorflow/tfjs';
import { GPT2Config } from './config';
import { TapRecorder } from './taps';
import { WeightLoader } from './weight-loader';

/** Hands an existing tensor to `addWeight` (whose variable then shares its memory, no copy). */
class Given extends tf.serialization.Serializable {
  static className = 'GPT2GivenWeight';
  constructor(private readonly value: tf.Tensor) {
    super();
  }
  apply(): tf.Tensor {
    return this.value;
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

export interface LayerArgs {
  taps: TapRecorder;
  /** `[T, T]`: 0 where a query may attend (key <= query), -Infinity after it. */
  causalMask: tf.Tensor2D;
}

/** Base: weights given as tensors (their memory is taken over), disposed with the layer. */
abstract class GPT2Layer extends tf.layers.Layer {
  private readonly sublayers: GPT2Layer[] = [];

  constructor(name: string) {
    super({ name, trainable: false });
    this.built = true;
  }

  protected given(name: string, value: tf.Tensor): LayerVariable {
    const initializer = new Given(value) as unknown as Parameters<tf.layers.Layer['addWeight']>[3];
    return this.addWeight(name, value.shape, 'float32', initializer, undefined, false);
  }

  protected sub<L extends GPT2Layer>(layer: L): L {
    this.sublayers.push(layer);
    return layer;
  }

  /** Frees every weight of this layer and its sublayers. */
  dispose(): { refCountAfterDispose: number; numDisposedVariables: number } {
    let n = 0;
    for (const w of this.weights) {
      w.dispose();
      n++;
    }
    for (const s of this.sublayers) n += s.dispose().numDisposedVariables;
    return { refCountAfterDispose: 0, numDisposedVariables: n };
  }
}

/** LayerNorm over the last axis, with gain and bias (eps from the config). */
export class LayerNorm extends GPT2Layer {
  static className = 'GPT2LayerNorm';
  private readonly gain: LayerVariable;
  private readonly bias: LayerVariable;
  private readonly epsilon: tf.Scalar;

  constructor(name: string, load: WeightLoader, epsilon: number) {
    super(name);
    this.gain = this.given('weight', load(`${name}.weight`));
    this.bias = this.given('bias', load(`${name}.bias`));
    this.epsilon = tf.keep(tf.scalar(epsilon));
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs); // [T, C]
    const mean = tf.mean(x, -1, true); // [T, 1]
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), -1, true); // biased, as torch's layer_norm
    const normalized = tf.mul(centred, tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(normalized, this.gain.read()), this.bias.read());
  }

  dispose() {
    this.epsilon.dispose();
    return super.dispose();
  }
}

/**
 * Conv1D weights `[in, out]` are used as the left matMul operand: stored transposed, `[out, in]`,
 * so y = x·W + b is computed as yᵀ = Wᵀ·xᵀ + b. On wasm the right operand of a matMul is repacked
 * by XNNPACK on first use (and kept, doubling the memory); as the left operand a weight is used
 * in place, so a model needs no second copy and streamed blocks pay no repacking.
 */
const TRANSPOSED = { transpose: true };

/**
 * Multi-head causal self-attention: per head, q, k, v from c_attn; softmax(q kᵀ / √d + mask) v;
 * the heads side by side through c_proj. c_attn is cut into per-head weights when loaded, so each
 * head's q, k, v come straight from a matMul (slicing them out of one output costs more on wasm:
 * its slice copies the whole input to JavaScript, its gather is slow).
 */
export class CausalSelfAttention extends GPT2Layer {
  static className = 'GPT2CausalSelfAttention';
  /** [q, k, v][h]: that head's rows of c_attn.weightᵀ, [d, C], and of c_attn.bias, [d, 1] */
  private readonly wHeads: LayerVariable[][];
  private readonly bHeads: LayerVariable[][];
  private readonly wProjT: LayerVariable;
  private readonly bProj: LayerVariable;
  private readonly scale: tf.Scalar;

  constructor(name: string, load: WeightLoader, private readonly config: GPT2Config, private readonly layer: number) {
    super(name);
    const C = config.nEmbd;
    const H = config.nHead;
    const d = C / H;
    const w = load.parts(`${name}.c_attn.weight`, 3 * H, TRANSPOSED); // 3H × [d, C]
    const b = load.parts(`${name}.c_attn.bias`, 3 * H); // 3H × [d]
    const parts = ['q', 'k', 'v'];
    this.wHeads = parts.map((p, i) => Array.from({ length: H }, (_, h) => this.given(`c_attn.weight.T.${p}${h}`, w[i * H + h])));
    this.bHeads = parts.map((p, i) => Array.from({ length: H }, (_, h) => this.given(`c_attn.bias.${p}${h}`, column(b[i * H + h]))));
    this.wProjT = this.given('c_proj.weight.T', load(`${name}.c_proj.weight`, TRANSPOSED)); // [C, C]
    this.bProj = this.given('c_proj.bias', column(load(`${name}.c_proj.bias`)));
    this.scale = tf.keep(tf.scalar(1 / Math.sqrt(d)));
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerArgs): tf.Tensor {
    const x = single(inputs) as tf.Tensor2D; // [T, C]
    const { taps, causalMask } = kwargs;
    const xT = tf.transpose(x) as tf.Tensor2D; // [C, T]
    const project = (part: number, h: number) =>
      tf.add(tf.matMul(this.wHeads[part][h].read() as tf.Tensor2D, xT), this.bHeads[part][h].read()) as tf.Tensor2D; // [d, T]
    const patterns: tf.Tensor2D[] = [];
    const heads: tf.Tensor2D[] = [];
    for (let h = 0; h < this.config.nHead; h++) {
      const q = tf.transpose(project(0, h)) as tf.Tensor2D; // [T, d]
      const kT = project(1, h); // [d, T]
      const v = tf.transpose(project(2, h)) as tf.Tensor2D; // [T, d]
      const scores = tf.add(tf.mul(tf.matMul(q, kT), this.scale), causalMask); // [T, T], query × key
      const pattern = tf.softmax(scores) as tf.Tensor2D;
      patterns.push(pattern);
      heads.push(tf.matMul(pattern, v)); // [T, d]
    }
    const patternTap = `blocks.${this.layer}.attn.hook_pattern`;
    if (taps.wants(patternTap)) taps.record(patternTap, tf.stack(patterns)); // [H, T, T]
    const zT = tf.transpose(tf.concat(heads, 1)) as tf.Tensor2D; // [C, T]
    return tf.transpose(tf.add(tf.matMul(this.wProjT.read() as tf.Tensor2D, zT), this.bProj.read())); // [T, C]
  }

  dispose() {
    this.scale.dispose();
    return super.dispose();
  }
}

/** c_fc, GELU-tanh (HF's gelu_new), c_proj; computed transposed, `[4C, T]`, between the two. */
export class MLP extends GPT2Layer {
  static className = 'GPT2MLP';
  private readonly wFcT: LayerVariable;
  private readonly bFc: LayerVariable;
  private readonly wProjT: LayerVariable;
  private readonly bProj: LayerVariable;
  private readonly cubic: tf.Scalar;
  private readonly linear: tf.Scalar;

  constructor(name: string, load: WeightLoader, config: GPT2Config) {
    super(name);
    this.wFcT = this.given('c_fc.weight.T', load(`${name}.c_fc.weight`, TRANSPOSED)); // [4C, C]
    this.bFc = this.given('c_fc.bias', column(load(`${name}.c_fc.bias`)));
    this.wProjT = this.given('c_proj.weight.T', load(`${name}.c_proj.weight`, TRANSPOSED)); // [C, 4C]
    this.bProj = this.given('c_proj.bias', column(load(`${name}.c_proj.bias`)));
    // gelu_new(h) = h·sigmoid(2u), 2u = 2√(2/π)·(h + 0.044715 h³) = h·(linear + cubic·h²)
    const twoRoot = 2 * Math.sqrt(2 / Math.PI);
    this.linear = tf.keep(tf.scalar(twoRoot));
    this.cubic = tf.keep(tf.scalar(twoRoot * 0.044715));
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs) as tf.Tensor2D; // [T, C]
    const hT = tf.add(tf.matMul(this.wFcT.read() as tf.Tensor2D, tf.transpose(x)), this.bFc.read()); // [4C, T]
    const twoU = tf.mul(hT, tf.add(tf.mul(tf.square(hT), this.cubic), this.linear));
    const geluT = tf.mul(hT, tf.sigmoid(twoU)) as tf.Tensor2D;
    return tf.transpose(tf.add(tf.matMul(this.wProjT.read() as tf.Tensor2D, geluT), this.bProj.read())); // [T, C]
  }

  dispose() {
    this.cubic.dispose();
    this.linear.dispose();
    return super.dispose();
  }
}

/** One transformer block: x + attn(ln_1(x)), then + mlp(ln_2(·)), recording every hook point. */
export class Block extends GPT2Layer {
  static className = 'GPT2Block';
  private readonly ln1: LayerNorm;
  private readonly attn: CausalSelfAttention;
  private readonly ln2: LayerNorm;
  private readonly mlp: MLP;

  constructor(config: GPT2Config, private readonly layer: number, load: WeightLoader) {
    super(`h.${layer}`);
    this.ln1 = this.sub(new LayerNorm(`h.${layer}.ln_1`, load, config.layerNormEpsilon));
    this.attn = this.sub(new CausalSelfAttention(`h.${layer}.attn`, load, config, layer));
    this.ln2 = this.sub(new LayerNorm(`h.${layer}.ln_2`, load, config.layerNormEpsilon));
    this.mlp = this.sub(new MLP(`h.${layer}.mlp`, load, config));
  }

  /** The block's output; once every requested tap is recorded it stops early and returns the partial residual. */
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerArgs): tf.Tensor {
    const x = single(inputs); // [T, C]
    const { taps } = kwargs;
    const tap = (name: string, t: tf.Tensor) => taps.record(`blocks.${this.layer}.${name}`, t);
    tap('hook_resid_pre', x);
    const ln1 = tap('ln1.hook_normalized', this.ln1.call(x));
    const attnOut = tap('hook_attn_out', this.attn.call(ln1, kwargs));
    const residMid = tap('hook_resid_mid', tf.add(x, attnOut));
    if (taps.complete) return residMid;
    const ln2 = tap('ln2.hook_normalized', this.ln2.call(residMid));
    const mlpOut = tap('hook_mlp_out', this.mlp.call(ln2));
    return tap('hook_resid_post', tf.add(residMid, mlpOut));
  }
}

/** Token and position embeddings: wte[ids] + wpe[0..T). */
export class Embedding extends GPT2Layer {
  static className = 'GPT2Embedding';
  readonly wte: LayerVariable;
  private readonly wpe: LayerVariable;

  constructor(load: WeightLoader) {
    super('embed');
    this.wte = this.given('wte.weight', load('wte.weight')); // [V, C]
    this.wpe = this.given('wpe.weight', load('wpe.weight')); // [P, C]
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: LayerArgs): tf.Tensor {
    const ids = single(inputs); // [T] int32
    const embed = kwargs.taps.record('hook_embed', tf.gather(this.wte.read(), ids)); // [T, C]
    const T = ids.shape[0];
    const posEmbed = kwargs.taps.record('hook_pos_embed', tf.slice(this.wpe.read(), [0, 0], [T, -1])); // [T, C]
    return tf.add(embed, posEmbed);
  }
}

/** The tied unembedding, logits = x · wteᵀ, computed as (wte · xᵀ)ᵀ so wte is used in place (see TRANSPOSED). */
export class Unembedding extends GPT2Layer {
  static className = 'GPT2Unembedding';

  constructor(private readonly wte: { read(): tf.Tensor }) {
    super('unembed');
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = single(inputs) as tf.Tensor2D; // [T, C]
    return tf.transpose(tf.matMul(this.wte.read() as tf.Tensor2D, tf.transpose(x))); // [V, T] -> [T, V]
  }
}

/** A vector `[n]` as a column `[n, 1]` (to add along the rows of a transposed activation); takes `v` over. */
function column(v: tf.Tensor): tf.Tensor2D {
  const c = v.reshape([v.size, 1]) as tf.Tensor2D; // shares v's memory
  v.dispose();
  return c;
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}
