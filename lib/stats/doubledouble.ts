/**
 * Double-double arithmetic: a value is an unevaluated sum hi + lo of two doubles, about 32
 * significant digits. Used where double precision cannot deliver the digits the statistics need
 * (least squares on ill-conditioned designs such as NIST's Filip polynomial). Written by hand:
 * no maintained JavaScript library offers it on plain numbers.
 *
 * Every operation writes its result into `out` (no allocation in inner loops).
 */
export interface DD {
  hi: number;
  lo: number;
}

export function dd(hi = 0, lo = 0): DD {
  return { hi, lo };
}

const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a double into two 26-bit halves

/** a * b exactly as hi + lo (Dekker's TwoProduct; JavaScript has no fused multiply-add). */
export function twoProduct(a: number, b: number, out: DD): DD {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  out.hi = p;
  out.lo = aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo;
  return out;
}

export function ddAdd(a: DD, b: DD, out: DD): DD {
  const s = a.hi + b.hi;
  const bb = s - a.hi;
  let e = a.hi - (s - bb) + (b.hi - bb);
  const t = a.lo + b.lo;
  const cc = t - a.lo;
  const f = a.lo - (t - cc) + (b.lo - cc);
  e += t;
  let hi = s + e;
  let lo = e - (hi - s);
  lo += f;
  const h2 = hi + lo;
  lo = lo - (h2 - hi);
  hi = h2;
  out.hi = hi;
  out.lo = lo;
  return out;
}

const scratchA: DD = { hi: 0, lo: 0 };

export function ddMul(a: DD, b: DD, out: DD): DD {
  twoProduct(a.hi, b.hi, scratchA);
  const lo = scratchA.lo + (a.hi * b.lo + a.lo * b.hi);
  const hi = scratchA.hi + lo;
  out.lo = lo - (hi - scratchA.hi);
  out.hi = hi;
  return out;
}

export function ddNeg(a: DD, out: DD): DD {
  out.hi = -a.hi;
  out.lo = -a.lo;
  return out;
}

export function ddSub(a: DD, b: DD, out: DD): DD {
  const nb = { hi: -b.hi, lo: -b.lo };
  return ddAdd(a, nb, out);
}

export function ddDiv(a: DD, b: DD, out: DD): DD {
  // Long division: q1 = a/b, then correct twice with the exact remainder.
  const q1 = a.hi / b.hi;
  const r = ddSub(a, ddMul(b, dd(q1), dd()), dd());
  const q2 = r.hi / b.hi;
  ddSub(r, ddMul(b, dd(q2), dd()), r);
  const q3 = r.hi / b.hi;
  const q = ddAdd(dd(q1), dd(q2), dd());
  return ddAdd(q, dd(q3), out);
}

export function ddSqrt(a: DD, out: DD): DD {
  if (a.hi <= 0) {
    out.hi = a.hi === 0 ? 0 : NaN;
    out.lo = 0;
    return out;
  }
  // One Newton step from the double square root doubles the digits.
  const x = Math.sqrt(a.hi);
  const sq = twoProduct(x, x, dd());
  const diff = ddSub(a, sq, dd());
  const correction = diff.hi / (2 * x);
  return ddAdd(dd(x), dd(correction), out);
}

/**
 * Vector kernels for the double-double QR, written out without temporaries (the object-based
 * operations above allocate, which dominates on long columns). Vectors are (hi, lo) array pairs.
 */

/** out = start + sum over i in [from, to) of a[aOffset + i] * b[bOffset + i]. */
export function ddDot(
  aHi: Float64Array, aLo: Float64Array, aOffset: number,
  bHi: Float64Array, bLo: Float64Array, bOffset: number,
  from: number, to: number, start: DD, out: DD,
): DD {
  let sHi = start.hi;
  let sLo = start.lo;
  for (let i = from; i < to; i++) {
    const ah = aHi[aOffset + i];
    const al = aLo[aOffset + i];
    const bh = bHi[bOffset + i];
    const bl = bLo[bOffset + i];
    // product (ph, pl) = a * b
    const ph = ah * bh;
    let t = SPLITTER * ah;
    const ahh = t - (t - ah);
    const ahl = ah - ahh;
    t = SPLITTER * bh;
    const bhh = t - (t - bh);
    const bhl = bh - bhh;
    let pl = ahh * bhh - ph + ahh * bhl + ahl * bhh + ahl * bhl;
    pl += ah * bl + al * bh;
    // sum (sHi, sLo) += (ph, pl), the accurate double-double addition
    const s = sHi + ph;
    const bb = s - sHi;
    let e = sHi - (s - bb) + (ph - bb);
    const u = sLo + pl;
    const cc = u - sLo;
    const f = sLo - (u - cc) + (pl - cc);
    e += u;
    let h = s + e;
    let l = e - (h - s);
    l += f;
    const h2 = h + l;
    l = l - (h2 - h);
    h = h2;
    sHi = h;
    sLo = l;
  }
  out.hi = sHi;
  out.lo = sLo;
  return out;
}

/** c[cOffset + i] -= w * a[aOffset + i] for i in [from, to). */
export function ddSubScaled(
  w: DD,
  aHi: Float64Array, aLo: Float64Array, aOffset: number,
  cHi: Float64Array, cLo: Float64Array, cOffset: number,
  from: number, to: number,
): void {
  const wh = -w.hi;
  const wl = -w.lo;
  let t = SPLITTER * wh;
  const whh = t - (t - wh);
  const whl = wh - whh;
  for (let i = from; i < to; i++) {
    const ah = aHi[aOffset + i];
    const al = aLo[aOffset + i];
    const ph = wh * ah;
    t = SPLITTER * ah;
    const ahh = t - (t - ah);
    const ahl = ah - ahh;
    let pl = whh * ahh - ph + whh * ahl + whl * ahh + whl * ahl;
    pl += wh * al + wl * ah;
    const ch = cHi[cOffset + i];
    const cl = cLo[cOffset + i];
    const s = ch + ph;
    const bb = s - ch;
    let e = ch - (s - bb) + (ph - bb);
    const u = cl + pl;
    const cc = u - cl;
    const f = cl - (u - cc) + (pl - cc);
    e += u;
    let h = s + e;
    let l = e - (h - s);
    l += f;
    const h2 = h + l;
    l = l - (h2 - h);
    cHi[cOffset + i] = h2;
    cLo[cOffset + i] = l;
  }
}
