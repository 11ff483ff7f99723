// The synthetic corpus of test/fixtures/corpus/corpus-goldens.json (made by test/python/corpus_goldens.py) as a CorpusNorms table.
import * as fs from 'fs';
import * as path from 'path';
import type { CorpusNorms } from '../../lib/frames/corpus-norms';
import { FIXTURES } from './fixtures';

/** statsmodels' answers on the synthetic corpus (see the generator's docstring). */
export const CORPUS_GOLDENS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'corpus', 'corpus-goldens.json'), 'utf8'));

/** The goldens' corpus table, columns typed as a corpus run writes them. */
export function goldenCorpus(): CorpusNorms {
  const c = CORPUS_GOLDENS.corpus;
  return {
    text_id: c.text_id,
    chunk: Int32Array.from(c.chunk),
    layer: Int32Array.from(c.layer),
    position: Int32Array.from(c.position),
    token_id: Int32Array.from(c.token_id),
    token: c.token,
    norm: Float64Array.from(c.norm),
    log_norm: Float64Array.from(c.log_norm),
    has_context: Uint8Array.from(c.has_context),
    norm_without_bias: Float64Array.from(c.norm_without_bias),
  };
}

/** The table's rows i for which keep(i) holds. */
export function keepRows(c: CorpusNorms, keep: (i: number) => boolean): CorpusNorms {
  const rows = c.text_id.map((_, i) => i).filter(keep);
  return {
    text_id: rows.map((i) => c.text_id[i]),
    chunk: Int32Array.from(rows, (i) => c.chunk[i]),
    layer: Int32Array.from(rows, (i) => c.layer[i]),
    position: Int32Array.from(rows, (i) => c.position[i]),
    token_id: Int32Array.from(rows, (i) => c.token_id[i]),
    token: rows.map((i) => c.token[i]),
    norm: Float64Array.from(rows, (i) => c.norm[i]),
    log_norm: Float64Array.from(rows, (i) => c.log_norm[i]),
    has_context: Uint8Array.from(rows, (i) => c.has_context[i]),
    norm_without_bias: Float64Array.from(rows, (i) => c.norm_without_bias[i]),
  };
}
