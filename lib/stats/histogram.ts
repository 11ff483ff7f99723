/**
 * numpy's histogram_bin_edges and histogram (numpy 1.24), value for value: the bin-width rules
 * ('fd', 'auto', 'sturges', 'scott', 'rice', 'sqrt', 'doane'), numpy's linearly interpolated
 * percentiles, linspace edges, and the rule that every bin is half-open except the last, which
 * also holds its right edge. Written by hand because no JavaScript library reproduces numpy's rules.
 */

import { linspace } from './random';

export type BinRule = 'auto' | 'fd' | 'doane' | 'scott' | 'rice' | 'sturges' | 'sqrt';
export type Bins = number | BinRule | readonly number[];

const RULES: BinRule[] = ['auto', 'fd', 'doane', 'scott', 'rice', 'sturges', 'sqrt'];

function finiteValues(values: ArrayLike<number>, caller: string): Float64Array {
  const a = Float64Array.from(values as ArrayLike<number>);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) {
      throw new Error(
        `${caller}: value ${a[i]} at index ${i} is not finite; numpy refuses it too ("autodetected range is not finite"). Filter non-finite values first.`,
      );
    }
  }
  return a;
}

/** numpy.percentile(a, q) with the default 'linear' method, on sorted data. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile: empty input; pass at least one value.');
  const quantile = q / 100;
  const virtualIndex = (n - 1) * quantile;
  let previous = Math.floor(virtualIndex);
  let next = previous + 1;
  if (virtualIndex >= n - 1) {
    previous = n - 1;
    next = n - 1;
  } else if (virtualIndex < 0) {
    previous = 0;
    next = 0;
  }
  const gamma = virtualIndex - Math.floor(virtualIndex);
  const a = sorted[previous];
  const b = sorted[next];
  // numpy's _lerp: from the nearer end, so that the result is monotone in gamma
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** numpy.percentile(a, q), linear interpolation between order statistics. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = finiteValues(values, 'percentile').sort();
  return percentileSorted(sorted, q);
}

function ptp(a: Float64Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max - min;
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** numpy.std (population): sqrt(mean(|x - mean|^2)). */
function std(a: Float64Array): number {
  const m = mean(a);
  let s = 0;
  for (const v of a) s += (v - m) * (v - m);
  return Math.sqrt(s / a.length);
}

function sturgesWidth(a: Float64Array): number {
  return ptp(a) / (Math.log2(a.length) + 1.0);
}

function fdWidth(a: Float64Array): number {
  const sorted = Float64Array.from(a).sort();
  const iqr = percentileSorted(sorted, 75) - percentileSorted(sorted, 25);
  return 2.0 * iqr * a.length ** (-1.0 / 3.0);
}

const WIDTH: Record<BinRule, (a: Float64Array) => number> = {
  sqrt: (a) => ptp(a) / Math.sqrt(a.length),
  sturges: sturgesWidth,
  rice: (a) => ptp(a) / (2.0 * a.length ** (1.0 / 3)),
  scott: (a) => (((24.0 * Math.PI ** 0.5) / a.length) ** (1.0 / 3.0)) * std(a),
  doane: (a) => {
    const n = a.length;
    if (n > 2) {
      const sg1 = Math.sqrt((6.0 * (n - 2)) / ((n + 1.0) * (n + 3)));
      const sigma = std(a);
      if (sigma > 0.0) {
        const m = mean(a);
        let g1 = 0;
        for (const v of a) g1 += ((v - m) / sigma) ** 3;
        g1 /= n;
        return ptp(a) / (1.0 + Math.log2(n) + Math.log2(1.0 + Math.abs(g1) / sg1));
      }
    }
    return 0.0;
  },
  fd: fdWidth,
  auto: (a) => {
    const fd = fdWidth(a);
    const sturges = sturgesWidth(a);
    return fd ? Math.min(fd, sturges) : sturges;
  },
};

function outerEdges(a: Float64Array): [number, number] {
  if (a.length === 0) return [0, 1];
  let first = Infinity;
  let last = -Infinity;
  for (const v of a) {
    if (v < first) first = v;
    if (v > last) last = v;
  }
  if (first === last) return [first - 0.5, last + 0.5];
  return [first, last];
}

interface EdgesPlan {
  edges: number[];
  /** Set for equal-width bins (numpy's fast path for counting). */
  uniform: { first: number; last: number; bins: number } | null;
}

function planEdges(a: Float64Array, bins: Bins, caller: string): EdgesPlan {
  if (typeof bins === 'string') {
    if (!RULES.includes(bins)) {
      throw new Error(`${caller}: bins ${JSON.stringify(bins)} is not a rule numpy knows; use one of ${RULES.join(', ')} or a count.`);
    }
    const [first, last] = outerEdges(a);
    let count = 1;
    if (a.length > 0) {
      const width = WIDTH[bins](a);
      if (width) count = Math.ceil((last - first) / width);
    }
    return { edges: linspace(first, last, count + 1), uniform: { first, last, bins: count } };
  }
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1) {
      throw new Error(`${caller}: bins must be a positive integer count, got ${bins}.`);
    }
    const [first, last] = outerEdges(a);
    return { edges: linspace(first, last, bins + 1), uniform: { first, last, bins } };
  }
  const edges = Array.from(bins);
  if (edges.length < 2) throw new Error(`${caller}: bin edges need at least two values, got ${edges.length}.`);
  for (let i = 1; i < edges.length; i++) {
    if (edges[i - 1] > edges[i]) {
      throw new Error(`${caller}: bin edges must increase monotonically; edge ${i - 1} (${edges[i - 1]}) > edge ${i} (${edges[i]}).`);
    }
  }
  return { edges, uniform: null };
}

/** numpy.histogram_bin_edges(values, bins). */
export function histogramBinEdges(values: ArrayLike<number>, bins: Bins = 10): number[] {
  return planEdges(finiteValues(values, 'histogramBinEdges'), bins, 'histogramBinEdges').edges;
}

/** numpy.histogram(values, bins): counts per bin (last bin closed) and the edges. */
export function histogram(values: ArrayLike<number>, bins: Bins = 10): { counts: number[]; edges: number[] } {
  const a = finiteValues(values, 'histogram');
  const { edges, uniform } = planEdges(a, bins, 'histogram');
  const nBins = edges.length - 1;
  const counts = new Array<number>(nBins).fill(0);
  if (uniform) {
    // numpy's equal-width path: compute the index, then correct it by comparing with the edges.
    const { first, last } = uniform;
    const denom = last - first;
    for (const v of a) {
      if (!(v >= first && v <= last)) continue;
      let index = Math.trunc(((v - first) / denom) * nBins);
      if (index === nBins) index -= 1;
      if (v < edges[index]) index -= 1;
      if (v >= edges[index + 1] && index !== nBins - 1) index += 1;
      counts[index] += 1;
    }
    return { counts, edges };
  }
  // Explicit edges: value v goes to the bin i with edges[i] <= v < edges[i+1]; the last bin is closed.
  const sorted = Float64Array.from(a).sort();
  const countBelow = (edge: number, inclusive: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inclusive ? sorted[mid] <= edge : sorted[mid] < edge) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cumulative = edges.map((e, i) => countBelow(e, i === edges.length - 1));
  for (let i = 0; i < nBins; i++) counts[i] = cumulative[i + 1] - cumulative[i];
  return { counts, edges };
}
