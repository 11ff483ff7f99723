/**
 * The corpus table of attention-adjustment norms, one row per text, chunk, layer and position, and
 * the lag design of the corpus regressions, both as plain columns (typed arrays where numeric): a
 * corpus holds millions of rows, too many for a DataFrame.
 *
 * Texts longer than the model's context are cut into chunks that overlap by `overlap` tokens; in a
 * chunk after the first, the first `overlap` positions are context only (has_context 0: computed
 * with a truncated context, and measured already in the previous chunk). The design is the article's
 * within each chunk and layer,
 *
 *   log‖a_t‖ = β0 + β1 log‖a_t−1‖ + β2 log‖a_t−2‖ + ε,
 *
 * on the rows whose t, t−1 and t−2 are measured (has_context 1) and not position 0, the window's first
 * token (an outlier in every layer, left out as the article leaves out token 0): t ≥ 3 in a first
 * chunk, t ≥ max(overlap, 1) + 2 in a later one. Lags never cross chunks, layers or texts.
 */

/** What a corpus run writes: rows ordered by text, then chunk, then layer, then position. */
export interface CorpusNorms {
  text_id: string[];
  /** 0, 1, ... within the text. */
  chunk: Int32Array;
  layer: Int32Array;
  /** Within the chunk, from 0. */
  position: Int32Array;
  token_id: Int32Array;
  token: string[];
  /** ‖a_t‖ (hook_attn_out). */
  norm: Float64Array;
  log_norm: Float64Array;
  /** 1, or 0 for the first `overlap` positions of a chunk after the first. */
  has_context: Uint8Array;
  /** ‖a_t − b_O‖: the attention output without c_proj's bias. */
  norm_without_bias: Float64Array;
}

/** The columns of a corpus table, in the order they are written. */
export const CORPUS_COLUMNS = ['text_id', 'chunk', 'layer', 'position', 'token_id', 'token', 'norm', 'log_norm', 'has_context', 'norm_without_bias'] as const;

/** The response of the lag design: log‖a_t‖, or log‖a_t − b_O‖ (the adjustment without c_proj's bias). */
export type LagResponse = 'log_norm' | 'log_norm_without_bias';

/** The design's columns: the constant and the two lags, statsmodels' names for them. */
export const LAG_NAMES = ['const', 'lag1', 'lag2'];

/** One layer's rows of the design, in corpus order, so that each text's rows are contiguous. */
export interface LayerLagDesign {
  layer: number;
  y: Float64Array;
  lag1: Float64Array;
  lag2: Float64Array;
  /** Each row's text, as an index into `textIds`. */
  text: Int32Array;
}

export interface CorpusLagDesign {
  response: LagResponse;
  /** The texts in corpus order. */
  textIds: string[];
  /** One design per layer, layer l at index l. */
  layers: LayerLagDesign[];
}

/** One corpus table of several, in order (the texts' tables of a run, say). */
export function concatRows(tables: CorpusNorms[]): CorpusNorms {
  const n = tables.reduce((sum, t) => sum + t.norm.length, 0);
  const out = emptyRows(n);
  let at = 0;
  for (const t of tables) {
    for (const name of CORPUS_COLUMNS) {
      const column = out[name] as unknown as { set?: (v: ArrayLike<unknown>, at: number) => void } & unknown[];
      if (column.set) column.set(t[name] as ArrayLike<unknown>, at);
      else (t[name] as unknown[]).forEach((v, i) => (column[at + i] = v));
    }
    at += t.norm.length;
  }
  return out;
}

/** A corpus table of `n` rows to fill in (numbers 0, strings unset). */
export function emptyRows(n: number): CorpusNorms {
  return {
    text_id: new Array<string>(n),
    chunk: new Int32Array(n),
    layer: new Int32Array(n),
    position: new Int32Array(n),
    token_id: new Int32Array(n),
    token: new Array<string>(n),
    norm: new Float64Array(n),
    log_norm: new Float64Array(n),
    has_context: new Uint8Array(n),
    norm_without_bias: new Float64Array(n),
  };
}

/** The texts in order and the number of layers of a corpus table whose order has been checked. */
export interface CorpusShape {
  textIds: string[];
  layers: number;
}

function where(c: CorpusNorms, i: number): string {
  return `row ${i} (text ${JSON.stringify(c.text_id[i])}, chunk ${c.chunk[i]}, layer ${c.layer[i]}, position ${c.position[i]})`;
}

/**
 * Checks that every column is there with one value per row and that the rows are ordered as a corpus
 * run writes them (each text once, chunks 0, 1, ..., layers 0..L−1 in every chunk, positions 0, 1, ...
 * with as many in every layer of a chunk); returns the texts in order and L.
 */
export function corpusShape(c: CorpusNorms): CorpusShape {
  const missing = CORPUS_COLUMNS.filter((name) => c[name] == null || typeof c[name].length !== 'number');
  if (missing.length) throw new Error(`corpus table: no column ${missing.join(', ')}; a corpus table has the columns ${CORPUS_COLUMNS.join(', ')}`);
  const n = c.text_id.length;
  const ragged = CORPUS_COLUMNS.find((name) => c[name].length !== n);
  if (ragged) throw new Error(`corpus table: column ${ragged} has ${c[ragged].length} values but text_id has ${n}; every column needs one value per row`);
  if (n === 0) throw new Error('corpus table: it has no rows; run the corpus first');
  const fail = (i: number, problem: string): never => {
    throw new Error(`corpus table: ${where(c, i)} ${problem}; rows must be ordered by text, chunk, layer and position, each text once, with every layer and position of each chunk`);
  };
  const textIds: string[] = [];
  const seen = new Set<string>();
  let layers = -1; // layers of the first chunk, which every chunk must have
  let chunkLength = -1; // positions in layer 0 of the current chunk
  const endChunk = (last: number) => {
    const count = c.layer[last] + 1;
    if (layers === -1) layers = count;
    else if (count !== layers) fail(last, `ends a chunk with ${count} layers where the first chunk has ${layers}`);
  };
  const endLayer = (last: number) => {
    const length = c.position[last] + 1;
    if (c.layer[last] === 0) chunkLength = length;
    else if (length !== chunkLength) fail(last, `ends a layer of ${length} positions where layer 0 of the chunk has ${chunkLength}`);
  };
  for (let i = 0; i < n; i++) {
    const id = c.text_id[i];
    if (typeof id !== 'string') fail(i, `has text_id ${JSON.stringify(id)}, not a string`);
    if (c.has_context[i] !== 0 && c.has_context[i] !== 1) fail(i, `has has_context ${c.has_context[i]}, not 0 or 1`);
    const newText = i === 0 || id !== c.text_id[i - 1];
    const newChunk = newText || c.chunk[i] !== c.chunk[i - 1];
    const newLayer = newChunk || c.layer[i] !== c.layer[i - 1];
    if (i > 0 && newLayer) endLayer(i - 1);
    if (i > 0 && newChunk) endChunk(i - 1);
    if (newText) {
      if (seen.has(id)) fail(i, 'starts a second run of rows of a text that came earlier');
      seen.add(id);
      textIds.push(id);
      if (c.chunk[i] !== 0) fail(i, 'starts a text at a chunk other than 0');
    } else if (newChunk && c.chunk[i] !== c.chunk[i - 1] + 1) fail(i, `follows chunk ${c.chunk[i - 1]}`);
    if (newChunk && c.layer[i] !== 0) fail(i, 'starts a chunk at a layer other than 0');
    if (!newChunk && newLayer && c.layer[i] !== c.layer[i - 1] + 1) fail(i, `follows layer ${c.layer[i - 1]}`);
    if (newLayer ? c.position[i] !== 0 : c.position[i] !== c.position[i - 1] + 1) {
      fail(i, newLayer ? 'starts a layer at a position other than 0' : `follows position ${c.position[i - 1]}`);
    }
  }
  endLayer(n - 1);
  endChunk(n - 1);
  return { textIds, layers };
}

/**
 * The lag design of every layer (see the top of this file) on log‖a_t‖ (`log_norm`) or on
 * log‖a_t − b_O‖ (`log_norm_without_bias`, the log of norm_without_bias).
 */
export function corpusLagDesign(c: CorpusNorms, response: LagResponse = 'log_norm'): CorpusLagDesign {
  if (response !== 'log_norm' && response !== 'log_norm_without_bias') {
    throw new Error(`corpusLagDesign: response ${JSON.stringify(response)} is not 'log_norm' or 'log_norm_without_bias'`);
  }
  const { textIds, layers } = corpusShape(c);
  const value = (i: number): number => {
    const v = response === 'log_norm' ? c.log_norm[i] : Math.log(c.norm_without_bias[i]);
    if (!Number.isFinite(v)) {
      const what = response === 'log_norm' ? `log_norm ${c.log_norm[i]}` : `norm_without_bias ${c.norm_without_bias[i]}`;
      throw new Error(`corpusLagDesign: ${where(c, i)} has ${what}; the design needs finite logs of positive norms`);
    }
    return v;
  };
  const usable = (i: number) => c.has_context[i] === 1 && c.position[i] >= 1;
  // Positions run 0, 1, ... within a chunk and layer (corpusShape checked it), so rows i − 1 and
  // i − 2 are t − 1 and t − 2 of the same chunk and layer whenever t ≥ 2.
  const isRow = (i: number) => c.position[i] >= 3 && usable(i) && usable(i - 1) && usable(i - 2);
  const counts = new Array<number>(layers).fill(0);
  for (let i = 0; i < c.text_id.length; i++) if (isRow(i)) counts[c.layer[i]]++;
  const designs: LayerLagDesign[] = counts.map((rows, layer) => ({
    layer,
    y: new Float64Array(rows),
    lag1: new Float64Array(rows),
    lag2: new Float64Array(rows),
    text: new Int32Array(rows),
  }));
  const filled = new Array<number>(layers).fill(0);
  let text = -1;
  for (let i = 0; i < c.text_id.length; i++) {
    if (i === 0 || c.text_id[i] !== c.text_id[i - 1]) text++;
    if (!isRow(i)) continue;
    const d = designs[c.layer[i]];
    const r = filled[c.layer[i]]++;
    d.y[r] = value(i);
    d.lag1[r] = value(i - 1);
    d.lag2[r] = value(i - 2);
    d.text[r] = text;
  }
  return { response, textIds, layers: designs };
}
