/**
 * Least squares by Householder QR, never by inverting X'X.
 *
 * X is n x k, stored column-major in a Float64Array (column j at offset j*n).
 * - Full rank, well conditioned: QR in double precision, back substitution.
 * - Full rank but ill conditioned after scaling the columns to unit length (condition > 1e6, where
 *   double precision would leave fewer than ~10 correct digits): the same QR in double-double
 *   arithmetic, so designs like NIST's Filip polynomial still get 10+ digits.
 * - Rank deficient: the minimum-norm solution pinv(X) y from the SVD of R, as statsmodels' pinv.
 */
import { DD, dd, ddAdd, ddDiv, ddDot, ddMul, ddSqrt, ddSub, ddSubScaled } from './doubledouble';

const EPS = 2.220446049250313e-16;
/** Above this (column-scaled) condition number the factorisation is redone in double-double. */
const EXTENDED_PRECISION_CONDITION = 1e6;

export interface LeastSquaresSolution {
  params: Float64Array; // (k)
  /** pinv(X'X), row-major (k, k): statsmodels' normalized_cov_params. */
  normalizedCov: Float64Array;
  resid: Float64Array; // (n)
  rank: number;
  /** Singular values of X, descending (statsmodels' wexog_singular_values). */
  singularValues: Float64Array;
  /** Condition number of X after scaling its columns to unit length. */
  scaledCondition: number;
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
  const rAugmented = rFactor(x, n, k, y); // (k+1, k+1): [R Q'y; 0 +-|e|]
  const r = new Float64Array(k * k);
  for (let j = 0; j < k; j++) r.set(rAugmented.subarray(j * (k + 1), j * (k + 1) + k), j * k);
  const qty = rAugmented.slice(k * (k + 1), k * (k + 1) + k);
  const svd = jacobiSVD(r, k);

  // Rank is judged after scaling each column to unit length, so that a column's units (e.g. x^10
  // against a constant) do not decide it; statsmodels judges the raw singular values.
  const scaledR = Float64Array.from(r);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = 0; i < k; i++) norm += r[j * k + i] * r[j * k + i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < k; i++) scaledR[j * k + i] /= norm;
  }
  const scaled = jacobiSVD(scaledR, k).s;
  const tolerance = scaled[0] * Math.max(k, 1) * EPS;
  let rank = 0;
  for (const s of scaled) if (s > tolerance) rank++;
  rank = Math.min(rank, n);
  const scaledCondition = scaled[k - 1] > 0 ? scaled[0] / scaled[k - 1] : Infinity;

  if (rank < k) {
    // pinv(X) y = V_r S_r^-1 U_r' (Q'y)[:k], keeping the `rank` largest singular values.
    const { s, u, v } = svd;
    const params = new Float64Array(k);
    const normalizedCov = new Float64Array(k * k);
    for (let c = 0; c < rank; c++) {
      let uty = 0;
      for (let i = 0; i < k; i++) uty += u[c * k + i] * qty[i];
      const coef = uty / s[c];
      for (let i = 0; i < k; i++) params[i] += v[c * k + i] * coef;
      const w = 1 / (s[c] * s[c]);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) normalizedCov[i * k + j] += v[c * k + i] * v[c * k + j] * w;
    }
    return {
      params,
      normalizedCov,
      resid: residuals(x, n, k, y, params),
      rank,
      singularValues: svd.s,
      scaledCondition,
      method: 'pinv',
    };
  }

  if (scaledCondition > EXTENDED_PRECISION_CONDITION) {
    return { ...leastSquaresDoubleDouble(x, n, k, y, xLow), rank, singularValues: svd.s, scaledCondition, method: 'qr-double-double' };
  }
  const params = backSubstitute(r, k, qty);
  return {
    params,
    normalizedCov: inverseGram(r, k),
    resid: residuals(x, n, k, y, params),
    rank,
    singularValues: svd.s,
    scaledCondition,
    method: 'qr',
  };
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
