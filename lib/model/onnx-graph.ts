/**
 * A piece of a trace as an ONNX model (written with onnx-proto; opset 20). Every value gains a
 * leading batch axis B; `ids` and `positions` are int64 [B, T]; attention adds the input `mask`,
 * [B, 1, T, T], 0 where a query may see a key and −∞ elsewhere (future keys and padding). Weights
 * are initializers whose bytes stay where they are (external data): in the safetensors file, or in
 * a buffer handed to the session (`WeightPlacement`).
 *
 * Values are lowered when something needs them, so only what the outputs depend on is built, and
 * a few steps merge: q, k and v come from one product with c_attn, and a layer norm whose scale
 * was not changed by a hook is one LayerNormalization.
 */
import { onnx } from 'onnx-proto';
import { WeightSpec } from '../weights/layout';
import { GPT2Config } from '../weights/config';
import { Node, OpName, Piece, Value, axisSizes, isPositionAxis } from './graph';

const { TensorProto } = onnx;
const FLOAT = TensorProto.DataType.FLOAT;
const INT64 = TensorProto.DataType.INT64;
const DTYPES: Record<string, number> = {
  F32: FLOAT,
  F16: TensorProto.DataType.FLOAT16,
  BF16: TensorProto.DataType.BFLOAT16,
  F64: TensorProto.DataType.DOUBLE,
};

/** Where a weight's bytes are: `file` (a name in the session's external-data folder or buffers), byte offset and length, dtype. */
export interface WeightPlacement {
  file: string;
  offset: number;
  length: number;
  dtype: string;
}

/** The name a value has in every ONNX graph: its hook point's or measurement's name, else `v{id}`. */
export const valueName = (v: Value): string => v.hook ?? v.measure ?? `v${v.id}`;

/** An attribute's value: integers and strings as they are, floats wrapped (`{ float: 1e-5 }`). */
type Attribute = number | number[] | string | { float: number };

/** The ONNX model of `piece` (its outputs as graph outputs); `place(weight)` says where each weight's bytes are. */
export function lowerPiece(piece: Piece, config: GPT2Config, place: (w: WeightSpec) => WeightPlacement): Uint8Array {
  const sizes = axisSizes(config, 0);
  const nodes: onnx.INodeProto[] = [];
  const initializers: onnx.ITensorProto[] = [];
  const graphInputs: onnx.IValueInfoProto[] = [];
  const emitted = new Map<number, string>(); // value id -> ONNX name
  const memo = new Map<string, string | string[]>();
  const inside = new Set(piece.nodes);
  const inputIds = new Set(piece.inputs.map((v) => v.id));
  let counter = 0;

  const node = (op: string, inputs: string[], attrs: Record<string, Attribute> = {}, outputs = 1): string[] => {
    const names = Array.from({ length: outputs }, () => `${op.toLowerCase()}_${counter++}`);
    nodes.push({ opType: op, input: inputs, output: names, attribute: Object.entries(attrs).map(([n, v]) => attribute(n, v)) });
    return names;
  };
  const op1 = (op: string, inputs: string[], attrs: Record<string, Attribute> = {}) => node(op, inputs, attrs)[0];
  const once = <T extends string | string[]>(key: string, make: () => T): T => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  };
  const ints = (values: number[]) =>
    once(`ints:${values}`, () => {
      const name = `const_${counter++}`;
      initializers.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
      return name;
    });
  const scalar = (value: number) =>
    once(`float:${value}`, () => {
      const name = `const_${counter++}`;
      initializers.push({ name, dims: [], dataType: FLOAT, floatData: [value] });
      return name;
    });
  const weight = (w: WeightSpec) =>
    once(`weight:${w.name}`, () => {
      const p = place(w);
      const dataType = DTYPES[p.dtype];
      if (dataType === undefined) throw new Error(`weight ${w.name} has dtype ${p.dtype}, which the onnx engine cannot read`);
      const stored = p.dtype === 'F32' ? w.name : `${w.name}.${p.dtype}`;
      initializers.push({
        name: stored,
        dims: w.shape,
        dataType,
        dataLocation: TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: p.file },
          { key: 'offset', value: String(p.offset) },
          { key: 'length', value: String(p.length) },
        ],
      });
      return p.dtype === 'F32' ? stored : op1('Cast', [stored], { to: FLOAT });
    });
  const graphInput = (name: string, elemType: number, dims: (number | string)[]) => {
    graphInputs.push(valueInfo(name, elemType, dims));
    return name;
  };
  const mask = () => once('mask', () => graphInput('mask', FLOAT, ['B', 1, 'T', 'T']));

  const emit = (v: Value): string => {
    const known = emitted.get(v.id);
    if (known !== undefined) return known;
    let name: string;
    if (!v.node || inputIds.has(v.id) || !inside.has(v.node)) {
      name = v.input ? graphInput(v.input, INT64, ['B', 'T']) : graphInput(valueName(v), FLOAT, ['B', ...v.axes.map((a) => (isPositionAxis(a) ? 'T' : sizes[a]))]);
    } else {
      name = LOWER[v.node.op](v.node, { emit, op1, node, once, ints, scalar, weight, mask, insideUnchanged, epsilon: config.layerNormEpsilon, H: sizes.head_index, d: sizes.d_head, C: sizes.d_model });
    }
    emitted.set(v.id, name);
    return name;
  };
  /** True when v is made inside this piece (not handed in, so not changed by a hook). */
  const insideUnchanged = (v: Value) => v.node !== null && inside.has(v.node) && !inputIds.has(v.id);

  const outputs = piece.outputs.map((v) => {
    const name = emit(v);
    const wanted = valueName(v);
    if (name !== wanted) nodes.push({ opType: 'Identity', input: [name], output: [wanted] });
    return valueInfo(wanted, FLOAT, []);
  });
  const model = onnx.ModelProto.create({
    irVersion: 9,
    producerName: 'gpt2-least-squares-workbook',
    opsetImport: [{ domain: '', version: 20 }],
    graph: { name: 'gpt2', node: nodes, initializer: initializers, input: graphInputs, output: outputs },
  });
  return onnx.ModelProto.encode(model).finish();
}

interface Lowering {
  emit(v: Value): string;
  op1(op: string, inputs: string[], attrs?: Record<string, Attribute>): string;
  node(op: string, inputs: string[], attrs?: Record<string, Attribute>, outputs?: number): string[];
  once<T extends string | string[]>(key: string, make: () => T): T;
  ints(values: number[]): string;
  scalar(value: number): string;
  weight(w: WeightSpec): string;
  mask(): string;
  insideUnchanged(v: Value): boolean;
  epsilon: number;
  /** heads, head size, residual width */
  H: number;
  d: number;
  C: number;
}

/** The layer norm of x: [normalized, mean, 1/scale], one LayerNormalization per (x, norm). */
function layerNormalization(n: Node, l: Lowering): string[] {
  const [x] = n.inputs;
  return l.once(`ln:${x.id}:${n.weights[0].name}`, () =>
    l.node('LayerNormalization', [l.emit(x), l.weight(n.weights[0]), l.weight(n.weights[1])], { axis: -1, epsilon: { float: l.epsilon } }, 3),
  );
}

/** [B, T, H, d] → [B, H, T, d] (or [B, H, d, T] for keys) */
const byHead = (l: Lowering, name: string, perm = [0, 2, 1, 3]) => l.op1('Transpose', [name], { perm });

const LOWER: Record<OpName, (n: Node, l: Lowering) => string> = {
  hook: (n, l) => l.emit(n.inputs[0]),
  embed: (n, l) => l.op1('Gather', [l.weight(n.weights[0]), l.emit(n.inputs[0])]),
  posEmbed: (n, l) => l.op1('Gather', [l.weight(n.weights[0]), l.emit(n.inputs[0])]),
  add: (n, l) => l.op1('Add', n.inputs.map(l.emit)),
  lnScale: (n, l) => l.op1('Reciprocal', [layerNormalization(n, l)[2]]),
  lnNormalized: (n, l) => {
    const [x, scale] = n.inputs;
    const fused = scale.node?.op === 'lnScale' && scale.node.inputs[0] === x && l.insideUnchanged(scale);
    if (fused) return layerNormalization(n, l)[0];
    const centred = l.op1('Sub', [l.emit(x), l.op1('ReduceMean', [l.emit(x), l.ints([-1])], { keepdims: 1 })]);
    return l.op1('Add', [l.op1('Mul', [l.op1('Div', [centred, l.emit(scale)]), l.weight(n.weights[0])]), l.weight(n.weights[1])]);
  },
  attnProject: (n, l) => {
    const [x] = n.inputs;
    const { H, d } = l;
    const parts = l.once(`qkv:${x.id}`, () => {
      const qkv = l.op1('Add', [l.op1('MatMul', [l.emit(x), l.weight(n.weights[0])]), l.weight(n.weights[1])]); // [B, T, 3C]
      return l.node('Split', [qkv, l.ints([H * d, H * d, H * d])], { axis: 2 }, 3);
    });
    return l.op1('Reshape', [parts[n.part!], l.ints([0, 0, H, d])]); // [B, T, H, d]
  },
  attnScores: (n, l) => {
    const [q, k] = n.inputs;
    const scores = l.op1('MatMul', [byHead(l, l.emit(q)), byHead(l, l.emit(k), [0, 2, 3, 1])]); // [B, H, T, T]
    return l.op1('Add', [l.op1('Mul', [scores, l.scalar(1 / Math.sqrt(l.d))]), l.mask()]);
  },
  softmax: (n, l) => l.op1('Softmax', [l.emit(n.inputs[0])], { axis: -1 }),
  attnMix: (n, l) => {
    const [pattern, v] = n.inputs;
    return byHead(l, l.op1('MatMul', [l.emit(pattern), byHead(l, l.emit(v))])); // [B, H, T, d] → [B, T, H, d]
  },
  attnOut: (n, l) => {
    const merged = l.op1('Reshape', [l.emit(n.inputs[0]), l.ints([0, 0, l.C])]); // [B, T, C]
    return l.op1('Add', [l.op1('MatMul', [merged, l.weight(n.weights[0])]), l.weight(n.weights[1])]);
  },
  headResults: (n, l) => {
    // H products of [B·T, d] by [d, C]: with the batch axes equal on both sides (a broadcast of B ran 30x slower)
    const z = l.emit(n.inputs[0]); // [B, T, H, d]
    const perHead = l.op1('Reshape', [l.weight(n.weights[0]), l.ints([l.H, l.d, l.C])]); // c_proj's rows by head: [H, d, C]
    const rows = l.op1('Reshape', [l.op1('Transpose', [z], { perm: [2, 0, 1, 3] }), l.ints([l.H, -1, l.d])]); // [H, B·T, d]
    const batchAndTokens = l.op1('Slice', [l.op1('Shape', [z]), l.ints([0]), l.ints([2])]); // [B, T]
    const results = l.op1('Reshape', [l.op1('MatMul', [rows, perHead]), l.op1('Concat', [l.ints([l.H]), batchAndTokens, l.ints([l.C])], { axis: 0 })]); // [H, B, T, C]
    return l.op1('Transpose', [results], { perm: [1, 2, 0, 3] }); // [B, T, H, C]
  },
  sumHeads: (n, l) => l.op1('Add', [l.op1('ReduceSum', [l.emit(n.inputs[0]), l.ints([2])], { keepdims: 0 }), l.weight(n.weights[0])]),
  linear: (n, l) => l.op1('Add', [l.op1('MatMul', [l.emit(n.inputs[0]), l.weight(n.weights[0])]), l.weight(n.weights[1])]),
  gelu: (n, l) => l.op1('Gelu', [l.emit(n.inputs[0])], { approximate: 'tanh' }),
  headShares: (n, l) => {
    const [z, attnOut] = n.inputs.map(l.emit); // [B, T, H, d], [B, T, C]
    // r·a = z_h·(a·W_hᵀ): a brought back through c_proj, no head's [C]-wide output made
    const back = l.op1('Reshape', [l.op1('MatMul', [attnOut, l.op1('Transpose', [l.weight(n.weights[0])], { perm: [1, 0] })]), l.ints([0, 0, l.H, l.d])]);
    const heads = l.op1('ReduceSum', [l.op1('Mul', [z, back]), l.ints([3])], { keepdims: 0 }); // r·a, [B, T, H]
    const bias = l.op1('ReduceSum', [l.op1('Mul', [attnOut, l.weight(n.weights[1])]), l.ints([2])], { keepdims: 1 }); // b·a, [B, T, 1]
    const total = l.op1('ReduceSum', [l.op1('Mul', [attnOut, attnOut]), l.ints([2])], { keepdims: 1 }); // ‖a‖², [B, T, 1]
    return l.op1('Div', [l.op1('Concat', [heads, bias], { axis: 2 }), total]);
  },
  unembed: (n, l) => {
    const [V, C] = n.weights[0].shape;
    const rows = l.op1('Reshape', [l.emit(n.inputs[0]), l.ints([-1, C])]); // Gemm is 2D: [B·T, C]
    const logits = l.op1('Gemm', [rows, l.weight(n.weights[0])], { transB: 1 }); // x · wteᵀ, wte used in place
    return l.op1('Reshape', [logits, l.op1('Concat', [l.op1('Slice', [l.op1('Shape', [l.emit(n.inputs[0])]), l.ints([0]), l.ints([2])]), l.ints([V])], { axis: 0 })]);
  },
};

function attribute(name: string, value: Attribute): onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  const shape = dims.length ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : undefined;
  return { name, type: { tensorType: { elemType, shape } } };
}
