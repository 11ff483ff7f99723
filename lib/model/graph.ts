/**
 * GPT-2 as a trace of operations: gpt2.ts writes the model once against `GraphBuilder`, and each
 * engine runs the trace (onnx-engine.ts lowers it to ONNX graphs, tfjs-engine.ts runs it as
 * TensorFlow.js layers). Every operation makes one value. A hook point is a value made by a `hook`
 * node, named (TransformerLens' names) where it is computed: the list of hook points is whatever a
 * trace of the whole model declares, and nothing keeps a second list.
 *
 * Shapes are per sequence and name their axes as TransformerLens does (`pos`, `head_index`,
 * `d_head`, ...; an engine that runs batches adds a leading batch axis). The operations, for
 * x: [T, C] (T = pos, C = d_model), H heads of d = C / H, and a Linear's W [in, out] and b [out]
 * (weights as layout.ts describes them):
 *   embed(ids; wte)              [T, C]      rows of wte
 *   posEmbed(positions; wpe)     [T, C]      rows of wpe
 *   add(a, b)                    a + b
 *   hook(x)                      x, as a hook point
 *   lnScale(x; ln)               [T, 1]      √(mean((x − mean x)²) + ε)
 *   lnNormalized(x, s; ln)       [T, C]      (x − mean x) / s · ln.weight + ln.bias
 *   attnProject(x; c_attn, part) [T, H, d]   part 0, 1, 2 (q, k, v) of x·W + b, by head
 *   attnScores(q, k)             [H, T, T]   q·kᵀ / √d, −∞ where the key comes after the query
 *   softmax(s)                   [H, T, T]   over the keys
 *   attnMix(p, v)                [T, H, d]   each head's p·v
 *   attnOut(z; c_proj)           [T, C]      the heads side by side, ·W + b
 *   headResults(z; c_proj)       [T, H, C]   each head through its own rows of W, without b
 *   sumHeads(r; c_proj)          [T, C]      Σ over heads, + b
 *   linear(x; W, b)              [T, out]
 *   gelu(x)                      x's shape   GELU, tanh approximation (HuggingFace's gelu_new)
 *   unembed(x; wte)              [T, vocab]  x · wteᵀ
 *   headShares(z, a; c_proj)     [T, H + 1]  each head's r·a / ‖a‖², then the bias's b·a / ‖a‖², where
 *                                            head h's output r = z_h·W_h, so r·a = z_h·(a·W_hᵀ)
 *
 * Besides hook points, a trace may declare measurements (`measure`): values computed from hook
 * points that a run can tap but not hook, reduced inside the engine so that what leaves it is small
 * (each head's share of the attention adjustment, instead of every head's whole output).
 */
import { GPT2Config } from '../weights/config';
import { LayerNormWeights, Linear, WeightSpec } from '../weights/layout';

/** An axis of an activation, by TransformerLens' name. */
export type Axis = 'pos' | 'query_pos' | 'key_pos' | 'head_index' | 'd_head' | 'd_model' | 'd_mlp' | 'd_vocab' | '1' | 'head_index_and_bias';

/** How long each axis is in a model, for T tokens. */
export function axisSizes(c: GPT2Config, T: number): Record<Axis, number> {
  return {
    pos: T, query_pos: T, key_pos: T, head_index: c.nHead, d_head: c.nEmbd / c.nHead, d_model: c.nEmbd, d_mlp: c.nInner, d_vocab: c.vocabSize, '1': 1,
    head_index_and_bias: c.nHead + 1,
  };
}

/** True for the axes that run over tokens. */
export const isPositionAxis = (a: Axis) => a.endsWith('pos');

export type OpName =
  | 'embed' | 'posEmbed' | 'add' | 'hook' | 'lnScale' | 'lnNormalized' | 'attnProject' | 'attnScores' | 'softmax'
  | 'attnMix' | 'attnOut' | 'headResults' | 'sumHeads' | 'linear' | 'gelu' | 'unembed' | 'headShares';

export interface Value {
  id: number;
  axes: Axis[];
  /** The node that makes it; null for the trace's inputs. */
  node: Node | null;
  /** For the trace's inputs: token ids or their positions, [T] integers. */
  input?: 'ids' | 'positions';
  /** Its hook point's full name, for the outputs of hook nodes. */
  hook?: string;
  /** Its measurement's full name, for measurements. */
  measure?: string;
}

export interface Node {
  id: number;
  op: OpName;
  inputs: Value[];
  weights: WeightSpec[];
  /** attnProject's part: 0 q, 1 k, 2 v. */
  part?: 0 | 1 | 2;
  output: Value;
  /** The part of the model it belongs to: `embed`, `blocks.{i}`, `ln_final` or `unembed`. */
  stage: string;
}

export interface Trace {
  config: GPT2Config;
  inputs: { ids: Value; positions: Value };
  /** In the order a forward pass makes them. */
  nodes: Node[];
  /** Hook point name → its value, in forward-pass order. */
  hooks: Map<string, Value>;
  /** Measurement name → its value. */
  measures: Map<string, Value>;
}

/** Records operations into a trace; gpt2.ts describes GPT-2 with it. */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly hooks = new Map<string, Value>();
  private readonly measures = new Map<string, Value>();
  private nextValue = 0;
  private prefix = '';
  private currentStage = '';
  readonly inputs: { ids: Value; positions: Value };

  /** `wants(hook)`: whether a run asks for that hook point (parts that cost extra are built only then). */
  constructor(readonly config: GPT2Config, private readonly wantsHook: (hook: string) => boolean) {
    this.inputs = { ids: { ...this.value(['pos'], null), input: 'ids' }, positions: { ...this.value(['pos'], null), input: 'positions' } };
  }

  trace(): Trace {
    return { config: this.config, inputs: this.inputs, nodes: this.nodes, hooks: this.hooks, measures: this.measures };
  }

  /** Runs `f` inside a part of the model; `scope` prefixes the hook names made there. */
  stage<T>(stage: string, f: () => T, scope = ''): T {
    this.currentStage = stage;
    return this.scope(scope, f);
  }

  scope<T>(name: string, f: () => T): T {
    const outer = this.prefix;
    this.prefix = this.qualified(name);
    try {
      return f();
    } finally {
      this.prefix = outer;
    }
  }

  wants(name: string): boolean {
    return this.wantsHook(this.qualified(name));
  }

  /** Declares hook point `name` (within the current scope) on x. */
  hook(name: string, x: Value): Value {
    const full = this.qualified(name);
    if (this.hooks.has(full)) throw new Error(`hook point ${full} is declared twice`);
    const v = this.node('hook', [x], [], x.axes);
    v.hook = full;
    this.hooks.set(full, v);
    return v;
  }

  /** Declares measurement `name` (within the current scope) as x, which is made for it. */
  measure(name: string, x: Value): Value {
    const full = this.qualified(name);
    x.measure = full;
    this.measures.set(full, x);
    return x;
  }

  embed(ids: Value, wte: WeightSpec) {
    return this.node('embed', [ids], [wte], ['pos', 'd_model']);
  }
  posEmbed(positions: Value, wpe: WeightSpec) {
    return this.node('posEmbed', [positions], [wpe], ['pos', 'd_model']);
  }
  add(a: Value, b: Value) {
    return this.node('add', [a, b], [], a.axes);
  }
  lnScale(x: Value, ln: LayerNormWeights) {
    return this.node('lnScale', [x], [ln.weight, ln.bias], ['pos', '1']);
  }
  lnNormalized(x: Value, scale: Value, ln: LayerNormWeights) {
    return this.node('lnNormalized', [x, scale], [ln.weight, ln.bias], x.axes);
  }
  attnProject(x: Value, cAttn: Linear, part: 0 | 1 | 2) {
    const v = this.node('attnProject', [x], [cAttn.weight, cAttn.bias], ['pos', 'head_index', 'd_head']);
    v.node!.part = part;
    return v;
  }
  attnScores(q: Value, k: Value) {
    return this.node('attnScores', [q, k], [], ['head_index', 'query_pos', 'key_pos']);
  }
  softmax(scores: Value) {
    return this.node('softmax', [scores], [], scores.axes);
  }
  attnMix(pattern: Value, v: Value) {
    return this.node('attnMix', [pattern, v], [], ['pos', 'head_index', 'd_head']);
  }
  attnOut(z: Value, cProj: Linear) {
    return this.node('attnOut', [z], [cProj.weight, cProj.bias], ['pos', 'd_model']);
  }
  headResults(z: Value, cProj: Linear) {
    return this.node('headResults', [z], [cProj.weight], ['pos', 'head_index', 'd_model']);
  }
  sumHeads(result: Value, cProj: Linear) {
    return this.node('sumHeads', [result], [cProj.bias], ['pos', 'd_model']);
  }
  /** For the MLP's two products: [pos, d_model] → [pos, d_mlp] → [pos, d_model]. */
  linear(x: Value, l: Linear) {
    return this.node('linear', [x], [l.weight, l.bias], ['pos', x.axes[1] === 'd_model' ? 'd_mlp' : 'd_model']);
  }
  gelu(x: Value) {
    return this.node('gelu', [x], [], x.axes);
  }
  unembed(x: Value, wte: WeightSpec) {
    return this.node('unembed', [x], [wte], ['pos', 'd_vocab']);
  }
  headShares(z: Value, attnOut: Value, cProj: Linear) {
    return this.node('headShares', [z, attnOut], [cProj.weight, cProj.bias], ['pos', 'head_index_and_bias']);
  }

  private qualified(name: string): string {
    return [this.prefix, name].filter(Boolean).join('.');
  }

  private value(axes: Axis[], node: Node | null): Value {
    return { id: this.nextValue++, axes, node };
  }

  private node(op: OpName, inputs: Value[], weights: WeightSpec[], axes: Axis[]): Value {
    const node = { id: this.nodes.length, op, inputs, weights, stage: this.currentStage } as Node;
    node.output = this.value(axes, node);
    this.nodes.push(node);
    return node.output;
  }
}

/** A hook point's activation for one sequence: row-major values, their shape, and its axes' names. */
export interface Activation {
  data: Float32Array;
  shape: number[];
  axes: Axis[];
}

/**
 * Changes the activation at a hook point: edit `activation.data` in place, or return a
 * replacement of the same shape. Everything after the hook point then sees the change.
 */
export type HookFunction = (activation: Activation, hookName: string) => Activation | Float32Array | void;

/** What one run computes: the tapped values, the hooked ones, and the nodes needed for them. */
export interface RunPlan {
  trace: Trace;
  /** Tap name (a hook point or a measurement) → its value. */
  taps: Map<string, Value>;
  hooks: Map<string, { value: Value; fns: HookFunction[] }>;
  /** The nodes the taps and hooks depend on (a pass stops after the last of them). */
  needed: Set<Node>;
}

export function planRun(trace: Trace, taps: string[], hooks: [string, HookFunction][]): RunPlan {
  const lookup = (name: string) => trace.hooks.get(name)!;
  const plan: RunPlan = {
    trace,
    taps: new Map(taps.map((t) => [t, trace.hooks.get(t) ?? trace.measures.get(t)!])),
    hooks: new Map(),
    needed: new Set(),
  };
  for (const [name, fn] of hooks) {
    const entry = plan.hooks.get(name) ?? { value: lookup(name), fns: [] };
    entry.fns.push(fn);
    plan.hooks.set(name, entry);
  }
  const visit = (v: Value): void => {
    if (!v.node || plan.needed.has(v.node)) return;
    plan.needed.add(v.node);
    v.node.inputs.forEach(visit);
  };
  plan.taps.forEach(visit);
  plan.hooks.forEach((h) => visit(h.value));
  return plan;
}

/** A value's shape for a sequence of T tokens. */
export function shapeOf(v: Value, config: GPT2Config, T: number): number[] {
  const sizes = axisSizes(config, T);
  return v.axes.map((a) => sizes[a]);
}

/**
 * Calls the hook functions on an activation and returns the value that goes on (checked: a
 * replacement must have the activation's size).
 */
export function applyHooks(name: string, fns: HookFunction[], activation: Activation): Activation {
  let current = activation;
  for (const fn of fns) {
    const returned = fn(current, name);
    if (!returned) continue;
    const data = returned instanceof Float32Array ? returned : returned.data;
    if (!(data instanceof Float32Array) || data.length !== current.data.length) {
      throw new Error(
        `the hook on ${name} returned ${data instanceof Float32Array ? `${data.length} values` : typeof data}: ` +
          `return nothing (after editing activation.data in place) or a Float32Array of ${current.data.length} values, shape [${current.shape}]`,
      );
    }
    current = { ...current, data };
  }
  return current;
}

/** A run of consecutive nodes of one stage, with what it reads and hands on. */
export interface Piece {
  stage: string;
  nodes: Node[];
  /** Values it reads from outside: the trace's inputs and earlier pieces' values. */
  inputs: Value[];
  /** Values it hands on: what later pieces read, and its taps and hooked values. */
  outputs: Value[];
}

/**
 * The plan's needed nodes in pieces: cut where `part(stage)` changes (each stage its own part, or
 * several blocks together, or the whole model), and after every hooked value when `cutAfterHooks`
 * (an engine that cannot call JavaScript inside a graph hands the value out and back). A piece's
 * stage is that of its first node.
 */
export function splitPlan(plan: RunPlan, options: { part: (stage: string) => string; cutAfterHooks: boolean }): Piece[] {
  const pieces: Piece[] = [];
  const madeIn = new Map<number, Piece>();
  const tapped = new Set(plan.taps.values());
  const used = (v: Value) => tapped.has(v) || (v.hook !== undefined && plan.hooks.has(v.hook));
  const add = (list: Value[], v: Value) => list.includes(v) || list.push(v);
  let current: Piece | null = null;
  let cut = false;
  for (const n of plan.trace.nodes) {
    if (!plan.needed.has(n)) continue;
    if (!current || options.part(current.stage) !== options.part(n.stage) || cut) {
      current = { stage: n.stage, nodes: [], inputs: [], outputs: [] };
      pieces.push(current);
    }
    current.nodes.push(n);
    madeIn.set(n.output.id, current);
    cut = options.cutAfterHooks && n.op === 'hook' && plan.hooks.has(n.output.hook!);
    for (const v of n.inputs) {
      const from = madeIn.get(v.id);
      if (from === current) continue;
      add(current.inputs, v);
      if (from) add(from.outputs, v);
    }
  }
  for (const piece of pieces) for (const { output: v } of piece.nodes) if (used(v)) add(piece.outputs, v);
  return pieces;
}

/** The name a value is tapped under in this plan, if it is tapped. */
export function tapName(plan: RunPlan, v: Value): string | undefined {
  const name = v.hook ?? v.measure;
  return name !== undefined && plan.taps.get(name) === v ? name : undefined;
}
