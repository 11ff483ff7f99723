// Each head's share of ‖a_t‖², checked against a hand computation, and the accumulator's promise:
// a corpus split into shards and merged in any order gives the same means, bit for bit.
import { describe, expect, it } from 'vitest';
import { HeadShareAccumulator, HeadShareInput, headSharesTable } from '../lib/frames/corpus-head-shares';
import { normal } from '../lib/stats/random';

const BIAS = Float32Array.from([1, 0]);

/** One layer of a chunk from per-token head outputs r[t][h] (C = 2); attn_out = Σ_h r + b_O, exact in small integers. */
function chunk(textIndex: number, textId: string, layer: number, r: number[][][], hasContext: number[]): HeadShareInput {
  const attnOut = r.flatMap((heads) => [0, 1].map((c) => heads.reduce((s, head) => s + head[c], BIAS[c])));
  return { textIndex, textId, layer, result: Float32Array.from(r.flat(2)), attnOut: Float32Array.from(attnOut), bias: BIAS, hasContext: Uint8Array.from(hasContext) };
}

describe('head shares by hand', () => {
  // Text 0, layer 0, three tokens (the last context only), two heads, C = 2, b_O = (1, 0):
  //   t0: r0 = (1, 0), r1 = (0, 2) → a = (2, 2), ‖a‖² = 8: shares 2/8, 4/8, bias 2/8
  //   t1: r0 = (3, 0), r1 = (−1, 1) → a = (3, 1), ‖a‖² = 10: shares 9/10, −2/10, bias 3/10
  //   t2: context only, left out
  // Text 1, layer 0, one token: r0 = (0, 1), r1 = (0, 1) → a = (1, 2), ‖a‖² = 5: shares 2/5, 2/5, bias 1/5
  const text0 = chunk(0, 'first', 0, [[[1, 0], [0, 2]], [[3, 0], [-1, 1]], [[5, 5], [5, 5]]], [1, 1, 0]);
  const text1 = chunk(1, 'second', 0, [[[0, 1], [0, 1]]], [1]);

  it('sums each text\'s shares over its measured tokens', () => {
    const acc = new HeadShareAccumulator();
    acc.add(text0);
    acc.add(text1);
    const sums = acc.sums();
    expect(Array.from(sums.text_index)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(sums.text_id).toEqual(['first', 'first', 'first', 'second', 'second', 'second']);
    expect(Array.from(sums.head)).toEqual([-1, 0, 1, -1, 0, 1]);
    expect(Array.from(sums.tokens)).toEqual([2, 2, 2, 1, 1, 1]);
    const expected = [2 / 8 + 3 / 10, 2 / 8 + 9 / 10, 4 / 8 - 2 / 10, 1 / 5, 2 / 5, 2 / 5];
    sums.share_sum.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 15));
  });

  it('averages over every measured token of the corpus; a token\'s shares sum to 1', () => {
    const acc = new HeadShareAccumulator();
    acc.add(text0);
    acc.add(text1);
    const means = acc.means();
    expect(means).toMatchObject({ layers: [0], heads: 2, tokens: [3], texts: 2 });
    expect(means.share[0][0]).toBeCloseTo((0.25 + 0.9 + 0.4) / 3, 15);
    expect(means.share[0][1]).toBeCloseTo((0.5 - 0.2 + 0.4) / 3, 15);
    expect(means.bias[0]).toBeCloseTo((0.25 + 0.3 + 0.2) / 3, 15);
    // per token: text 1 has one token, so its sums are its shares
    const one = new HeadShareAccumulator();
    one.add(text1);
    const m = one.means();
    expect(m.share[0][0] + m.share[0][1] + m.bias[0]).toBe(1);
    expect(means.share[0][0] + means.share[0][1] + means.bias[0]).toBeCloseTo(1, 15);
  });

  it('tabulates the means with the bias as head −1', () => {
    const acc = new HeadShareAccumulator();
    acc.add(text1);
    const table = headSharesTable(acc.means());
    expect(table.columns).toEqual(['layer', 'head', 'share']);
    expect(table.column('head').values).toEqual([0, 1, -1]);
    (table.column('share').values as number[]).forEach((v, i) => expect(v).toBeCloseTo([0.4, 0.4, 0.2][i], 15));
  });
});

describe('shards merge exactly', () => {
  // 40 texts of 1-3 chunks, 3 layers, 4 heads, C = 8, random float32 outputs; later chunks have 2 context positions.
  const H = 4;
  const C = 8;
  const draw = normal(20261206);
  const inputs: HeadShareInput[] = [];
  for (let text = 0; text < 40; text++) {
    const chunks = 1 + (text % 3);
    for (let c = 0; c < chunks; c++) {
      const T = 3 + ((text * 7 + c) % 6);
      for (let layer = 0; layer < 3; layer++) {
        const bias = Float32Array.from({ length: C }, () => 0.1 * draw(0, 1));
        const result = Float32Array.from({ length: T * H * C }, () => draw(0, 1));
        const attnOut = new Float32Array(T * C);
        for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) {
          let s = bias[k];
          for (let h = 0; h < H; h++) s += result[(t * H + h) * C + k];
          attnOut[t * C + k] = s;
        }
        const hasContext = Uint8Array.from({ length: T }, (_, t) => (c > 0 && t < 2 ? 0 : 1));
        inputs.push({ textIndex: text, textId: `text-${text}`, layer, result, attnOut, bias, hasContext });
      }
    }
  }
  const pass = (which: (input: HeadShareInput) => boolean) => {
    const acc = new HeadShareAccumulator();
    for (const input of inputs) if (which(input)) acc.add(input);
    return acc;
  };
  const whole = pass(() => true).means();

  it('gives the same means from two halves, merged either way, and from sums written and read back', () => {
    const firstHalf = (input: HeadShareInput) => input.textIndex < 17;
    const evens = (input: HeadShareInput) => input.textIndex % 2 === 0;
    for (const split of [firstHalf, evens]) {
      const a = () => pass(split);
      const b = () => pass((input) => !split(input));
      expect(a().merge(b()).means()).toEqual(whole);
      expect(b().merge(a()).means()).toEqual(whole);
      expect(HeadShareAccumulator.fromSums(b().sums()).merge(HeadShareAccumulator.fromSums(a().sums())).means()).toEqual(whole);
    }
    expect(whole.texts).toBe(40);
    expect(whole.share.map((row) => row.length)).toEqual([H, H, H]);
  });

  it('has shares that sum to 1 in every layer, up to float32 rounding', () => {
    whole.layers.forEach((_, i) => expect(Math.abs(whole.share[i].reduce((s, v) => s + v, whole.bias[i]) - 1)).toBeLessThan(1e-5));
  });

  it('refuses a text in two shards, and mismatched shapes, with what to do', () => {
    const one = pass((input) => input.textIndex < 2);
    const overlapping = pass((input) => input.textIndex === 1);
    expect(() => one.merge(overlapping)).toThrow(/text "text-1" \(index 1\) is in both; shard the corpus by text/);
    const acc = new HeadShareAccumulator();
    const good = inputs[0];
    expect(() => acc.add({ ...good, attnOut: good.attnOut.subarray(1) })).toThrow(/attnOut has \d+ values for \d+ tokens × 8 channels; pass hook_attn_out \[T, C\]/);
    expect(() => acc.add({ ...good, result: good.result.subarray(1) })).toThrow(/result has \d+ values, not a multiple of \d+ tokens × 8 channels/);
    expect(() => acc.add({ ...good, textIndex: -1 })).toThrow(/textIndex -1 is not a non-negative integer/);
    acc.add(good);
    expect(() => acc.add({ ...good, textId: 'other' })).toThrow(/text index 0 is "text-0", not "other"; give each text one index/);
    expect(() => acc.add({ ...good, attnOut: new Float32Array(good.attnOut.length) })).toThrow(/‖a_t‖² is 0 at text "text-0", layer 0, position 0/);
    expect(() => new HeadShareAccumulator().means()).toThrow(/no tokens were added/);
    expect(() => HeadShareAccumulator.fromSums({ ...one.sums(), tokens: new Float64Array(2) })).toThrow(/column tokens has 2 values for \d+ rows; pass what sums\(\) returned/);
  });
});
