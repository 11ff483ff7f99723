/**
 * GPT-2 in float64, written plainly from its definition (HuggingFace's GPT2Model) with
 * TransformerLens' hook points, sharing nothing with lib/model: the reference for the hook points
 * HuggingFace's goldens do not hold, and for hooks that change activations. Plain loops: for
 * short texts.
 */
import { GPT2Config } from '../../lib/weights/config';

export interface Tensor64 {
  data: Float64Array;
  shape: number[];
}

/** Changes an activation in place (the reference's hooks). */
export type ReferenceHook = (data: Float64Array, shape: number[]) => void;

export function referenceGPT2(
  c: GPT2Config,
  weight: (name: string) => Float32Array,
  ids: number[],
  hooks: Record<string, ReferenceHook> = {},
): Record<string, Tensor64> {
  const T = ids.length;
  const C = c.nEmbd;
  const H = c.nHead;
  const d = C / H;
  const w = (name: string) => Float64Array.from(weight(name));
  const out: Record<string, Tensor64> = {};
  const hook = (name: string, data: Float64Array, shape: number[]) => {
    hooks[name]?.(data, shape);
    out[name] = { data: data.slice(), shape };
    return data;
  };
  /** x [T, n] · W [n, m] + b */
  const linear = (x: Float64Array, W: Float64Array, b: Float64Array | null, n: number, m: number) => {
    const y = new Float64Array(T * m);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < m; j++) {
        let s = b ? b[j] : 0;
        for (let i = 0; i < n; i++) s += x[t * n + i] * W[i * m + j];
        y[t * m + j] = s;
      }
    }
    return y;
  };
  const layerNorm = (name: string, x: Float64Array, weights: string) => {
    const gain = w(`${weights}.weight`);
    const bias = w(`${weights}.bias`);
    const centred = new Float64Array(T * C);
    const scale = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let mean = 0;
      for (let i = 0; i < C; i++) mean += x[t * C + i] / C;
      let variance = 0;
      for (let i = 0; i < C; i++) {
        centred[t * C + i] = x[t * C + i] - mean;
        variance += centred[t * C + i] ** 2 / C;
      }
      scale[t] = Math.sqrt(variance + c.layerNormEpsilon);
    }
    hook(`${name}.hook_scale`, scale, [T, 1]);
    const y = new Float64Array(T * C);
    for (let t = 0; t < T; t++) for (let i = 0; i < C; i++) y[t * C + i] = (centred[t * C + i] / scale[t]) * gain[i] + bias[i];
    return hook(`${name}.hook_normalized`, y, [T, C]);
  };
  const add = (a: Float64Array, b: Float64Array) => a.map((v, i) => v + b[i]);

  const wte = w('wte.weight');
  const wpe = w('wpe.weight');
  const embed = hook('hook_embed', Float64Array.from({ length: T * C }, (_, k) => wte[ids[Math.floor(k / C)] * C + (k % C)]), [T, C]);
  const pos = hook('hook_pos_embed', wpe.slice(0, T * C), [T, C]);
  let x: Float64Array = add(embed, pos);
  for (let i = 0; i < c.nLayer; i++) {
    const b = `blocks.${i}`;
    const h = `h.${i}`;
    const residPre = hook(`${b}.hook_resid_pre`, x.slice(), [T, C]);
    const n1 = layerNorm(`${b}.ln1`, residPre, `${h}.ln_1`);
    const qkv = linear(n1, w(`${h}.attn.c_attn.weight`), w(`${h}.attn.c_attn.bias`), C, 3 * C);
    const [q, k, v] = [0, 1, 2].map((part) =>
      hook(`${b}.attn.hook_${'qkv'[part]}`, Float64Array.from({ length: T * C }, (_, m) => qkv[Math.floor(m / C) * 3 * C + part * C + (m % C)]), [T, H, d]),
    );
    const scores = new Float64Array(H * T * T);
    for (let hd = 0; hd < H; hd++) {
      for (let qi = 0; qi < T; qi++) {
        for (let kj = 0; kj < T; kj++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += q[qi * C + hd * d + j] * k[kj * C + hd * d + j];
          scores[(hd * T + qi) * T + kj] = kj > qi ? -Infinity : s / Math.sqrt(d);
        }
      }
    }
    hook(`${b}.attn.hook_attn_scores`, scores, [H, T, T]);
    const pattern = new Float64Array(H * T * T);
    for (let row = 0; row < H * T; row++) {
      const r = scores.subarray(row * T, (row + 1) * T);
      const max = Math.max(...r);
      let sum = 0;
      for (let kj = 0; kj < T; kj++) sum += Math.exp(r[kj] - max);
      for (let kj = 0; kj < T; kj++) pattern[row * T + kj] = Math.exp(r[kj] - max) / sum;
    }
    hook(`${b}.attn.hook_pattern`, pattern, [H, T, T]);
    const z = new Float64Array(T * C);
    for (let t = 0; t < T; t++) {
      for (let hd = 0; hd < H; hd++) {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let kj = 0; kj < T; kj++) s += pattern[(hd * T + t) * T + kj] * v[kj * C + hd * d + j];
          z[t * C + hd * d + j] = s;
        }
      }
    }
    hook(`${b}.attn.hook_z`, z, [T, H, d]);
    const WO = w(`${h}.attn.c_proj.weight`);
    const result = new Float64Array(T * H * C);
    for (let t = 0; t < T; t++) {
      for (let hd = 0; hd < H; hd++) {
        for (let m = 0; m < C; m++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += z[t * C + hd * d + j] * WO[(hd * d + j) * C + m];
          result[(t * H + hd) * C + m] = s;
        }
      }
    }
    hook(`${b}.attn.hook_result`, result, [T, H, C]);
    const bO = w(`${h}.attn.c_proj.bias`);
    const attnOut = Float64Array.from({ length: T * C }, (_, m) => {
      let s = bO[m % C];
      for (let hd = 0; hd < H; hd++) s += result[(Math.floor(m / C) * H + hd) * C + (m % C)];
      return s;
    });
    hook(`${b}.hook_attn_out`, attnOut, [T, C]);
    const residMid = hook(`${b}.hook_resid_mid`, add(residPre, attnOut), [T, C]);
    const n2 = layerNorm(`${b}.ln2`, residMid, `${h}.ln_2`);
    const pre = hook(`${b}.mlp.hook_pre`, linear(n2, w(`${h}.mlp.c_fc.weight`), w(`${h}.mlp.c_fc.bias`), C, c.nInner), [T, c.nInner]);
    const post = hook(`${b}.mlp.hook_post`, pre.map((u) => 0.5 * u * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (u + 0.044715 * u ** 3)))), [T, c.nInner]);
    const mlpOut = hook(`${b}.hook_mlp_out`, linear(post, w(`${h}.mlp.c_proj.weight`), w(`${h}.mlp.c_proj.bias`), c.nInner, C), [T, C]);
    x = hook(`${b}.hook_resid_post`, add(residMid, mlpOut), [T, C]);
  }
  const final = layerNorm('ln_final', x, 'ln_f');
  const logits = new Float64Array(T * c.vocabSize);
  for (let t = 0; t < T; t++) {
    for (let m = 0; m < c.vocabSize; m++) {
      let s = 0;
      for (let i = 0; i < C; i++) s += final[t * C + i] * wte[m * C + i];
      logits[t * c.vocabSize + m] = s;
    }
  }
  hook('logits', logits, [T, c.vocabSize]);
  return out;
}

/** max |ours − reference| / max |reference| over the finite entries; infinite entries must match exactly. */
export function relativeError(ours: ArrayLike<number>, reference: ArrayLike<number>): number {
  if (ours.length !== reference.length) throw new Error(`lengths differ: ${ours.length} and ${reference.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    if (!Number.isFinite(reference[i])) {
      if (ours[i] !== reference[i]) return Infinity;
      continue;
    }
    diff = Math.max(diff, Math.abs(ours[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
