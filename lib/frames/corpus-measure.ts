/**
 * Measuring many texts: each is tokenized, cut into chunks that fit the model's context (see
 * lib/text/corpus.ts) and run in batches; every token of every chunk gives one row per layer of the
 * corpus table (corpus-norms.ts), and, when asked, each head's share of the adjustment's squared
 * norm is added up (corpus-head-shares.ts).
 */
import type { Activation, GPT2Model } from '../model/index';
import type { ProgressCallback } from '../io/progress';
import { Chunk, chunkIds } from '../text/corpus';
import { displayTokens, tokenize } from '../text/tokenizer';
import { CorpusNorms, emptyRows } from './corpus-norms';
import { HeadShareAccumulator } from './corpus-head-shares';

/** One text's measurements. */
export interface TextNorms {
  /** its place in the corpus */
  index: number;
  id: string;
  tokens: number;
  chunks: number;
  /** its rows: by chunk, then layer, then position */
  rows: CorpusNorms;
}

export interface MeasureOptions {
  /** Tokens per chunk; default the model's context. */
  window?: number;
  /** Tokens a chunk shares with the one before, as context only; default 64 (or less, for a small window). */
  overlap?: number;
  /** Chunks per engine call (default 16). */
  batchSize?: number;
  /** Adds up each head's share of the adjustment's squared norm (taps the measurement attn.head_shares too). */
  heads?: HeadShareAccumulator;
  /** Hears how many of the texts' tokens are measured, and how many texts are finished (label `corpus`, unit tokens). */
  onProgress?: ProgressCallback;
}

/** The default overlap of chunks: 64 tokens, or a quarter of a smaller window. */
export function defaultOverlap(window: number): number {
  return Math.min(64, Math.floor(window / 4));
}

/** Measures `texts` (their `index` is their place in the corpus) and returns each text's rows, in the order given. */
export async function measureTexts(model: GPT2Model, texts: { index: number; id: string; text: string }[], options: MeasureOptions = {}): Promise<TextNorms[]> {
  const window = options.window ?? model.config.nPositions;
  if (window > model.config.nPositions) throw new Error(`the chunk window (${window} tokens) is longer than the model's context of ${model.config.nPositions}: give at most ${model.config.nPositions}`);
  const overlap = options.overlap ?? defaultOverlap(window);
  const L = model.config.nLayer;
  const attnOut = Array.from({ length: L }, (_, i) => `blocks.${i}.hook_attn_out`);
  const headShares = Array.from({ length: L }, (_, i) => `blocks.${i}.attn.head_shares`);
  const biases = Array.from({ length: L }, (_, i) => model.weight(`h.${i}.attn.c_proj.bias`));

  const work = texts.map((t) => {
    const ids = tokenize(t.text).ids;
    if (ids.length === 0) throw new Error(`text ${JSON.stringify(t.id)} has no tokens: remove it from the corpus`);
    return { ...t, ids, chunks: chunkIds(ids, window, overlap) };
  });
  const chunks = work.flatMap((w, i) => w.chunks.map((c) => ({ text: w, textAt: i, c })));
  /** per chunk and layer: each position's ‖a_t‖ and ‖a_t − b_O‖ */
  const norms = chunks.map(() => new Array<[Float64Array, Float64Array]>(L));
  const taps = options.heads ? [...attnOut, ...headShares] : attnOut;

  // Progress in tokens measured (a token of an overlap counts once, in the chunk that measures it)
  // and texts finished; a chunk is finished when its last tap has arrived.
  const total = work.reduce((sum, w) => sum + w.ids.length, 0);
  const tapsSeen = new Int32Array(chunks.length);
  const chunksLeft = work.map((w) => w.chunks.length);
  let tokensDone = 0;
  let textsDone = 0;
  const report = () =>
    options.onProgress?.({ label: 'corpus', unit: 'tokens', done: tokensDone, total, detail: `${textsDone} of ${work.length} texts`, finished: textsDone === work.length });
  const chunkFinished = (k: number) => {
    const { textAt, c } = chunks[k];
    tokensDone += c.ids.length - c.contextOnly;
    if (--chunksLeft[textAt] === 0) textsDone++;
    report();
  };

  const measure = (k: number, tap: string, a: Activation) => {
    const layer = Number(tap.split('.')[1]);
    if (tap.endsWith('hook_attn_out')) return void (norms[k][layer] = rowNorms(a.data, biases[layer]));
    const { text, c } = chunks[k];
    options.heads!.addShares({ textIndex: text.index, textId: text.id, layer, shares: a.data, hasContext: contextMask(c) });
  };
  const onTap = (k: number, tap: string, a: Activation) => {
    measure(k, tap, a);
    if (++tapsSeen[k] === taps.length) chunkFinished(k);
  };
  report();
  await model.runBatch(chunks.map(({ c }) => c.ids), taps, { batchSize: options.batchSize, onTap });

  let next = 0;
  return work.map((w) => {
    const own = norms.slice(next, (next += w.chunks.length));
    return { index: w.index, id: w.id, tokens: w.ids.length, chunks: w.chunks.length, rows: textRows(w.id, w.chunks, own) };
  });
}

/** [T]: 1 where a chunk's position is measured, 0 where it is context only. */
function contextMask(c: Chunk): Uint8Array {
  return Uint8Array.from(c.ids, (_, t) => (t >= c.contextOnly ? 1 : 0));
}

/** Each row's L2 norm of a row-major [T, C] matrix, and of the row less `bias` (summed in float64). */
function rowNorms(a: Float32Array, bias: Float32Array): [Float64Array, Float64Array] {
  const C = bias.length;
  const T = a.length / C;
  const norm = new Float64Array(T);
  const withoutBias = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    let rest = 0;
    for (let j = t * C, m = 0; m < C; j++, m++) {
      sum += a[j] * a[j];
      rest += (a[j] - bias[m]) ** 2;
    }
    norm[t] = Math.sqrt(sum);
    withoutBias[t] = Math.sqrt(rest);
  }
  return [norm, withoutBias];
}

/** One text's rows from its chunks' norms, by chunk, then layer, then position. */
function textRows(id: string, chunks: Chunk[], norms: [Float64Array, Float64Array][][]): CorpusNorms {
  const L = norms[0].length;
  const n = chunks.reduce((sum, c) => sum + c.ids.length, 0) * L;
  const rows = emptyRows(n);
  rows.text_id.fill(id);
  let r = 0;
  chunks.forEach((c, k) => {
    const tokens = displayTokens(c.ids);
    for (let layer = 0; layer < L; layer++) {
      const [norm, withoutBias] = norms[k][layer];
      for (let t = 0; t < c.ids.length; t++, r++) {
        if (!(norm[t] > 0) || !Number.isFinite(norm[t])) {
          throw new Error(`text ${JSON.stringify(id)}, chunk ${c.chunk}, layer ${layer}, position ${t}: the attention output's norm is ${norm[t]}; log norms need positive finite norms`);
        }
        rows.chunk[r] = c.chunk;
        rows.layer[r] = layer;
        rows.position[r] = t;
        rows.token_id[r] = c.ids[t];
        rows.token[r] = tokens[t];
        rows.norm[r] = norm[t];
        rows.log_norm[r] = Math.log(norm[t]);
        rows.has_context[r] = t >= c.contextOnly ? 1 : 0;
        rows.norm_without_bias[r] = withoutBias[t];
      }
    }
  });
  return rows;
}
