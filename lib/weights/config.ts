/**
 * GPT-2's hyperparameters: the four published sizes, the tiny test model, and any HuggingFace
 * `config.json` of model_type gpt2 (checked: a config the model cannot run is an error here).
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
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    throw new Error(`${source}: layer_norm_epsilon must be a positive finite number, got ${JSON.stringify(hf.layer_norm_epsilon) ?? String(eps)}`);
  }
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

/** Our config as a HuggingFace `config.json` (the inverse of `configFromHF`). */
export function configToHF(c: GPT2Config): Record<string, unknown> {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: c.vocabSize,
    n_positions: c.nPositions,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: c.nInner === 4 * c.nEmbd ? null : c.nInner,
    activation_function: 'gelu_new',
    layer_norm_epsilon: c.layerNormEpsilon,
  };
}
