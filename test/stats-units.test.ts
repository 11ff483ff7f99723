// Python number formatting, numpy histograms, formulas (patsy's names), seeded random numbers,
// distributions, and the errors bad input gets. Expected values were printed by Python 3 / numpy 1.24 /
// patsy 0.5 / scipy 1.10 (Debian 12).
import { describe, expect, it } from 'vitest';
import {
  addConstant,
  chiSquareSf,
  designMatrices,
  discreteUniform,
  fSf,
  histogram,
  histogramBinEdges,
  linspace,
  logspace,
  normal,
  normalPpf,
  ols,
  olsFormula,
  pyFormat,
  pyRepr,
  tPpf,
  tSf,
  uniform,
} from '../lib/stats';

describe('pyFormat matches Python %-formatting', () => {
  const cases: [string, number, string][] = [
    ['%#8.4g', 1002.3, '   1002.'],
    ['%#8.4g', 0.56741, '  0.5674'],
    ['%#6.3g', 2.49e-9, '2.49e-09'],
    ['%.2f', 0.125, '0.12'], // exact tie: Python rounds half to even, toFixed would give 0.13
    ['%#6.3f', 0.0625, ' 0.062'],
    ['%#8.3g', 9602291037300046, '9.60e+15'],
    ['%#8.5g', -328.79, ' -328.79'],
    ['%9.3g', 12345.678, ' 1.23e+04'],
    ['%10.4f', -1467.4896, '-1467.4896'],
    ['%g', 0, '0'],
    ['%#8.4g', 0, '   0.000'],
    ['%6.3g', 7.36e-30, '7.36e-30'],
    ['%#6d', 10, '    10'],
    ['%g', 1e-5, '1e-05'],
    ['%g', 123456789, '1.23457e+08'],
    ['%#8.3f', NaN, '     nan'],
    ['%10.4g', -0.00001234, '-1.234e-05'],
  ];
  for (const [spec, value, expected] of cases) {
    it(`${spec} % ${value} -> ${JSON.stringify(expected)}`, () => expect(pyFormat(spec, value)).toBe(expected));
  }
  it('repr of floats', () => {
    expect([0.025, 0.975, 1e-5, 1e16, 123.0, 1.5e300, 0.0001].map(pyRepr)).toEqual(['0.025', '0.975', '1e-05', '1e+16', '123.0', '1.5e+300', '0.0001']);
  });
  it('refuses a template and values that do not match', () => {
    expect(() => pyFormat('%g %g', 1)).toThrow(/needs more than 1/);
  });
});

describe('histogram matches numpy', () => {
  const xs = [1, 2, 2, 3, 3, 3, 4, 10, -5, 0.5, 7.25];
  const numpy: Record<string, { counts: number[]; edges: number[] }> = {
    fd: { counts: [1, 0, 0, 2, 5, 1, 0, 1, 1], edges: [-5, -3.333333333333333, -1.6666666666666665, 0, 1.666666666666667, 3.333333333333334, 5, 6.666666666666668, 8.333333333333334, 10] },
    sturges: { counts: [1, 1, 6, 1, 2], edges: [-5, -2, 1, 4, 7, 10] },
    scott: { counts: [1, 8, 2], edges: [-5, 0, 5, 10] },
    rice: { counts: [1, 1, 6, 1, 2], edges: [-5, -2, 1, 4, 7, 10] },
    sqrt: { counts: [1, 4, 4, 2], edges: [-5, -1.25, 2.5, 6.25, 10] },
    doane: { counts: [1, 1, 6, 1, 2], edges: [-5, -2, 1, 4, 7, 10] },
  };
  numpy.auto = numpy.fd;
  for (const [rule, expected] of Object.entries(numpy)) {
    it(`'${rule}'`, () => {
      expect(histogram(xs, rule as 'fd')).toEqual(expected);
      expect(histogramBinEdges(xs, rule as 'fd')).toEqual(expected.edges);
    });
  }
  it('a bin count, explicit edges and the closed last bin', () => {
    expect(histogram(xs, 4)).toEqual({ counts: [1, 4, 4, 2], edges: [-5, -1.25, 2.5, 6.25, 10] });
    expect(histogram(xs, [-5, 0, 3, 10]).counts).toEqual([1, 4, 6]);
    expect(histogram([1, 1, 1], 'fd')).toEqual({ counts: [3], edges: [0.5, 1.5] });
  });
  it('clear errors', () => {
    expect(() => histogram([1, NaN], 'fd')).toThrow(/index 1 is not finite/);
    expect(() => histogram([1, 2], 'nope' as 'fd')).toThrow(/not a rule numpy knows/);
    expect(() => histogram([1, 2], 0)).toThrow(/positive integer/);
    expect(() => histogram([1, 2], [0, 2, 1])).toThrow(/increase monotonically/);
  });
});

describe('formula design matrices match patsy', () => {
  const data = Array.from({ length: 12 }, (_, i) => ({
    y: i * 1.5 + (i % 3),
    x: i / 2,
    z: (i * 7) % 5,
    g: ['a', 'b', 'c'][i % 3],
    h: i % 2 === 0 ? 'u' : 'v',
    w: i === 4 ? NaN : i,
    flag: i % 4 === 0,
  }));
  const patsy: [string, string, number, number[]][] = [
    ['y ~ x + z', 'Intercept,x,z', 12, [1, 0.5, 2]],
    ['y ~ C(g) + x', 'Intercept,C(g)[T.b],C(g)[T.c],x', 12, [1, 1, 0, 0.5]],
    ['y ~ x*C(g)', 'Intercept,C(g)[T.b],C(g)[T.c],x,x:C(g)[T.b],x:C(g)[T.c]', 12, [1, 1, 0, 0.5, 0.5, 0]],
    ['y ~ C(g):x', 'Intercept,C(g)[a]:x,C(g)[b]:x,C(g)[c]:x', 12, [1, 0, 0.5, 0]],
    ['y ~ C(g) - 1', 'C(g)[a],C(g)[b],C(g)[c]', 12, [0, 1, 0]],
    ['y ~ C(g):C(h)', 'Intercept,C(h)[T.v],C(g)[T.b]:C(h)[u],C(g)[T.c]:C(h)[u],C(g)[T.b]:C(h)[v],C(g)[T.c]:C(h)[v]', 12, [1, 1, 0, 0, 1, 0]],
    ['y ~ C(g)*C(h)', 'Intercept,C(g)[T.b],C(g)[T.c],C(h)[T.v],C(g)[T.b]:C(h)[T.v],C(g)[T.c]:C(h)[T.v]', 12, [1, 1, 0, 1, 1, 0]],
    ['y ~ 0 + C(g):x + z', 'C(g)[a]:x,C(g)[b]:x,C(g)[c]:x,z', 12, [0, 0.5, 0, 2]],
    ['np.log(y + 1) ~ I(x**2) + np.log(z + 1) + w', 'Intercept,I(x ** 2),np.log(z + 1),w', 11, [1, 0.25, 1.0986122886681096, 1]],
    ['y ~ g + flag', 'Intercept,g[T.b],g[T.c],flag[T.True]', 12, [1, 1, 0, 0]],
    ['y ~ x:z + x', 'Intercept,x:z,x', 12, [1, 1, 0.5]],
    [
      'y ~ C(g)*C(h)*x',
      'Intercept,C(g)[T.b],C(g)[T.c],C(h)[T.v],C(g)[T.b]:C(h)[T.v],C(g)[T.c]:C(h)[T.v],x,C(g)[T.b]:x,C(g)[T.c]:x,C(h)[T.v]:x,C(g)[T.b]:C(h)[T.v]:x,C(g)[T.c]:C(h)[T.v]:x',
      12,
      [1, 1, 0, 1, 1, 0, 0.5, 0.5, 0, 0.5, 0.5, 0],
    ],
    ['y ~ (x + z):C(g) - 1', 'x:C(g)[a],x:C(g)[b],x:C(g)[c],z:C(g)[a],z:C(g)[b],z:C(g)[c]', 12, [0, 0.5, 0, 0, 2, 0]],
    ['y ~ x/C(g)', 'Intercept,x,x:C(g)[T.b],x:C(g)[T.c]', 12, [1, 0.5, 0.5, 0]],
  ];
  for (const [formula, names, rows, row1] of patsy) {
    it(formula, () => {
      const d = designMatrices(formula, data);
      expect(d.names.join(',')).toBe(names);
      expect(d.rows.length).toBe(rows);
      expect(d.X[1]).toEqual(row1);
    });
  }
  it('accepts a DataFrame-like object (columns + row values) and names the response', () => {
    const frame = { columns: ['y', 'x'], values: [[1, 0], [3, 1], [2, 2], [5, 3]] };
    const res = olsFormula('np.log(y) ~ x', frame);
    expect(res.exogNames).toEqual(['Intercept', 'x']);
    expect(res.endogName).toBe('np.log(y)');
    expect(res.summary()).toContain('Dep. Variable:              np.log(y)');
  });
  it('clear errors', () => {
    expect(() => designMatrices('y x', data)).toThrow(/exactly one "~"/);
    expect(() => designMatrices('y ~ nope', data)).toThrow(/"nope" \(in nope\) is not a column/);
    expect(() => designMatrices('y ~ np.frobnicate(x)', data)).toThrow(/unknown function np.frobnicate/);
    expect(() => designMatrices('y ~ h + I(h * 2)', data)).toThrow(/holds "u", not a number; wrap it in C\(h\)/);
  });
});

describe('ols input checks', () => {
  const X = [[1, 0], [1, 1], [1, 2], [1, 3]];
  const y = [1, 2, 2, 4];
  it('names the bad value, its place and the fix', () => {
    expect(() => ols(y, [[1, 0], [1, NaN], [1, 2], [1, 3]])).toThrow(/X\[1\]\[1\] is NaN.*Drop or impute row 1/);
    expect(() => ols(y, [[1, 0], [1, Infinity], [1, 2], [1, 3]])).toThrow(/X\[1\]\[1\] is Infinity/);
    expect(() => ols([1, 2, NaN, 4], X)).toThrow(/y\[2\] is NaN/);
    expect(() => ols(y, [[1, 0], [1], [1, 2], [1, 3]])).toThrow(/ragged: row 1 has 1 values, row 0 has 2/);
    expect(() => ols(y.slice(0, 3), X)).toThrow(/y has 3 values but X has 4 rows/);
    expect(() => ols([], [])).toThrow(/no rows/);
    expect(() => ols(y, [[1, 'a'], [1, 1], [1, 2], [1, 3]] as unknown as number[][])).toThrow(/X\[0\]\[1\] is "a" \(string\), not a number/);
    expect(() => ols(y, X, { names: ['a'] })).toThrow(/1 names for 2 columns/);
    expect(() => ols(y, X, { covType: 'HC9' as 'HC0' })).toThrow(/covType "HC9" is not one of/);
  });
  it('fewer rows than columns: statsmodels\' minimum-norm fit and its note', () => {
    const res = ols([1, 2], [[1, 0, 2], [1, 1, 3]]);
    expect(res.rank).toBe(2);
    expect(res.dfResid).toBe(0);
    expect(res.method).toBe('pinv');
    expect(res.notes()).toContain('The input rank is higher than the number of observations.');
    // minimum-norm solution of two equations in three unknowns: pinv(X) y, checked by hand:
    // X X' = [[5, 7], [7, 11]], its inverse times y = [1, 2] is [-3/6, 3/6]; X' of that = [0, 0.5, 0.5].
    res.params.forEach((p, i) => expect(p).toBeCloseTo([0, 0.5, 0.5][i], 12));
  });
  it('addConstant prepends ones unless a constant column is there', () => {
    expect(addConstant([[2], [3]])).toEqual([[1, 2], [1, 3]]);
    expect(addConstant([[1, 2], [1, 3]])).toEqual([[1, 2], [1, 3]]);
  });
  it('predict and fitted values agree', () => {
    const res = ols(y, X);
    expect(res.predict(X)).toEqual(res.fittedValues.map((v) => expect.closeTo(v, 12)));
  });
});

describe('seeded random numbers', () => {
  it('uniform(42) starts like numpy\'s np.random.seed(42); np.random.rand() (both MT19937)', () => {
    expect(uniform(42).sample(3)).toEqual([0.3745401188473625, 0.9507143064099162, 0.7319939418114051]);
  });
  it('same seed, same numbers; another seed, other numbers', () => {
    expect(normal(7).sample(5)).toEqual(normal(7).sample(5));
    expect(normal(7).sample(5)).not.toEqual(normal(8).sample(5));
    expect(discreteUniform(3).sample(5, 1, 6)).toEqual(discreteUniform(3).sample(5, 1, 6));
  });
  it('draws have the right distribution', () => {
    const draws = normal(123).sample(100_000, 2, 3);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length);
    expect(Math.abs(mean - 2)).toBeLessThan(0.05);
    expect(Math.abs(sd - 3)).toBeLessThan(0.05);
    const dice = discreteUniform(5).sample(10_000, 1, 6);
    expect(Math.min(...dice)).toBe(1);
    expect(Math.max(...dice)).toBe(6);
  });
  it('linspace and logspace as numpy', () => {
    expect(linspace(0, 1, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(-1, 1, 3)).toEqual([-1, 0, 1]);
    expect(logspace(0, 2, 3)).toEqual([1, 10, 100]);
  });
  it('rejects bad seeds', () => {
    expect(() => normal(0)).toThrow(/seed must be an integer from 1/);
    expect(() => normal(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('distributions agree with scipy, tails included', () => {
  // scipy.stats values (1.10.1)
  it('t, F, chi-square and normal', () => {
    expect(tSf(2.5, 10) / 0.015723422118304388).toBeCloseTo(1, 10);
    expect(tSf(40, 197) / 8.128478329956143e-97).toBeCloseTo(1, 8);
    expect(fSf(331.7, 2, 197) / 8.648358974746181e-64).toBeCloseTo(1, 8);
    expect(chiSquareSf(263.422, 2) / 6.289838493380472e-58).toBeCloseTo(1, 10);
    // scipy's t.ppf(0.975, 7) = 2.3646242510102993 is itself 2.5e-10 off: t.cdf(-it, 7) = 0.025000000021
    expect(tPpf(0.975, 7) / 2.3646242510102993).toBeCloseTo(1, 9);
    expect(tSf(tPpf(0.975, 7), 7) / 0.025).toBeCloseTo(1, 14);
    expect(normalPpf(0.975)).toBeCloseTo(1.959963984540054, 12);
  });
});
