/**
 * Each attention head's share of the adjustment's squared norm, and the bias's, per layer over a corpus:
 *
 *   share_{h,t} = r_{h,t} · a_t / ‖a_t‖²,   bias share = b_O · a_t / ‖a_t‖²
 *
 * with r = `attn.hook_result` (each head through its rows of c_proj, without the bias) and
 * a = `hook_attn_out` = Σ_h r_h + b_O, so a token's shares sum to 1 (up to the run's float32
 * rounding). A share is negative when a head writes against the sum of the others.
 *
 * The corpus run feeds `HeadShareAccumulator` one layer of one chunk at a time; it keeps, per text
 * and layer, the sums of the shares over the text's measured tokens (has_context 1) and their count.
 * Means are computed from these sums in text order, so a corpus split by text into shards whose
 * accumulators are merged (or written with `sums()` and read back with `fromSums`) gives the same
 * numbers, bit for bit, as one pass.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';

/** One layer of one chunk of a text, as the run has it. */
export interface HeadShareInput {
  /** The text's place in the corpus: sums are combined in this order. */
  textIndex: number;
  textId: string;
  layer: number;
  /** `blocks.{layer}.attn.hook_result`, [T, H, C]. */
  result: Float32Array;
  /** `blocks.{layer}.hook_attn_out`, [T, C]. */
  attnOut: Float32Array;
  /** The layer's c_proj bias b_O, [C]. */
  bias: Float32Array;
  /** [T]: 1 for the tokens measured in this chunk, 0 for context-only positions. */
  hasContext: Uint8Array;
}

/** One layer of one chunk as tokens' shares: [T, H + 1], each head's then the bias's (`attn.head_shares`). */
export interface HeadSharesInput {
  textIndex: number;
  textId: string;
  layer: number;
  shares: Float32Array | Float64Array;
  hasContext: Uint8Array;
}

/** The accumulated sums as columns: one row per text, layer and head (head −1 is the bias), in text, layer, head order. */
export interface HeadShareSums {
  text_index: Int32Array;
  text_id: string[];
  layer: Int32Array;
  head: Int32Array;
  /** Σ over the text's measured tokens of the head's share. */
  share_sum: Float64Array;
  /** The text's measured tokens in this layer. */
  tokens: Float64Array;
}

/** The corpus means per layer. */
export interface HeadShares {
  layers: number[];
  heads: number;
  /** share[i][h]: head h's mean share of ‖a_t‖² in layers[i], over every measured token. */
  share: number[][];
  /** bias[i]: b_O's mean share in layers[i]. */
  bias: number[];
  /** Measured tokens behind layers[i]. */
  tokens: number[];
  texts: number;
}

interface LayerSums {
  /** Heads 0..H−1, then the bias at index H. */
  sums: Float64Array;
  tokens: number;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export class HeadShareAccumulator {
  private readonly texts = new Map<number, { textId: string; layers: Map<number, LayerSums> }>();
  private heads: number | null = null;

  /** Adds the shares of every measured token of one layer of one chunk. */
  /** Adds one layer of one chunk from the heads' outputs (each token's shares computed here). */
  add({ textIndex, textId, layer, result, attnOut, bias, hasContext }: HeadShareInput): void {
    const T = hasContext.length;
    const C = bias.length;
    if (C === 0) throw new Error('HeadShareAccumulator.add: bias is empty; pass c_proj\'s bias [C] of the layer');
    if (attnOut.length !== T * C) {
      throw new Error(`HeadShareAccumulator.add: attnOut has ${attnOut.length} values for ${T} tokens × ${C} channels; pass hook_attn_out [T, C] of the same chunk as hasContext [T] and bias [C]`);
    }
    const H = result.length / (T * C);
    if (T > 0 && !(Number.isInteger(H) && H >= 1)) {
      throw new Error(`HeadShareAccumulator.add: result has ${result.length} values, not a multiple of ${T} tokens × ${C} channels; pass attn.hook_result [T, H, C] of the same chunk`);
    }
    const shares = new Float64Array(T * (H + 1));
    for (let t = 0; t < T; t++) {
      if (hasContext[t] !== 1) continue;
      const a = t * C;
      let norm2 = 0;
      for (let c = 0; c < C; c++) norm2 += attnOut[a + c] * attnOut[a + c];
      if (!(norm2 > 0 && Number.isFinite(norm2))) {
        throw new Error(`HeadShareAccumulator.add: ‖a_t‖² is ${norm2} at text ${JSON.stringify(textId)}, layer ${layer}, position ${t}; shares need a finite, nonzero attention output`);
      }
      for (let h = 0; h <= H; h++) {
        let dot = 0;
        if (h < H) {
          const r = (t * H + h) * C;
          for (let c = 0; c < C; c++) dot += result[r + c] * attnOut[a + c];
        } else for (let c = 0; c < C; c++) dot += bias[c] * attnOut[a + c];
        shares[t * (H + 1) + h] = dot / norm2;
      }
    }
    this.addShares({ textIndex, textId, layer, shares, hasContext });
  }

  /**
   * Adds one layer of one chunk from its tokens' shares, [T, H + 1] (each head's, then the bias's),
   * as the measurement `blocks.{i}.attn.head_shares` gives them.
   */
  addShares({ textIndex, textId, layer, shares, hasContext }: HeadSharesInput): void {
    const T = hasContext.length;
    if (!isIndex(textIndex)) throw new Error(`HeadShareAccumulator.add: textIndex ${textIndex} is not a non-negative integer; pass the text's place in the corpus`);
    if (!isIndex(layer)) throw new Error(`HeadShareAccumulator.add: layer ${layer} is not a non-negative integer`);
    const H = shares.length / T - 1;
    if (T > 0 && !(Number.isInteger(H) && H >= 1)) throw new Error(`HeadShareAccumulator.addShares: shares has ${shares.length} values, not [${T} tokens, heads + 1]`);
    if (!hasContext.some((m) => m === 1)) return; // nothing measured in this chunk
    if (this.heads !== null && H !== this.heads) throw new Error(`HeadShareAccumulator.add: result has ${H} heads where earlier layers had ${this.heads}; one accumulator holds one model`);
    this.heads = H;
    const sums = this.layerSums(textIndex, textId, layer);
    for (let t = 0; t < T; t++) {
      if (hasContext[t] !== 1) continue;
      for (let h = 0; h <= H; h++) {
        const share = shares[t * (H + 1) + h];
        if (!Number.isFinite(share)) throw new Error(`HeadShareAccumulator.add: ${h < H ? `head ${h}` : 'the bias'} has a non-finite output at text ${JSON.stringify(textId)}, layer ${layer}, position ${t}`);
        sums.sums[h] += share;
      }
      sums.tokens++;
    }
  }

  private layerSums(textIndex: number, textId: string, layer: number): LayerSums {
    let text = this.texts.get(textIndex);
    if (!text) this.texts.set(textIndex, (text = { textId, layers: new Map() }));
    if (text.textId !== textId) throw new Error(`HeadShareAccumulator: text index ${textIndex} is ${JSON.stringify(text.textId)}, not ${JSON.stringify(textId)}; give each text one index`);
    let sums = text.layers.get(layer);
    if (!sums) text.layers.set(layer, (sums = { sums: new Float64Array(this.heads! + 1), tokens: 0 }));
    return sums;
  }

  /** Takes in another accumulator's texts (a shard of the corpus); a text may be in only one of them. */
  merge(other: HeadShareAccumulator): this {
    if (other.heads !== null && this.heads !== null && other.heads !== this.heads) {
      throw new Error(`HeadShareAccumulator.merge: ${other.heads} heads against ${this.heads}; merge accumulators of the same model`);
    }
    for (const [index, text] of other.texts) {
      if (this.texts.has(index)) throw new Error(`HeadShareAccumulator.merge: text ${JSON.stringify(text.textId)} (index ${index}) is in both; shard the corpus by text`);
    }
    for (const [index, text] of other.texts) {
      this.texts.set(index, { textId: text.textId, layers: new Map([...text.layers].map(([l, s]) => [l, { sums: s.sums.slice(), tokens: s.tokens }])) });
    }
    this.heads ??= other.heads;
    return this;
  }

  /** The sums as rows, to write a shard to disk (fromSums reads them back exactly). */
  sums(): HeadShareSums {
    const rows: Array<[number, string, number, number, number, number]> = [];
    for (const index of [...this.texts.keys()].sort((a, b) => a - b)) {
      const { textId, layers } = this.texts.get(index)!;
      for (const layer of [...layers.keys()].sort((a, b) => a - b)) {
        const { sums, tokens } = layers.get(layer)!;
        const H = sums.length - 1;
        rows.push([index, textId, layer, -1, sums[H], tokens]);
        for (let h = 0; h < H; h++) rows.push([index, textId, layer, h, sums[h], tokens]);
      }
    }
    return {
      text_index: Int32Array.from(rows, (r) => r[0]),
      text_id: rows.map((r) => r[1]),
      layer: Int32Array.from(rows, (r) => r[2]),
      head: Int32Array.from(rows, (r) => r[3]),
      share_sum: Float64Array.from(rows, (r) => r[4]),
      tokens: Float64Array.from(rows, (r) => r[5]),
    };
  }

  /** An accumulator holding the sums that `sums()` wrote. */
  static fromSums(rows: HeadShareSums): HeadShareAccumulator {
    const out = new HeadShareAccumulator();
    const n = rows.text_index.length;
    for (const name of ['text_id', 'layer', 'head', 'share_sum', 'tokens'] as const) {
      if (rows[name]?.length !== n) throw new Error(`HeadShareAccumulator.fromSums: column ${name} has ${rows[name]?.length ?? 'no'} values for ${n} rows; pass what sums() returned`);
    }
    const heads = rows.head.reduce((most, h) => Math.max(most, h), -1) + 1;
    out.heads = n ? heads : null;
    for (let i = 0; i < n; i++) {
      const head = rows.head[i];
      if (!(Number.isInteger(head) && head >= -1)) throw new Error(`HeadShareAccumulator.fromSums: row ${i} has head ${head}; heads are 0, 1, ... and −1 for the bias`);
      const sums = out.layerSums(rows.text_index[i], rows.text_id[i], rows.layer[i]);
      sums.sums[head === -1 ? heads : head] = rows.share_sum[i];
      sums.tokens = rows.tokens[i];
    }
    return out;
  }

  /** Each head's and the bias's mean share per layer, from the per-text sums added in text order. */
  means(): HeadShares {
    if (this.heads === null) throw new Error('HeadShareAccumulator.means: no tokens were added; feed it the run\'s layers first');
    const H = this.heads;
    const totals = new Map<number, LayerSums>();
    for (const index of [...this.texts.keys()].sort((a, b) => a - b)) {
      for (const [layer, { sums, tokens }] of this.texts.get(index)!.layers) {
        let total = totals.get(layer);
        if (!total) totals.set(layer, (total = { sums: new Float64Array(H + 1), tokens: 0 }));
        for (let h = 0; h <= H; h++) total.sums[h] += sums[h];
        total.tokens += tokens;
      }
    }
    const layers = [...totals.keys()].sort((a, b) => a - b);
    const mean = (layer: number, h: number) => totals.get(layer)!.sums[h] / totals.get(layer)!.tokens;
    return {
      layers,
      heads: H,
      share: layers.map((l) => Array.from({ length: H }, (_, h) => mean(l, h))),
      bias: layers.map((l) => mean(l, H)),
      tokens: layers.map((l) => totals.get(l)!.tokens),
      texts: this.texts.size,
    };
  }
}

/** The means as a small table for readers: layer, head (−1 for the bias), share. */
export function headSharesTable(shares: HeadShares): DataFrame {
  const rows = shares.layers.flatMap((layer, i) => [
    ...shares.share[i].map((share, head) => [layer, head, share]),
    [layer, -1, shares.bias[i]],
  ]);
  return new DataFrame(rows, { columns: ['layer', 'head', 'share'] });
}
