/**
 * GPT-2 with every TransformerLens hook point, on ONNX Runtime (default) or TensorFlow.js.
 *
 *   const model = await loadModel('gpt2');                   // or 'synthetic:gpt2', a folder, a .safetensors file
 *   const taps = await model.runArrays(text, ['blocks.0.hook_attn_out', 'logits']);
 *   const { tokens, norms } = await attentionAdjustmentNorms(model, text); // norms[layer][position]
 *   const ablated = await model.runWithHooks(text, { hooks: [ablateHead('blocks.0.attn.hook_z', 3)], taps: ['logits'] });
 *   model.dispose();
 */
export { GPT2Model, loadModel, toArrays } from './model';
export type { BatchOptions, HookedRunOptions, LoadOptions, NestedArray, Residency, RunOptions, WeightRow } from './model';
export type { EngineName, TapConsumer } from './engine';
export type { Activation, Axis, HookFunction } from './graph';
export { ablateHead, headMean, patchActivation, scaleActivation } from './hooks';
export type { Hook, Selection } from './hooks';
export { attentionAdjustmentNorms, attentionAdjustmentNormsBatch, rowNorms } from './attention-norms';
export type { AttentionNorms } from './attention-norms';
