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
