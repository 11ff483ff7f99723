// Least squares and formulas on hostile input: wide designs in well under a second, formulas of
// thousands of terms and deep nesting (a formula error, never a stack overflow), functions looked up
// as own names only, np.log of a negative value dropping its row as patsy does, and a property test:
// any formula gives a design or a formula error, never another exception. (Data scaled by 1e155 or
// 1e-170 and nearly equal columns are in stats-robust-goldens.test.ts, against statsmodels.)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { designMatrices, normal, ols, olsFormula } from '../lib/stats';

const gauss = normal(12);
const data = Array.from({ length: 12 }, (_, i) => ({ y: gauss(), x: gauss(), z: i % 5, g: ['a', 'b', 'c'][i % 3], neg: i - 4 }));

describe('wide designs', () => {
  it('n = 30, k = 400: fit and summary in well under a second, rank 30, the minimum-norm solution', () => {
    const X = Array.from({ length: 30 }, () => Array.from({ length: 400 }, () => gauss()));
    const y = X.map(() => gauss());
    ols(y, X).summary(); // compile the code paths once
    const start = performance.now();
    const res = ols(y, X);
    res.summary();
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(1000);
    expect(res.rank).toBe(30);
    // 30 equations, 400 unknowns: the minimum-norm solution fits exactly and lies in X's row space.
    res.fittedValues.forEach((f, i) => expect(f).toBeCloseTo(y[i], 9));
  });

  it('1,000 I() terms on 30 rows: a design and a fit in seconds', () => {
    const formula = 'y ~ ' + Array.from({ length: 1000 }, (_, i) => `I(x * ${i + 1} + z ** 2)`).join(' + ');
    const start = performance.now();
    const res = olsFormula(formula, data);
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(res.exogNames.length).toBe(1001);
    expect(res.rank).toBe(3); // every term is a combination of 1, x and z^2
  });
});

describe('formulas that used to overflow the stack or misread names', () => {
  it('5,000 terms: a design, no RangeError', () => {
    const formula = 'y ~ ' + Array.from({ length: 5000 }, (_, i) => `I(x + ${i})`).join(' + ');
    const d = designMatrices(formula, data.slice(0, 3));
    expect(d.names.length).toBe(5001);
  });
  it('5,000 terms inside one I(): a design', () => {
    const d = designMatrices(`y ~ I(${Array.from({ length: 5000 }, () => 'x').join(' + ')})`, data);
    expect(d.X[0][1]).toBeCloseTo(5000 * data[0].x, 9);
  });
  it('10,000 nested parentheses: a formula error naming the limit', () => {
    const deep = '('.repeat(10_000) + 'x' + ')'.repeat(10_000);
    expect(() => designMatrices(`y ~ ${deep}`, data)).toThrow(/^formula: .*nested more than 200 levels/);
    expect(() => designMatrices(`y ~ I(${deep})`, data)).toThrow(/^formula: .*nested more than 200 levels/);
  });
  it('functions are looked up as own names: constructor(x) and valueOf(x) are unknown functions', () => {
    expect(() => designMatrices('y ~ constructor(x)', data)).toThrow(/^formula: unknown function constructor\(\.\.\.\)/);
    expect(() => designMatrices('y ~ valueOf(x)', data)).toThrow(/^formula: unknown function valueOf\(\.\.\.\)/);
    expect(() => designMatrices('y ~ np.toString(x)', data)).toThrow(/^formula: unknown function np\.toString/);
    expect(() => designMatrices('y ~ np.log()', data)).toThrow(/^formula: np\.log\(\.\.\.\) takes 1 argument, got 0/);
  });
  it('np.log of a negative value drops that row, as patsy does (statsmodels fits on the rest)', () => {
    // neg = i - 4: rows 0..4 (neg <= 0) give NaN or -inf; patsy drops NaN rows and keeps -inf,
    // which statsmodels then refuses; here neg + 0 > 0 only from row 5 on, so use neg + 0.5.
    const d = designMatrices('y ~ np.log(neg + 0.5)', data);
    expect(d.rows).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(d.X[0][1]).toBeCloseTo(Math.log(0.5), 14);
    const res = olsFormula('y ~ np.log(neg + 0.5)', data);
    expect(res.nobs).toBe(8);
  });
});

describe('property: any formula gives a design or a formula error', () => {
  const names = ['y', 'x', 'z', 'g', 'neg', 'nope', 'constructor', '__proto__', 'toString'];
  const functions = ['np.log', 'np.sqrt', 'I', 'C', 'Q', 'np.power', 'np.square', 'valueOf', 'hasOwnProperty', 'np.exp', 'f'];
  const atom = fc.oneof(fc.constantFrom(...names), fc.constantFrom('0', '1', '2.5', '1e3', "'x'", '"g"'));
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      fc.tuple(tie('e'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', ':', ' ** ', ' // ', ' % ', ', ', ' ~ '), tie('e')).map(([a, op, b]) => `${a}${op}${b}`),
      fc.tuple(fc.constantFrom(...functions), fc.array(tie('e'), { maxLength: 3 })).map(([f, args]) => `${f}(${args.join(', ')})`),
      tie('e').map((e) => `(${e})`),
      tie('e').map((e) => `-${e}`),
    ),
  })).e;
  const formula = fc.oneof(
    fc.tuple(expr, expr).map(([lhs, rhs]) => `${lhs} ~ ${rhs}`),
    expr,
    fc.string({ maxLength: 40 }),
    fc.tuple(expr, fc.string({ maxLength: 6 }), expr).map(([a, junk, b]) => `${a} ~ ${junk}${b}`),
  );
  it('never another exception (1,000 random formulas)', () => {
    fc.assert(
      fc.property(formula, (f) => {
        try {
          const d = designMatrices(f, data);
          return Array.isArray(d.X) && d.X.length === d.y.length && d.names.length === (d.X[0]?.length ?? 0);
        } catch (error) {
          return error instanceof Error && error.constructor === Error && error.message.startsWith('formula:');
        }
      }),
      { numRuns: 1000, seed: 20261204 },
    );
  });
});
