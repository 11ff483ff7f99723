import { describe, expect, it } from 'vitest';
import { frameToCsv } from '../lib/frames/csv';
import { lagFrame, normsFrame } from '../lib/frames/norms';

// norms chosen so that log_norm = 10·layer + position, which makes every expected lag readable.
function syntheticNorms(nLayers: number, T: number) {
  return {
    ids: Array.from({ length: T }, (_, t) => 100 + t),
    tokens: Array.from({ length: T }, (_, t) => `tok${t}`),
    norms: Array.from({ length: nLayers }, (_, l) => Array.from({ length: T }, (_, t) => Math.exp(10 * l + t))),
  };
}

describe('normsFrame', () => {
  it('has one row per layer and token, layer-major, with the six columns', () => {
    const frame = normsFrame(syntheticNorms(2, 3));
    expect(frame.columns).toEqual(['layer', 'position', 'token_id', 'token', 'norm', 'log_norm']);
    expect(frame.shape).toEqual([6, 6]);
    expect(frame.column('layer').values).toEqual([0, 0, 0, 1, 1, 1]);
    expect(frame.column('position').values).toEqual([0, 1, 2, 0, 1, 2]);
    expect(frame.column('token_id').values).toEqual([100, 101, 102, 100, 101, 102]);
    expect(frame.column('token').values).toEqual(['tok0', 'tok1', 'tok2', 'tok0', 'tok1', 'tok2']);
    const logNorms = frame.column('log_norm').values as number[];
    [0, 1, 2, 10, 11, 12].forEach((expected, i) => expect(logNorms[i]).toBeCloseTo(expected, 12));
  });

  it('names the problem in bad input', () => {
    const bad = syntheticNorms(2, 3);
    bad.norms[1][2] = 0;
    expect(() => normsFrame(bad)).toThrow(/layer 1, position 2 is 0/);
    const short = syntheticNorms(2, 3);
    short.norms[0].pop();
    expect(() => normsFrame(short)).toThrow(/layer 0 has 2 norms for 3 tokens/);
    expect(() => normsFrame({ ...syntheticNorms(1, 3), tokens: ['a'] })).toThrow(/3 token ids but 1 token strings/);
  });
});

describe('lagFrame', () => {
  it('puts log norms of t−1 and t−2 of the same layer beside t, leaving out token 0', () => {
    const lagged = lagFrame(normsFrame(syntheticNorms(2, 6)));
    expect(lagged.columns).toEqual(['layer', 'position', 'token', 'log_norm', 'lag1', 'lag2']);
    expect(lagged.column('layer').values).toEqual([0, 0, 0, 1, 1, 1]);
    expect(lagged.column('position').values).toEqual([3, 4, 5, 3, 4, 5]);
    const lag1 = lagged.column('lag1').values as number[];
    const lag2 = lagged.column('lag2').values as number[];
    [2, 3, 4, 12, 13, 14].forEach((v, i) => expect(lag1[i]).toBeCloseTo(v, 12));
    [1, 2, 3, 11, 12, 13].forEach((v, i) => expect(lag2[i]).toBeCloseTo(v, 12));
  });

  it('gives the article\'s 92 rows per layer for 95 tokens', () => {
    const lagged = lagFrame(normsFrame(syntheticNorms(12, 95)));
    expect(lagged.shape[0]).toBe(12 * 92);
  });

  it('takes other lag counts and first positions', () => {
    const lagged = lagFrame(normsFrame(syntheticNorms(1, 6)), { lags: 1, firstPosition: 0 });
    expect(lagged.column('position').values).toEqual([1, 2, 3, 4, 5]);
    expect(lagged.columns).toEqual(['layer', 'position', 'token', 'log_norm', 'lag1']);
    expect(() => lagFrame(normsFrame(syntheticNorms(1, 3)))).toThrow(/needs more than 3 tokens/);
  });
});

describe('frameToCsv', () => {
  it('quotes tokens with commas, quotes, line breaks and edge spaces', () => {
    const input = {
      ids: [11, 1, 2, 3],
      tokens: [',', '"q"', ' a', 'a\nb'],
      norms: [[1, 1, 1, 1]],
    };
    expect(frameToCsv(normsFrame(input))).toBe(
      'layer,position,token_id,token,norm,log_norm\n' +
        '0,0,11,",",1,0\n' +
        '0,1,1,"""q""",1,0\n' +
        '0,2,2," a",1,0\n' +
        '0,3,3,"a\nb",1,0\n',
    );
  });
});
