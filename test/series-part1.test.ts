// Part 1: the concerts example's betas from the normal equations, QR, SVD and lib/stats' ols, against
// the article's (X'X)⁻¹X'y = [4.5833, 0.6096]; residuals sum to zero and are orthogonal to X.
import { describe, expect, it } from 'vitest';
import {
  designMatrix,
  formatMatrix,
  inverse,
  matMul,
  matVec,
  normalEquationBetas,
  qrBetas,
  svdBetas,
  transpose,
} from '../lib/series/least-squares-by-hand';
import { ols } from '../lib/stats/ols';

const concerts = [1, 2, 4, 5, 7];
const happiness = [5, 6.5, 6, 8, 9];
const ARTICLE_BETAS = [4.5833, 0.6096];
// Worked by hand: X'X = [[5, 19], [19, 95]], X'y = [34.5, 145], det 114:
// β0 = (95·34.5 − 19·145) / 114 = 522.5 / 114, β1 = (5·145 − 19·34.5) / 114 = 69.5 / 114.
const EXACT_BETAS = [522.5 / 114, 69.5 / 114];

describe('the concerts example', () => {
  const X = designMatrix(concerts);

  it('builds the design matrix [1, x]', () => {
    expect(X).toEqual([
      [1, 1],
      [1, 2],
      [1, 4],
      [1, 5],
      [1, 7],
    ]);
    expect(matVec(transpose(X), happiness)).toEqual([34.5, 145]);
    expect(matMul(transpose(X), X)).toEqual([
      [5, 19],
      [19, 95],
    ]);
  });

  it('gets the article betas from the normal equations', () => {
    const betas = normalEquationBetas(X, happiness);
    betas.forEach((b, j) => expect(b).toBeCloseTo(ARTICLE_BETAS[j], 4));
    betas.forEach((b, j) => expect(b).toBeCloseTo(EXACT_BETAS[j], 12));
  });

  it('gets the same betas from QR, with orthonormal Q and triangular R', () => {
    const { betas, Q, R } = qrBetas(X, happiness);
    betas.forEach((b, j) => expect(b).toBeCloseTo(EXACT_BETAS[j], 12));
    const QtQ = matMul(transpose(Q), Q);
    expect(QtQ[0][0]).toBeCloseTo(1, 14);
    expect(QtQ[1][1]).toBeCloseTo(1, 14);
    expect(QtQ[0][1]).toBeCloseTo(0, 14);
    expect(R[1][0]).toBe(0);
    matMul(Q, R).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(X[i][j], 12)));
  });

  it('gets the same betas from the SVD, whose singular values are the roots of eig(X\'X)', () => {
    const { betas, singularValues } = svdBetas(X, happiness);
    betas.forEach((b, j) => expect(b).toBeCloseTo(EXACT_BETAS[j], 12));
    // eigenvalues of [[5, 19], [19, 95]]: 50 ± sqrt(50² − 114)
    const root = Math.sqrt(2500 - 114);
    expect(singularValues[0]).toBeCloseTo(Math.sqrt(50 + root), 12);
    expect(singularValues[1]).toBeCloseTo(Math.sqrt(50 - root), 12);
  });

  it('agrees with lib/stats ols; residuals sum to zero and are orthogonal to each column', () => {
    const fit = ols(happiness, X, { names: ['Intercept', 'concerts'], yName: 'happiness' });
    fit.params.forEach((b, j) => expect(b).toBeCloseTo(EXACT_BETAS[j], 12));
    const residuals = happiness.map((y, i) => y - matVec(X, EXACT_BETAS)[i]);
    fit.resid.forEach((r, i) => expect(r).toBeCloseTo(residuals[i], 12));
    expect(fit.resid.reduce((s, r) => s + r, 0)).toBeCloseTo(0, 12);
    matVec(transpose(X), fit.resid).forEach((dot) => expect(dot).toBeCloseTo(0, 12));
  });
});

describe('inverse', () => {
  it('inverts a 2×2 matrix', () => {
    // [[4, 7], [2, 6]]⁻¹ = [[0.6, −0.7], [−0.2, 0.4]]
    const inv = inverse([
      [4, 7],
      [2, 6],
    ]);
    [
      [0.6, -0.7],
      [-0.2, 0.4],
    ].forEach((row, i) => row.forEach((v, j) => expect(inv[i][j]).toBeCloseTo(v, 14)));
  });

  it('names a singular matrix as collinear columns', () => {
    expect(() =>
      inverse([
        [1, 2],
        [2, 4],
      ]),
    ).toThrow(/singular.*combination of the others/);
  });

  it('refuses X and y of different lengths', () => {
    expect(() => normalEquationBetas(designMatrix([1, 2, 3]), [1, 2])).toThrow(/X has 3 rows but y has 2 values/);
  });
});

describe('formatMatrix', () => {
  it('aligns matrices and prints vectors as a column', () => {
    expect(formatMatrix([[1, 2.5], [10, -0.25]], 2)).toBe('[  1.00   2.50 ]\n[ 10.00  -0.25 ]');
    expect(formatMatrix([[5, 19], [19, 95]])).toBe('[  5  19 ]\n[ 19  95 ]');
    expect(formatMatrix([4.58333, 0.6096], 3)).toBe('[ 4.583 ]\n[ 0.610 ]');
  });
});
