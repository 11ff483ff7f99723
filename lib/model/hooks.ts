/**
 * Hooks for the common causal experiments, as [hook point, function] pairs to pass to
 * `model.runWithHooks(text, { hooks: [...], taps })`:
 *
 *   ablateHead('blocks.3.attn.hook_z', 2)                      head 2's output set to zero
 *   ablateHead('blocks.3.attn.hook_z', 2, { mean })            ... to a mean (`headMean` over other runs), or its mean over this run's positions
 *   patchActivation('blocks.5.hook_resid_pre', clean, { positions: [7] })   another run's activation put in
 *   scaleActivation('blocks.0.hook_attn_out', 0.5)             scaled, wholly or for one head or some positions
 *
 * Heads and positions are found by the activation's axis names (`head_index`, `pos`, `query_pos`).
 */
import { Activation, HookFunction } from './graph';

export type Hook = [string, HookFunction];

/** Which part of an activation to touch: one head, some positions (of its first position axis), or all. */
export interface Selection {
  head?: number;
  positions?: number[];
}

/**
 * Replaces one head's activation at a hook point with an axis `head_index` (hook_q, hook_k, hook_v,
 * hook_attn_scores, hook_pattern, hook_z, hook_result): by zeros, or with `{ mean }` by the mean
 * over positions (this run's, or the given values: one per element of a position's head slice,
 * e.g. d_head of them for hook_z; see `headMean`).
 */
export function ablateHead(hookName: string, head: number, options: { mean?: true | Float32Array } = {}): Hook {
  return [
    hookName,
    (a) => {
      const selected = select(a, { head }, hookName);
      const fill = options.mean === undefined ? null : options.mean === true ? meanOf(a, selected) : checkedMean(options.mean, selected.sliceSize, hookName);
      for (const [i, k] of selected.indices) a.data[i] = fill ? fill[k] : 0;
    },
  ];
}

/**
 * Puts `source` (the same hook point's activation from another run, or a cache of a run's taps)
 * in place of this run's activation: wholly, or at some positions and/or one head.
 */
export function patchActivation(hookName: string, source: Activation | Record<string, Activation>, selection: Selection = {}): Hook {
  return [
    hookName,
    (a) => {
      const from = 'data' in source && source.data instanceof Float32Array ? (source as Activation) : (source as Record<string, Activation>)[hookName];
      if (!from) throw new Error(`the patch for ${hookName} has no activation for it: run the source with this hook point among its taps`);
      const sameLayout = from.shape.length === a.shape.length && from.shape.every((d, i) => d === a.shape[i]);
      if (!sameLayout && selection.positions === undefined) {
        throw new Error(
          `cannot patch ${hookName}: the source's shape [${from.shape}] differs from this run's [${a.shape}]; ` +
            'patch texts of the same length, or name the positions to patch (`{ positions: [...] }`)',
        );
      }
      const target = select(a, selection, hookName);
      const origin = select(from, selection, hookName);
      if (origin.indices.length !== target.indices.length) {
        throw new Error(`cannot patch ${hookName}: the source's selection holds ${origin.indices.length} values, this run's ${target.indices.length} (shapes [${from.shape}] and [${a.shape}])`);
      }
      for (const [k, [i]] of target.indices.entries()) a.data[i] = from.data[origin.indices[k][0]];
    },
  ];
}

/** Multiplies the activation (or the selected head and positions of it) by `factor`. */
export function scaleActivation(hookName: string, factor: number, selection: Selection = {}): Hook {
  if (!Number.isFinite(factor)) throw new Error(`scaleActivation needs a finite factor, got ${factor}`);
  return [
    hookName,
    (a) => {
      for (const [i] of select(a, selection, hookName).indices) a.data[i] *= factor;
    },
  ];
}

/**
 * The mean of one head's activation over every position of many runs (e.g. `runBatch` over a
 * corpus): the values `ablateHead(..., { mean })` puts in.
 */
export function headMean(activations: Activation[], head: number, hookName = 'this hook point'): Float32Array {
  if (activations.length === 0) throw new Error('headMean needs at least one activation');
  let sum: Float64Array | null = null;
  let count = 0;
  for (const a of activations) {
    const selected = select(a, { head }, hookName);
    sum ??= new Float64Array(selected.sliceSize);
    if (selected.sliceSize !== sum.length) throw new Error(`headMean: activations of ${hookName} differ in shape ([${a.shape}])`);
    for (const [i, k] of selected.indices) sum[k] += a.data[i];
    count += selected.indices.length / selected.sliceSize;
  }
  return Float32Array.from(sum!, (s) => s / count);
}

interface Selected {
  /** [flat index into the activation, index within its position's slice] for each selected element, in order */
  indices: [number, number][];
  /** elements per position in the selection */
  sliceSize: number;
}

/** The elements of `a` in `selection`, found by its axes' names. */
function select(a: Activation, selection: Selection, hookName: string): Selected {
  const headAxis = a.axes.indexOf('head_index');
  const posAxis = a.axes.findIndex((x) => x.endsWith('pos'));
  if (selection.head !== undefined) {
    if (headAxis < 0) throw new Error(`${hookName} has axes [${a.axes}], no head_index: choose a hook point with a head axis (e.g. attn.hook_z)`);
    if (!Number.isInteger(selection.head) || selection.head < 0 || selection.head >= a.shape[headAxis]) {
      throw new Error(`head ${selection.head} is out of range for ${hookName}: heads are 0 to ${a.shape[headAxis] - 1}`);
    }
  }
  const positions = selection.positions === undefined ? null : new Set(selection.positions);
  for (const p of selection.positions ?? []) {
    if (!Number.isInteger(p) || p < 0 || p >= a.shape[posAxis]) throw new Error(`position ${p} is out of range for ${hookName}: positions are 0 to ${a.shape[posAxis] - 1}`);
  }
  const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((x, y) => x * y, 1));
  const indices: [number, number][] = [];
  const perPosition = new Map<number, number>(); // position -> elements seen in its slice
  for (let i = 0; i < a.data.length; i++) {
    const at = (axis: number) => Math.floor(i / strides[axis]) % a.shape[axis];
    if (selection.head !== undefined && at(headAxis) !== selection.head) continue;
    const pos = at(posAxis);
    if (positions && !positions.has(pos)) continue;
    const k = perPosition.get(pos) ?? 0;
    perPosition.set(pos, k + 1);
    indices.push([i, k]);
  }
  return { indices, sliceSize: indices.length / Math.max(1, perPosition.size) };
}

/** The mean of each slice element over the selected positions. */
function meanOf(a: Activation, selected: Selected): Float32Array {
  const sum = new Float64Array(selected.sliceSize);
  for (const [i, k] of selected.indices) sum[k] += a.data[i];
  const n = selected.indices.length / selected.sliceSize;
  return Float32Array.from(sum, (s) => s / n);
}

function checkedMean(mean: Float32Array, size: number, hookName: string): Float32Array {
  if (!(mean instanceof Float32Array) || mean.length !== size) {
    throw new Error(`the mean for ${hookName} must be a Float32Array of ${size} values (one position's head slice; see headMean), got ${mean?.length ?? typeof mean}`);
  }
  return mean;
}
