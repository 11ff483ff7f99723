/**
 * GPT-2's hyperparameters: the four published sizes, the tiny test model, and any HuggingFace
 * `config.json` of model_type gpt2. `expectedWeights` lists every tensor a checkpoint must hold,
 * by its hub name and shape, so loaders can check a file before trusting it.
 */

export interface GPT2Config {
  vocabSize: number;
  nPositions: number; // context length
  nEmbd: number; // C, the residual width
  nLayer: number;
  nHead: number;
  nInner: number; // MLP hidden width, 4·C unless the config says otherwise
  layerNormEpsilon: number;
}

const base = { vocabSize: 50257, nPositions: 1024, layerNormEpsilon: 1e-5 };

export const GPT2_SIZES = {
  tiny: { ...base, nPositions: 256, nEmbd: 64, nLayer: 3, nHead: 4, nInner: 256 }, // test/fixtures' tiny-gpt2
  gpt2: { ...base, nEmbd: 768, nLayer: 12, nHead: 12, nInner: 3072 },
  'gpt2-medium': { ...base, nEmbd: 1024, nLayer: 24, nHead: 16, nInner: 4096 },
  'gpt2-large': { ...base, nEmbd: 1280, nLayer: 36, nHead: 20, nInner: 5120 },
  'gpt2-xl': { ...base, nEmbd: 1600, nLayer: 48, nHead: 25, nInner: 6400 },
} satisfies Record<string, GPT2Config>;

export type GPT2Size = keyof typeof GPT2_SIZES;

export function isGPT2Size(name: string): name is GPT2Size {
  return Object.prototype.hasOwnProperty.call(GPT2_SIZES, name);
}

/** A HuggingFace GPT-2 `config.json` (parsed) to our config; `source` names it in errors. */
export function configFromHF(json: unknown, source = 'config.json'): GPT2Config {
  if (typeof json !== 'object' || json === null) throw new Error(`${source}: expected a JSON object`);
  const hf = json as Record<string, unknown>;
  if (hf.model_type !== undefined && hf.model_type !== 'gpt2') {
    throw new Error(`${source}: model_type is ${JSON.stringify(hf.model_type)}, expected "gpt2"`);
  }
  const int = (key: string, fallback?: number): number => {
    const v = hf[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`${source}: ${key} must be a positive integer, got ${JSON.stringify(hf[key])}`);
    }
    return v;
  };
  const nEmbd = int('n_embd');
  const nHead = int('n_head');
  if (nEmbd % nHead !== 0) throw new Error(`${source}: n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  const eps = hf.layer_norm_epsilon ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0)) throw new Error(`${source}: layer_norm_epsilon must be a positive number`);
  const act = hf.activation_function ?? 'gelu_new';
  if (act !== 'gelu_new' && act !== 'gelu_pytorch_tanh') {
    throw new Error(`${source}: activation_function ${JSON.stringify(act)} is not supported (GPT-2 uses "gelu_new")`);
  }
  return {
    vocabSize: int('vocab_size'),
    nPositions: int('n_positions'),
    nEmbd,
    nLayer: int('n_layer'),
    nHead,
    nInner: hf.n_inner == null ? 4 * nEmbd : int('n_inner'),
    layerNormEpsilon: eps,
  };
}

export interface WeightSpec {
  name: string; // hub name without the `transformer.` prefix, e.g. `h.3.mlp.c_fc.weight`
  shape: number[];
}

/** Every tensor of a GPT-2 checkpoint in the hub's order and layout (Conv1D weights are [in, out]). */
export function expectedWeights(c: GPT2Config): WeightSpec[] {
  const C = c.nEmbd;
  const specs: WeightSpec[] = [
    { name: 'wte.weight', shape: [c.vocabSize, C] },
    { name: 'wpe.weight', shape: [c.nPositions, C] },
  ];
  for (let i = 0; i < c.nLayer; i++) specs.push(...blockWeights(c, i));
  specs.push({ name: 'ln_f.weight', shape: [C] }, { name: 'ln_f.bias', shape: [C] });
  return specs;
}

/** The tensors of block `i`. */
export function blockWeights(c: GPT2Config, i: number): WeightSpec[] {
  const C = c.nEmbd;
  const h = `h.${i}.`;
  return [
    { name: h + 'ln_1.weight', shape: [C] },
    { name: h + 'ln_1.bias', shape: [C] },
    { name: h + 'attn.c_attn.weight', shape: [C, 3 * C] },
    { name: h + 'attn.c_attn.bias', shape: [3 * C] },
    { name: h + 'attn.c_proj.weight', shape: [C, C] },
    { name: h + 'attn.c_proj.bias', shape: [C] },
    { name: h + 'ln_2.weight', shape: [C] },
    { name: h + 'ln_2.bias', shape: [C] },
    { name: h + 'mlp.c_fc.weight', shape: [C, c.nInner] },
    { name: h + 'mlp.c_fc.bias', shape: [c.nInner] },
    { name: h + 'mlp.c_proj.weight', shape: [c.nInner, C] },
    { name: h + 'mlp.c_proj.bias', shape: [C] },
  ];
}

export function parameterCount(c: GPT2Config): number {
  return expectedWeights(c).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}
