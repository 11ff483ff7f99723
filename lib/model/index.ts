/**
 * GPT-2 with TransformerLens-style taps, in TensorFlow.js.
 *
 *   const model = await loadModel('gpt2');                   // or 'synthetic:gpt2', a folder, a .safetensors file
 *   const taps = await model.runArrays(text, ['blocks.0.hook_attn_out', 'logits']);
 *   const { tokens, norms } = await attentionAdjustmentNorms(model, text); // norms[layer][position]
 *   model.dispose();
 */
export { GPT2_SIZES, blockWeights, configFromHF, expectedWeights, isGPT2Size, parameterCount } from './config';
export type { GPT2Config, GPT2Size, WeightSpec } from './config';
export { GPT2Model, loadModel } from './gpt2';
export type { LoadOptions, Residency, RunOptions, WeightRow } from './gpt2';
export { attentionAdjustmentNorms } from './attention-norms';
export type { AttentionNorms } from './attention-norms';
export { BLOCK_TAPS, tapNames } from './taps';
export type { BackendName } from './backend';
