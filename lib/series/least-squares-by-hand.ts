/**
 * Part 1's linear algebra written out on plain arrays, so a reader can follow each step: the design
 * matrix [1, x], the normal equations β = (X'X)⁻¹X'y, and the two ways numerical libraries solve the
 * same problem without forming X'X: QR (X = QR, then Rβ = Q'y) and the SVD (X = UΣV', β = VΣ⁻¹U'y).
 *
 * For real fits use lib/stats' `ols`, which solves by Householder QR and reports everything; these
 * functions are for showing that the three routes agree.
 */
import { jacobiSVD } from '../stats/linalg';

/** Rows of numbers: `A[i][j]` is row i, column j. */
export type Matrix = number[][];

function shape(A: Matrix): [number, number] {
  return [A.length, A.length === 0 ? 0 : A[0].length];
}

export function transpose(A: Matrix): Matrix {
  const [rows, cols] = shape(A);
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => A[i][j]));
}

export function matMul(A: Matrix, B: Matrix): Matrix {
  const [n, k] = shape(A);
  const [kB, m] = shape(B);
  if (k !== kB) {
    throw new Error(`matMul: A is ${n}×${k} and B is ${kB}×${m}; A's columns must match B's rows.`);
  }
  return A.map((row) => Array.from({ length: m }, (_, j) => row.reduce((s, a, l) => s + a * B[l][j], 0)));
}

export function matVec(A: Matrix, v: number[]): number[] {
  const [n, k] = shape(A);
  if (k !== v.length) {
    throw new Error(`matVec: A is ${n}×${k} but the vector has ${v.length} entries.`);
  }
  return A.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
}

/** The inverse by Gauss-Jordan elimination with partial pivoting. */
export function inverse(A: Matrix): Matrix {
  const [n, m] = shape(A);
  if (n !== m) throw new Error(`inverse: the matrix is ${n}×${m}; only square matrices have inverses.`);
  const work = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  const scale = Math.max(...A.flat().map(Math.abs)) || 1;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(work[r][col]) > Math.abs(work[pivot][col])) pivot = r;
    if (Math.abs(work[pivot][col]) <= 1e-13 * scale) {
      throw new Error(
        `inverse: the matrix is singular (no usable pivot in column ${col}); ` +
          'in a regression this means a column of X is a combination of the others.',
      );
    }
    [work[col], work[pivot]] = [work[pivot], work[col]];
    const p = work[col][col];
    work[col] = work[col].map((v) => v / p);
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = work[r][col];
      if (f !== 0) work[r] = work[r].map((v, j) => v - f * work[col][j]);
    }
  }
  return work.map((row) => row.slice(n));
}

/** The design matrix of simple regression: a column of ones (the intercept) and x. */
export function designMatrix(x: number[]): Matrix {
  return x.map((xi) => [1, xi]);
}

function checkRows(X: Matrix, y: number[]): void {
  if (X.length !== y.length) {
    throw new Error(`X has ${X.length} rows but y has ${y.length} values; give one row of X per observation.`);
  }
}

/** β = (X'X)⁻¹ X'y: set the derivative of the squared error to zero and solve. */
export function normalEquationBetas(X: Matrix, y: number[]): number[] {
  checkRows(X, y);
  const Xt = transpose(X);
  return matVec(inverse(matMul(Xt, X)), matVec(Xt, y));
}

export interface QRSolution {
  betas: number[];
  /** n×k with orthonormal columns. */
  Q: Matrix;
  /** k×k upper triangular. */
  R: Matrix;
}

/** X = QR by modified Gram-Schmidt, then Rβ = Q'y by back substitution. */
export function qrBetas(X: Matrix, y: number[]): QRSolution {
  checkRows(X, y);
  const k = shape(X)[1];
  const columns = transpose(X); // k vectors of length n, orthogonalised in place
  const R: Matrix = Array.from({ length: k }, () => new Array(k).fill(0));
  for (let j = 0; j < k; j++) {
    const norm = Math.sqrt(columns[j].reduce((s, v) => s + v * v, 0));
    if (norm === 0) throw new Error(`qrBetas: column ${j} of X is zero (or a combination of earlier columns).`);
    R[j][j] = norm;
    columns[j] = columns[j].map((v) => v / norm);
    for (let l = j + 1; l < k; l++) {
      R[j][l] = columns[j].reduce((s, q, i) => s + q * columns[l][i], 0);
      columns[l] = columns[l].map((v, i) => v - R[j][l] * columns[j][i]);
    }
  }
  const Q = transpose(columns); // n×k
  const qty = matVec(columns, y); // Q'y
  const betas = new Array(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let s = qty[i];
    for (let j = i + 1; j < k; j++) s -= R[i][j] * betas[j];
    betas[i] = s / R[i][i];
  }
  return { betas, Q, R };
}

export interface SVDSolution {
  betas: number[];
  /** Σ's diagonal, largest first. */
  singularValues: number[];
}

/**
 * β = VΣ⁻¹U'y. The SVD of X comes from the SVD of the small triangle R (lib/stats' Jacobi SVD):
 * if R = U_R Σ V', then X = QR = (Q U_R) Σ V', so U = Q U_R.
 */
export function svdBetas(X: Matrix, y: number[]): SVDSolution {
  const { Q, R } = qrBetas(X, y);
  const k = R.length;
  const columnMajorR = Float64Array.from({ length: k * k }, (_, idx) => R[idx % k][Math.floor(idx / k)]);
  const { s, u, v } = jacobiSVD(columnMajorR, k); // u, v column-major k×k
  const qty = matVec(transpose(Q), y);
  const betas = new Array(k).fill(0);
  for (let c = 0; c < k; c++) {
    let uty = 0; // (U_R' Q'y)_c = (U'y)_c
    for (let i = 0; i < k; i++) uty += u[c * k + i] * qty[i];
    for (let i = 0; i < k; i++) betas[i] += (v[c * k + i] * uty) / s[c];
  }
  return { betas, singularValues: Array.from(s) };
}

/** A matrix (or a vector, as one column) as aligned text, for printing in a notebook. */
export function formatMatrix(A: Matrix | number[], digits = 4): string {
  const rows: Matrix = A.length > 0 && typeof A[0] === 'number' ? (A as number[]).map((v) => [v]) : (A as Matrix);
  const allIntegers = rows.every((row) => row.every((v) => Number.isInteger(v)));
  const cells = rows.map((row) => row.map((v) => (allIntegers ? String(v) : v.toFixed(digits))));
  const width = Math.max(...cells.flat().map((c) => c.length));
  return cells.map((row) => '[ ' + row.map((c) => c.padStart(width)).join('  ') + ' ]').join('\n');
}
