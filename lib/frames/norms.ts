/**
 * The attention-adjustment norms as a danfojs DataFrame: one row per layer and token, in layer-major
 * order, with the columns `layer, position, token_id, token, norm, log_norm`. And the lagged frame the
 * part-4 regressions use: log‖a_t‖ beside log‖a_t−1‖, log‖a_t−2‖ of the same layer.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';
import type { CorpusNorms } from './corpus-norms';
import type { AttentionNorms } from '../model/index';

export const NORM_COLUMNS = ['layer', 'position', 'token_id', 'token', 'norm', 'log_norm'] as const;

/** The columns of `normsFrame` as plain arrays (the frame is built from these): the corpus table's columns for one text. */
export type NormColumns = { [K in (typeof NORM_COLUMNS)[number]]: CorpusNorms[K] extends string[] ? string[] : number[] };

/** Checks the shapes and values and flattens `norms[layer][position]` into columns. */
export function normColumns({ ids, tokens, norms }: AttentionNorms): NormColumns {
  if (ids.length !== tokens.length) {
    throw new Error(`normColumns: ${ids.length} token ids but ${tokens.length} token strings; pass the ids and tokens of the same text`);
  }
  if (norms.length === 0) {
    throw new Error('normColumns: norms has no layers; pass attentionAdjustmentNorms(model, input)');
  }
  const columns: NormColumns = { layer: [], position: [], token_id: [], token: [], norm: [], log_norm: [] };
  norms.forEach((row, layer) => {
    if (row.length !== ids.length) {
      throw new Error(`normColumns: layer ${layer} has ${row.length} norms for ${ids.length} tokens; norms must be [layer][position]`);
    }
    row.forEach((norm, position) => {
      if (!(norm > 0) || !Number.isFinite(norm)) {
        throw new Error(`normColumns: the norm at layer ${layer}, position ${position} is ${norm}; log norms need positive finite norms`);
      }
      columns.layer.push(layer);
      columns.position.push(position);
      columns.token_id.push(ids[position]);
      columns.token.push(tokens[position]);
      columns.norm.push(norm);
      columns.log_norm.push(Math.log(norm));
    });
  });
  return columns;
}

/** One row per layer and token: layer, position, token_id, token, norm, log_norm (natural log). */
export function normsFrame(input: AttentionNorms): DataFrame {
  return new DataFrame(normColumns(input), { columns: [...NORM_COLUMNS] });
}

export interface LagOptions {
  /** How many earlier tokens of the same layer become regressors (lag1 .. lagK). */
  lags?: number;
  /** The first position that may appear at all, as a response or a lag (1 leaves out token 0). */
  firstPosition?: number;
}

/**
 * For each layer, the rows t = firstPosition + lags .. T−1 with `log_norm` (the response) and
 * `lag1..lagK` = log_norm at t−1 .. t−K in the same layer. With the defaults (2 lags, token 0 left out,
 * as the article does) a 95-token text gives t = 3..94: 92 rows per layer.
 * Columns: layer, position, token, log_norm, lag1, .., lagK.
 */
export function lagFrame(norms: DataFrame, options: LagOptions = {}): DataFrame {
  const lags = options.lags ?? 2;
  const firstPosition = options.firstPosition ?? 1;
  if (!Number.isInteger(lags) || lags < 1) {
    throw new Error(`lagFrame: lags must be a positive integer, got ${lags}`);
  }
  const layer = norms.column('layer').values as number[];
  const position = norms.column('position').values as number[];
  const token = norms.column('token').values as string[];
  const logNorm = norms.column('log_norm').values as number[];

  // Index each layer's log norms by position, so lags never cross from one layer into the next.
  const byLayer = new Map<number, Map<number, number>>();
  layer.forEach((l, i) => {
    if (!byLayer.has(l)) byLayer.set(l, new Map());
    byLayer.get(l)!.set(position[i], logNorm[i]);
  });

  const out: Record<string, Array<number | string>> = { layer: [], position: [], token: [], log_norm: [] };
  for (let k = 1; k <= lags; k++) out[`lag${k}`] = [];
  layer.forEach((l, i) => {
    const t = position[i];
    if (t - lags < firstPosition) return;
    const own = byLayer.get(l)!;
    const lagged: number[] = [];
    for (let k = 1; k <= lags; k++) {
      const value = own.get(t - k);
      if (value === undefined) return; // a gap in the positions: no complete row
      lagged.push(value);
    }
    out.layer.push(l);
    out.position.push(t);
    out.token.push(token[i]);
    out.log_norm.push(logNorm[i]);
    lagged.forEach((value, k) => out[`lag${k + 1}`].push(value));
  });
  if (out.layer.length === 0) {
    throw new Error(`lagFrame: no rows: the text needs more than ${firstPosition + lags} tokens for ${lags} lags from position ${firstPosition}`);
  }
  return new DataFrame(out);
}
