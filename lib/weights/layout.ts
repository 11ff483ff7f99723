/**
 * The tensors of a GPT-2 checkpoint by hub name and shape, as the tree the model reads
 * (`w.h[3].attn.c_attn.weight`). This is the one place that says how HuggingFace lays GPT-2 out,
 * and the model uses that layout as it is:
 *   - Conv1D weights are [in, out]: y = x·W + b.
 *   - c_attn's 3C output columns are q | k | v; within each, head h owns columns h·d … (h+1)·d
 *     (d = C / H), and c_proj's input rows follow the same head order (see `headColumns`).
 *   - The unembedding is tied to wte: logits = x · wteᵀ.
 * Names carry no `transformer.` prefix; the causal-mask buffers and a tied `lm_head.weight` are
 * not weights of the model (checkpoint.ts skips them).
 */
import { GPT2Config } from './config';

export interface WeightSpec {
  name: string; // e.g. `h.3.mlp.c_fc.weight`
  shape: number[];
}

export interface Linear {
  weight: WeightSpec; // [in, out]
  bias: WeightSpec; // [out]
}

export interface LayerNormWeights {
  weight: WeightSpec; // gain, [C]
  bias: WeightSpec; // [C]
}

export interface BlockWeights {
  ln_1: LayerNormWeights;
  attn: { c_attn: Linear; c_proj: Linear };
  ln_2: LayerNormWeights;
  mlp: { c_fc: Linear; c_proj: Linear };
}

export interface GPT2Weights {
  wte: WeightSpec; // [vocab, C]
  wpe: WeightSpec; // [positions, C]
  h: BlockWeights[];
  ln_f: LayerNormWeights;
}

export function gpt2Weights(c: GPT2Config): GPT2Weights {
  const C = c.nEmbd;
  const tensor = (name: string, ...shape: number[]): WeightSpec => ({ name, shape });
  const linear = (name: string, inDim: number, outDim: number): Linear => ({
    weight: tensor(`${name}.weight`, inDim, outDim),
    bias: tensor(`${name}.bias`, outDim),
  });
  const layerNorm = (name: string): LayerNormWeights => ({ weight: tensor(`${name}.weight`, C), bias: tensor(`${name}.bias`, C) });
  return {
    wte: tensor('wte.weight', c.vocabSize, C),
    wpe: tensor('wpe.weight', c.nPositions, C),
    h: Array.from({ length: c.nLayer }, (_, i) => ({
      ln_1: layerNorm(`h.${i}.ln_1`),
      attn: { c_attn: linear(`h.${i}.attn.c_attn`, C, 3 * C), c_proj: linear(`h.${i}.attn.c_proj`, C, C) },
      ln_2: layerNorm(`h.${i}.ln_2`),
      mlp: { c_fc: linear(`h.${i}.mlp.c_fc`, C, c.nInner), c_proj: linear(`h.${i}.mlp.c_proj`, c.nInner, C) },
    })),
    ln_f: layerNorm('ln_f'),
  };
}

/** Every tensor a checkpoint must hold, in the hub's order. */
export function expectedWeights(c: GPT2Config): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const collect = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (isWeightSpec(node)) specs.push(node);
    else Object.values(node as object).forEach(collect);
  };
  collect(gpt2Weights(c));
  return specs;
}

function isWeightSpec(node: unknown): node is WeightSpec {
  return typeof (node as WeightSpec).name === 'string' && Array.isArray((node as WeightSpec).shape);
}

export function parameterCount(c: GPT2Config): number {
  return expectedWeights(c).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** The columns of c_attn that head `h` uses for `part` (0 q, 1 k, 2 v): [begin, end). */
export function headColumns(c: GPT2Config, part: 0 | 1 | 2, h: number): [number, number] {
  const d = c.nEmbd / c.nHead;
  const begin = part * c.nEmbd + h * d;
  return [begin, begin + d];
}
