// The corpus table's checks and the lag design on a corpus small enough to count by hand.
import { describe, expect, it } from 'vitest';
import { CorpusNorms, corpusLagDesign, corpusShape } from '../lib/frames/corpus-norms';
import { goldenCorpus, keepRows } from './helpers/corpus';

/** Texts of [chunk lengths] with `layers` layers; chunks after the first have `overlap` context positions. log_norm = text·100 + chunk·10 + layer + position/100. */
function corpus(texts: Record<string, number[]>, layers: number, overlap: number): CorpusNorms {
  const rows: Array<[string, number, number, number, number]> = [];
  Object.entries(texts).forEach(([id, chunks]) =>
    chunks.forEach((length, chunk) => {
      for (let layer = 0; layer < layers; layer++) for (let position = 0; position < length; position++) rows.push([id, chunk, layer, position, chunk > 0 && position < overlap ? 0 : 1]);
    }),
  );
  const ids = Object.keys(texts);
  const log = rows.map(([id, chunk, layer, position]) => ids.indexOf(id) * 100 + chunk * 10 + layer + position / 100);
  return {
    text_id: rows.map((r) => r[0]),
    chunk: Int32Array.from(rows, (r) => r[1]),
    layer: Int32Array.from(rows, (r) => r[2]),
    position: Int32Array.from(rows, (r) => r[3]),
    token_id: Int32Array.from(rows, (r) => r[3] + 1000),
    token: rows.map((r) => ` w${r[3]}`),
    norm: Float64Array.from(log, Math.exp),
    log_norm: Float64Array.from(log),
    has_context: Uint8Array.from(rows, (r) => r[4]),
    norm_without_bias: Float64Array.from(log, (v) => Math.exp(v) / 2),
  };
}

describe('the lag design by hand', () => {
  // text a: one chunk of 6 positions; text b: chunks of 6 and 5 with overlap 2; 2 layers.
  const table = corpus({ a: [6], b: [6, 5] }, 2, 2);
  const design = corpusLagDesign(table);

  it('takes t = 3..5 in first chunks and t = 4 in the later one (positions 2, 3 measured as lags)', () => {
    expect(corpusShape(table)).toEqual({ textIds: ['a', 'b'], layers: 2 });
    const layer1 = design.layers[1];
    // a, chunk 0, layer 1: 1 + t/100 for t = 3, 4, 5; b, chunk 0: 101 + t/100; b, chunk 1: 111 + t/100 for t = 4.
    expect(Array.from(layer1.y)).toEqual([1.03, 1.04, 1.05, 101.03, 101.04, 101.05, 111.04]);
    expect(Array.from(layer1.lag1)).toEqual([1.02, 1.03, 1.04, 101.02, 101.03, 101.04, 111.03]);
    expect(Array.from(layer1.lag2)).toEqual([1.01, 1.02, 1.03, 101.01, 101.02, 101.03, 111.02]);
    expect(Array.from(layer1.text)).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });

  it('takes t ≥ 3 in a later chunk without overlap (position 0 left out as in the first)', () => {
    const noOverlap = corpusLagDesign(corpus({ a: [5, 5] }, 1, 0));
    expect(Array.from(noOverlap.layers[0].y)).toEqual([0.03, 0.04, 10.03, 10.04]);
  });

  it('regresses log‖a − b_O‖ when asked', () => {
    const without = corpusLagDesign(table, 'log_norm_without_bias');
    expect(without.response).toBe('log_norm_without_bias');
    without.layers[0].y.forEach((v, i) => expect(v).toBeCloseTo(design.layers[0].y[i] - Math.log(2), 12));
  });
});

describe('bad corpus tables', () => {
  const with_ = (change: (c: CorpusNorms) => void) => {
    const c = goldenCorpus();
    change(c);
    return c;
  };

  it('names a missing or short column', () => {
    expect(() => corpusShape(with_((c) => delete (c as Partial<CorpusNorms>).has_context))).toThrow(/corpus table: no column has_context; a corpus table has the columns text_id, chunk/);
    expect(() => corpusShape(with_((c) => (c.norm = c.norm.subarray(1))))).toThrow(/column norm has 419 values but text_id has 420/);
    expect(() => corpusShape(corpus({}, 1, 0))).toThrow(/it has no rows/);
  });

  it('names the row where the order breaks', () => {
    expect(() => corpusShape(with_((c) => (c.position[5] = 7)))).toThrow(/row 5 \(text "alpha", chunk 0, layer 0, position 7\) follows position 4; rows must be ordered by text, chunk, layer and position/);
    expect(() => corpusShape(with_((c) => (c.layer.fill(2, 16, 32))))).toThrow(/row 16 \(text "alpha", chunk 0, layer 2, position 0\) follows layer 0/);
    // a text's rows split in two runs
    const c = corpus({ a: [4], b: [4] }, 1, 0);
    c.text_id = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'].map((id, i) => (i >= 6 ? 'a' : id));
    expect(() => corpusShape(c)).toThrow(/row 6 \(text "a", chunk 0, layer 0, position 2\) starts a second run of rows of a text that came earlier/);
    expect(() => corpusShape(with_((c) => (c.chunk.fill(1, 0, 64))))).toThrow(/row 0 \(text "alpha", chunk 1, .*\) starts a text at a chunk other than 0/);
  });

  it('names chunks with missing layers or positions', () => {
    // text b's chunk has only layer 0 where text a's has two layers
    expect(() => corpusShape(keepRows(corpus({ a: [4], b: [4] }, 2, 0), (i) => i < 12))).toThrow(
      /row 11 \(text "b", chunk 0, layer 0, position 3\) ends a chunk with 1 layers where the first chunk has 2/,
    );
    // layer 1 lacks the last position that layer 0 has
    expect(() => corpusShape(keepRows(corpus({ a: [4] }, 2, 0), (i) => i !== 7))).toThrow(
      /row 6 \(text "a", chunk 0, layer 1, position 2\) ends a layer of 3 positions where layer 0 of the chunk has 4/,
    );
  });

  it('names a bad has_context and a norm whose log is not finite', () => {
    expect(() => corpusShape(with_((c) => (c.has_context[3] = 2)))).toThrow(/row 3 .* has has_context 2, not 0 or 1/);
    expect(() => corpusLagDesign(with_((c) => (c.log_norm[10] = NaN)))).toThrow(/corpusLagDesign: row 10 \(text "alpha", chunk 0, layer 0, position 10\) has log_norm NaN; the design needs finite logs of positive norms/);
    expect(() => corpusLagDesign(with_((c) => (c.norm_without_bias[10] = 0)), 'log_norm_without_bias')).toThrow(/row 10 .* has norm_without_bias 0/);
    expect(() => corpusLagDesign(goldenCorpus(), 'norm' as never)).toThrow(/response "norm" is not 'log_norm' or 'log_norm_without_bias'/);
  });
});
