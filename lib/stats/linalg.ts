/**
 * Least squares by Householder QR, never by inverting X'X.
 *
 * X is n x k, stored column-major in a Float64Array (column j at offset j*n). Every column (and y) is
 * first scaled by a power of two to about unit length: exact, so the answer is the same, and no sum
 * of squares can overflow or underflow (data of 1e155 or 1e-170 still fit). On that scaled design one
 * decomposition, R of the QR and the SVD of R, decides everything:
 * - Rank: singular values of the scaled R above s_max * k * eps (no SVD is needed when a bound on the
 *   condition number already rules a smaller rank out).
 * - Full rank: back substitution on R, in double precision, unless the estimated relative error of
 *   some estimate or standard error, the residual's share included, exceeds 1e-10; then the same QR
 *   runs in double-double arithmetic (NIST's Filip and Wampler designs).
 * - Rank deficient (or more columns than rows): the minimum-norm solution, in the original units as
 *   statsmodels' pinv gives it, of the design truncated to that rank, from the same SVD.
 * Singular values come from ml-matrix's SVD (Golub-Kahan).
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { DD, dd, ddAdd, ddDiv, ddDot, ddMul, ddSqrt, ddSub, ddSubScaled } from './doubledouble';

const EPS = 2.220446049250313e-16;
/** Above this estimated relative error of the double-precision solution, the QR is redone in double-double. */
const EXTENDED_PRECISION_ERROR = 1e-10;

export interface LeastSquaresSolution {
  params: Float64Array; // (k)
  /** pinv(X'X), row-major (k, k): statsmodels' normalized_cov_params. */
  normalizedCov: Float64Array;
  resid: Float64Array; // (n)
  rank: number;
  /** Q'y, the first min(n, k) entries (statsmodels' `effects`, up to sign): type-1 sums of squares. */
  effects: Float64Array;
  /** R of X (rRows x k, column-major): its singular values are X's. */
  r: Float64Array;
  rRows: number;
  /** Estimated relative error of a double-precision solution (NaN when rank deficient). */
  errorEstimate: number;
  method: 'qr' | 'qr-double-double' | 'pinv';
}

/** Householder QR in place: R in the upper triangle, reflectors below it (LAPACK's dgeqr2 layout). */
export function householderQR(a: Float64Array, n: number, k: number): Float64Array {
  const tau = new Float64Array(k);
  for (let j = 0; j < Math.min(n, k); j++) {
    const col = j * n;
    let maxAbs = 0;
    for (let i = j; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(a[col + i]));
    if (maxAbs === 0) continue; // a zero column: H = I, R[j][j] = 0
    let sumSq = 0;
    for (let i = j; i < n; i++) {
      const v = a[col + i] / maxAbs;
      sumSq += v * v;
    }
    const norm = maxAbs * Math.sqrt(sumSq);
    const a0 = a[col + j];
    const beta = a0 >= 0 ? -norm : norm;
    tau[j] = (beta - a0) / beta;
    const scale = 1 / (a0 - beta);
    for (let i = j + 1; i < n; i++) a[col + i] *= scale;
    a[col + j] = beta;
    for (let l = j + 1; l < k; l++) applyReflector(a, n, j, tau[j], a, l * n);
  }
  return tau;
}

/** target[offset + j..n] <- (I - tau v v') target, v = (1, a[j+1..n, j]). */
function applyReflector(a: Float64Array, n: number, j: number, tau: number, target: Float64Array, offset: number): void {
  if (tau === 0) return;
  const col = j * n;
  let w = target[offset + j];
  for (let i = j + 1; i < n; i++) w += a[col + i] * target[offset + i];
  w *= tau;
  target[offset + j] -= w;
  for (let i = j + 1; i < n; i++) target[offset + i] -= w * a[col + i];
}

/** Rows per block in rFactor: a block of [X y] (about 180 KB for k = 10) stays in cache. */
const BLOCK_ROWS = 2048;

/**
 * The R of a Householder QR of [X extra] (column-major n x k, plus an optional extra column), k' x k'
 * column-major with k' = k (+1). Rows are taken in blocks: each block is stacked under the R so far
 * and factored again (sequential TSQR), which is as stable as one big Householder QR but works in
 * cache. With extra = y, R's last column holds Q'y above the diagonal and +-|residual| on it.
 */
export function rFactor(x: Float64Array, n: number, k: number, extra?: Float64Array): Float64Array {
  const m = extra ? k + 1 : k;
  const r = new Float64Array(m * m);
  let rRows = 0; // rows of r that hold values so far (fewer than m only at the start)
  let block = new Float64Array(0);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, n - start);
    const rows = rRows + count;
    if (block.length !== rows * m) block = new Float64Array(rows * m);
    for (let j = 0; j < m; j++) {
      const col = j * rows;
      for (let i = 0; i < rRows; i++) block[col + i] = r[j * m + i];
      const source = j < k ? x.subarray(j * n + start, j * n + start + count) : extra!.subarray(start, start + count);
      block.set(source, col + rRows);
    }
    householderQR(block, rows, m);
    rRows = Math.min(rows, m);
    r.fill(0);
    for (let j = 0; j < m; j++) for (let i = 0; i <= Math.min(j, rRows - 1); i++) r[j * m + i] = block[j * rows + i];
  }
  return r;
}

export interface SVD {
  s: Float64Array; // singular values, descending
  u: Float64Array; // (k, k) column-major
  v: Float64Array; // (k, k) column-major
}

/**
 * SVD of a column-major rows x cols matrix by ml-matrix (Golub-Kahan): p = min(rows, cols) singular
 * values, descending, and with `vectors` U (rows x p) and V (cols x p), column-major.
 */
export function svd(a: Float64Array, rows: number, cols: number, vectors: boolean): { s: Float64Array; u?: Float64Array; v?: Float64Array } {
  const p = Math.min(rows, cols);
  if (p === 0) return { s: new Float64Array(0), u: new Float64Array(0), v: new Float64Array(0) };
  const m = new Matrix(rows, cols);
  for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) m.set(i, j, a[j * rows + i]);
  const result = new SingularValueDecomposition(m, { computeLeftSingularVectors: vectors, computeRightSingularVectors: vectors, autoTranspose: true });
  const s = Float64Array.from(result.diagonal.slice(0, p), (v) => Math.max(v, 0));
  if (!vectors) return { s };
  const columnMajor = (matrix: Matrix, r: number): Float64Array => {
    const out = new Float64Array(r * p);
    for (let c = 0; c < p; c++) for (let i = 0; i < r; i++) out[c * r + i] = matrix.get(i, c);
    return out;
  };
  return { s, u: columnMajor(result.leftSingularVectors, rows), v: columnMajor(result.rightSingularVectors, cols) };
}

/** Singular values of a column-major rows x cols matrix, descending. */
export function singularValues(a: Float64Array, rows: number, cols: number): Float64Array {
  return svd(a, rows, cols, false).s;
}

/** 2^-round(log2 |v|) (1 for a zero vector): scaling by it is exact; the norm is taken on max-scaled values so that it cannot overflow. */
export function unitScale(v: ArrayLike<number>): number {
  let maxAbs = 0;
  for (let i = 0; i < v.length; i++) maxAbs = Math.max(maxAbs, Math.abs(v[i]));
  if (maxAbs === 0 || !Number.isFinite(maxAbs)) return 1;
  let sumSq = 0;
  for (let i = 0; i < v.length; i++) sumSq += (v[i] / maxAbs) ** 2;
  const exponent = -Math.round(Math.log2(maxAbs) + 0.5 * Math.log2(sumSq));
  // 2^exponent in two factors: one power alone would overflow or underflow beyond 2^+-1022.
  const half = Math.trunc(exponent / 2);
  return 2 ** half * 2 ** (exponent - half);
}

/** One-sided Jacobi SVD of a small square matrix (column-major): accurate for graded matrices like R. */
export function jacobiSVD(m: Float64Array, k: number): SVD {
  const a = Float64Array.from(m);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < k; i++) {
          const x = a[p * k + i];
          const y = a[q * k + i];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= EPS * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < k; i++) {
          const x = a[p * k + i];
          const y = a[q * k + i];
          a[p * k + i] = c * x - s * y;
          a[q * k + i] = s * x + c * y;
          const vx = v[p * k + i];
          const vy = v[q * k + i];
          v[p * k + i] = c * vx - s * vy;
          v[q * k + i] = s * vx + c * vy;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: k }, (_, j) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += a[j * k + i] * a[j * k + i];
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(k);
  const u = new Float64Array(k * k);
  const vSorted = new Float64Array(k * k);
  order.forEach((j, position) => {
    s[position] = norms[j];
    for (let i = 0; i < k; i++) {
      u[position * k + i] = norms[j] > 0 ? a[j * k + i] / norms[j] : 0;
      vSorted[position * k + i] = v[j * k + i];
    }
  });
  return { s, u, v: vSorted };
}

/** Solve R x = b for upper-triangular R (column-major k x k). */
function backSubstitute(r: Float64Array, k: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b.subarray(0, k));
  for (let i = k - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < k; j++) s -= r[j * k + i] * x[j];
    x[i] = s / r[i * k + i];
  }
  return x;
}

/** R^-1 R^-T (row-major), the inverse of X'X = R'R. */
function inverseGram(r: Float64Array, k: number): Float64Array {
  const rinv = new Float64Array(k * k); // column-major, upper triangular
  for (let c = 0; c < k; c++) {
    const e = new Float64Array(k);
    e[c] = 1;
    rinv.set(backSubstitute(r, k, e), c * k);
  }
  const cov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let l = Math.max(i, j); l < k; l++) s += rinv[l * k + i] * rinv[l * k + j];
      cov[i * k + j] = s;
      cov[j * k + i] = s;
    }
  }
  return cov;
}

function residuals(x: Float64Array, n: number, k: number, y: Float64Array, b: Float64Array): Float64Array {
  const resid = Float64Array.from(y);
  for (let j = 0; j < k; j++) {
    const bj = b[j];
    const col = j * n;
    for (let i = 0; i < n; i++) resid[i] -= x[col + i] * bj;
  }
  return resid;
}

/**
 * `xLow` (optional, same layout as x): low-order parts of a design known beyond double precision
 * (X = x + xLow exactly, e.g. polynomial powers computed in double-double); used by the
 * double-double path, where rounding the design itself would cost digits.
 */
export function leastSquares(x: Float64Array, n: number, k: number, y: Float64Array, xLow?: Float64Array): LeastSquaresSolution {
  const d = new Float64Array(k);
  const xs = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    d[j] = unitScale(x.subarray(j * n, j * n + n));
    for (let i = 0; i < n; i++) xs[j * n + i] = x[j * n + i] * d[j];
  }
  const dy = unitScale(y);
  const ys = y.map((v) => v * dy);
  const rows = Math.min(n, k); // rows of R that can be nonzero

  const rAugmented = rFactor(xs, n, k, ys); // (k+1, k+1): [R Q'y; 0 +-|e|]
  const rs = new Float64Array(rows * k); // R of the scaled design, rows x k column-major
  for (let j = 0; j < k; j++) for (let i = 0; i < Math.min(j + 1, rows); i++) rs[j * rows + i] = rAugmented[j * (k + 1) + i];
  const qty = rAugmented.slice(k * (k + 1), k * (k + 1) + rows);
  const residualNorm = n > k ? Math.abs(rAugmented[k * (k + 1) + k]) : 0;
  const common = { effects: qty.map((v) => v / dy), r: rs.map((v, p) => v / d[Math.floor(p / rows)]), rRows: rows };
  const unscale = (bs: Float64Array): Float64Array => bs.map((v, j) => (v * d[j]) / dy);
  const residualsOf = (bs: Float64Array): Float64Array => residuals(xs, n, k, ys, bs).map((v) => v / dy);

  /** Full rank: back substitution, or double-double when the estimated error of that is too large. */
  const fullRank = (inverse: Float64Array): LeastSquaresSolution => {
    const bs = backSubstitute(rs, k, qty);
    const errorEstimate = solutionError(rs, inverse, bs, ys, residualNorm, n, k);
    if (errorEstimate > EXTENDED_PRECISION_ERROR) {
      const xsLow = xLow ? xLow.map((v, p) => v * d[Math.floor(p / n)]) : undefined;
      const dd = leastSquaresDoubleDouble(xs, n, k, ys, xsLow);
      return { ...common, rank: k, params: unscale(dd.params), normalizedCov: scaleGram(dd.normalizedCov, d), resid: dd.resid.map((v) => v / dy), errorEstimate, method: 'qr-double-double' };
    }
    return { ...common, rank: k, params: unscale(bs), normalizedCov: scaleGram(inverse, d), resid: residualsOf(bs), errorEstimate, method: 'qr' };
  };

  // Rank k is certain, without an SVD, when ||R||_F ||R^-1||_F (which bounds the condition number)
  // is below 1 / (k eps): then no singular value can fall under the tolerance s_max k eps.
  let inverse: Float64Array | null = null;
  if (n >= k && rs.every((v, p) => p % (rows + 1) !== 0 || v !== 0)) {
    inverse = inverseGram(rs, k);
    let trace = 0;
    for (let i = 0; i < k; i++) trace += inverse[i * k + i];
    if (frobenius(rs) * Math.sqrt(trace) * k * EPS < 1) return fullRank(inverse);
  }

  const decomposition = svd(rs, rows, k, true); // reached when rank deficiency is possible: the vectors are then likely needed
  const s = decomposition.s;
  const tolerance = s[0] * Math.max(k, 1) * EPS;
  const rank = s.filter((v) => v > tolerance).length;
  if (rank === k) return fullRank(inverse ?? inverseGram(rs, k));

  // Rank r < k: X_r = Q U_r S_r V_r' D^-1 is X truncated to rank r. Its row space is spanned by
  // W = D^-1 V_r = Qw Rw, so X_r = (Q U_r) M Qw' with M = S_r Rw' (r x r, lower triangular), and
  // pinv(X_r) = Qw M^-1 U_r' Q': the minimum-norm solution in the units of X, as statsmodels' pinv.
  const u = decomposition.u!;
  const v = decomposition.v!;
  const w = new Float64Array(k * rank);
  for (let c = 0; c < rank; c++) for (let i = 0; i < k; i++) w[c * k + i] = v[c * k + i] / d[i];
  const tau = householderQR(w, k, rank);
  const qw = thinQ(w, k, rank, tau);
  const m = new Float64Array(rank * rank); // column-major, lower triangular
  for (let a = 0; a < rank; a++) for (let b = 0; b <= a; b++) m[b * rank + a] = s[a] * w[a * k + b];
  const minv = lowerInverse(m, rank);
  const uty = new Float64Array(rank);
  for (let c = 0; c < rank; c++) for (let i = 0; i < rows; i++) uty[c] += u[c * rows + i] * qty[i];
  const z = new Float64Array(rank);
  for (let a = 0; a < rank; a++) for (let b = 0; b <= a; b++) z[a] += minv[b * rank + a] * uty[b];
  const params = new Float64Array(k); // in scaled-y units
  for (let c = 0; c < rank; c++) for (let i = 0; i < k; i++) params[i] += qw[c * k + i] * z[c];
  // pinv(X'X) = Qw M^-1 M^-T Qw' = (Qw M^-1)(Qw M^-1)'
  const g = new Float64Array(k * rank); // Qw M^-1, column-major
  for (let b = 0; b < rank; b++) for (let a = b; a < rank; a++) {
    const coef = minv[b * rank + a];
    for (let i = 0; i < k; i++) g[b * k + i] += qw[a * k + i] * coef;
  }
  const normalizedCov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) {
    let acc = 0;
    for (let c = 0; c < rank; c++) acc += g[c * k + i] * g[c * k + j];
    normalizedCov[i * k + j] = acc;
    normalizedCov[j * k + i] = acc;
  }
  const bs = params.map((p, i) => p / d[i]); // D^-1 b: coefficients of the scaled design
  return { ...common, rank, params: params.map((p) => p / dy), normalizedCov, resid: residualsOf(bs), errorEstimate: NaN, method: 'pinv' };
}

function frobenius(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/**
 * Estimated relative error, component by component, of the double-precision solution b of the
 * scaled problem, from the perturbation theory of least squares: a backward error of eps ||X||_2 reaches
 * b_i through row i of pinv(X) and, times the residual, through row i of (X'X)^-1; the standard errors
 * carry eps ||R|| ||R^-1||. (The worst-case bounds' factors of k are left out: they overstate the
 * error of a Householder QR by orders of magnitude.) An estimate smaller than a millionth of its own
 * standard error is measured against that millionth, not against itself.
 */
function solutionError(rs: Float64Array, inverse: Float64Array, bs: Float64Array, ys: Float64Array, residualNorm: number, n: number, k: number): number {
  const normR = largestSingularValue(rs, k, k);
  const normB = frobenius(bs);
  const normY = frobenius(ys);
  let trace = 0;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    const sd = Math.sqrt(inverse[i * k + i]);
    trace += inverse[i * k + i];
    let rowNorm = 0;
    for (let j = 0; j < k; j++) rowNorm += inverse[i * k + j] ** 2;
    const error = EPS * (sd * (normR * normB + normY) + Math.sqrt(rowNorm) * normR * residualNorm);
    const size = Math.max(Math.abs(bs[i]), (1e-6 * sd * residualNorm) / Math.sqrt(Math.max(n - k, 1)));
    worst = Math.max(worst, error / size);
  }
  return Math.max(worst, EPS * normR * Math.sqrt(trace));
}

/** D G D for a row-major k x k G and the diagonal d. */
function scaleGram(g: Float64Array, d: Float64Array): Float64Array {
  const k = d.length;
  return g.map((v, p) => v * d[Math.floor(p / k)] * d[p % k]);
}

/** The first `cols` columns of Q from householderQR's reflectors (column-major rows x cols). */
function thinQ(a: Float64Array, rows: number, cols: number, tau: Float64Array): Float64Array {
  const q = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    q[c * rows + c] = 1;
    for (let j = Math.min(rows, cols) - 1; j >= 0; j--) applyReflector(a, rows, j, tau[j], q, c * rows);
  }
  return q;
}

/** Inverse of a lower-triangular matrix (column-major), by forward substitution. */
function lowerInverse(m: Float64Array, size: number): Float64Array {
  const inv = new Float64Array(size * size);
  for (let c = 0; c < size; c++) {
    for (let i = c; i < size; i++) {
      let acc = i === c ? 1 : 0;
      for (let j = c; j < i; j++) acc -= m[j * size + i] * inv[c * size + j];
      inv[c * size + i] = acc / m[i * size + i];
    }
  }
  return inv;
}

/** The same Householder QR, back substitution and inverse in double-double arithmetic. */
function leastSquaresDoubleDouble(
  x: Float64Array,
  n: number,
  k: number,
  y: Float64Array,
  xLow: Float64Array | undefined,
): { params: Float64Array; normalizedCov: Float64Array; resid: Float64Array } {
  // Columns 0..k-1 are X, column k is y: the reflectors are applied to y as they are made.
  const hi = new Float64Array(n * (k + 1));
  const lo = new Float64Array(n * (k + 1));
  hi.set(x.subarray(0, n * k));
  hi.set(y, n * k);
  if (xLow) lo.set(xLow.subarray(0, n * k));
  const t = dd();
  const acc = dd();
  const tmp = dd();
  const at = (index: number): DD => dd(hi[index], lo[index]);

  for (let j = 0; j < k; j++) {
    const col = j * n;
    ddDot(hi, lo, col, hi, lo, col, j, n, dd(), acc);
    if (acc.hi === 0) throw new Error('internal: zero column in a full-rank double-double factorisation');
    const norm = ddSqrt(acc, dd());
    const a0 = at(col + j);
    const beta = a0.hi >= 0 ? dd(-norm.hi, -norm.lo) : norm;
    const tauJ = ddDiv(ddSub(beta, a0, dd()), beta, dd());
    const scale = ddDiv(dd(1), ddSub(a0, beta, dd()), dd());
    for (let i = j + 1; i < n; i++) {
      ddMul(at(col + i), scale, t);
      hi[col + i] = t.hi;
      lo[col + i] = t.lo;
    }
    hi[col + j] = beta.hi;
    lo[col + j] = beta.lo;
    for (let l = j + 1; l <= k; l++) {
      const c = l * n;
      const w = ddDot(hi, lo, col, hi, lo, c, j + 1, n, at(c + j), dd());
      ddMul(w, tauJ, w);
      ddSub(at(c + j), w, t);
      hi[c + j] = t.hi;
      lo[c + j] = t.lo;
      ddSubScaled(w, hi, lo, col, hi, lo, c, j + 1, n);
    }
  }

  const rAt = (i: number, j: number): DD => at(j * n + i);
  // Back substitution R b = (Q'y)[:k].
  const b: DD[] = [];
  for (let i = k - 1; i >= 0; i--) {
    const s = at(k * n + i);
    for (let j = i + 1; j < k; j++) ddSub(s, ddMul(rAt(i, j), b[j], tmp), s);
    b[i] = ddDiv(s, rAt(i, i), dd());
  }
  // R^-1, column by column, then R^-1 R^-T.
  const rinv: DD[][] = Array.from({ length: k }, () => Array.from({ length: k }, () => dd()));
  for (let c = 0; c < k; c++) {
    for (let i = c; i >= 0; i--) {
      const s = dd(i === c ? 1 : 0);
      for (let j = i + 1; j <= c; j++) ddSub(s, ddMul(rAt(i, j), rinv[j][c], tmp), s);
      rinv[i][c] = ddDiv(s, rAt(i, i), dd());
    }
  }
  const normalizedCov = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const s = dd();
      for (let l = j; l < k; l++) ddAdd(s, ddMul(rinv[i][l], rinv[j][l], tmp), s);
      normalizedCov[i * k + j] = s.hi;
      normalizedCov[j * k + i] = s.hi;
    }
  }
  // Residuals y - X b with the double-double b, accumulated in double-double.
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = dd(y[i]);
    for (let j = 0; j < k; j++) {
      ddSub(s, ddMul(dd(x[j * n + i], xLow ? xLow[j * n + i] : 0), b[j], tmp), s);
    }
    resid[i] = s.hi;
  }
  return { params: Float64Array.from(b, (v) => v.hi), normalizedCov, resid };
}

/** numpy.linalg.matrix_rank from singular values: those above smax * max(rows, cols) * eps. */
export function rankOf(s: Float64Array, rows: number, cols: number): number {
  const tolerance = (s[0] ?? 0) * Math.max(rows, cols) * EPS;
  return s.filter((v) => v > tolerance).length;
}

/** Moore-Penrose inverse of a small symmetric matrix (row-major), numpy's rcond = 1e-15. */
export function pinvSymmetric(m: Float64Array, size: number): Float64Array {
  const { s, u, v } = svd(m, size, size, true); // symmetric: row-major equals column-major
  const out = new Float64Array(size * size);
  for (let c = 0; c < s.length; c++) {
    if (!(s[c] > 1e-15 * s[0])) continue;
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) out[i * size + j] += (v![c * size + i] * u![c * size + j]) / s[c];
  }
  return out;
}

/** numpy.linalg.matrix_rank of a small square matrix. */
export function squareRank(m: Float64Array, size: number): number {
  return rankOf(singularValues(m, size, size), size, size);
}


/** Columns cols..rows-1 of the full Q of a QR of a (rows x cols, column-major): an orthonormal basis of the complement of its column space. */
export function orthogonalComplement(a: Float64Array, rows: number, cols: number): Float64Array {
  const work = Float64Array.from(a);
  const tau = householderQR(work, rows, cols);
  const extra = rows - cols;
  const q = new Float64Array(rows * extra);
  for (let c = 0; c < extra; c++) {
    q[c * rows + cols + c] = 1;
    for (let j = Math.min(rows, cols) - 1; j >= 0; j--) applyReflector(work, rows, j, tau[j], q, c * rows);
  }
  return q;
}

/** The largest singular value of a column-major rows x cols matrix, by power iteration (for a tolerance: a few digits suffice). */
export function largestSingularValue(a: Float64Array, rows: number, cols: number): number {
  let v = new Float64Array(cols).fill(1 / Math.sqrt(cols));
  let sigma = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    const u = new Float64Array(rows);
    for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) u[i] += a[j * rows + i] * v[j];
    const uNorm = frobenius(u);
    if (uNorm === 0) return 0;
    const next = new Float64Array(cols);
    for (let j = 0; j < cols; j++) {
      let acc = 0;
      for (let i = 0; i < rows; i++) acc += a[j * rows + i] * (u[i] / uNorm);
      next[j] = acc;
    }
    const estimate = frobenius(next);
    v = next.map((x) => x / estimate);
    if (Math.abs(estimate - sigma) <= 1e-6 * estimate) return estimate;
    sigma = estimate;
  }
  return sigma;
}
