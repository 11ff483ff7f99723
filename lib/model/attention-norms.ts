/**
 * The article's measurement: the L2 norm of each token's attention adjustment, the vector the
 * attention sublayer adds to the residual stream (`blocks.{i}.hook_attn_out`), in every layer.
 */
import { displayTokens } from '../text/tokenizer';
import { Activation } from './graph';
import { Hook } from './hooks';
import { BatchOptions, GPT2Model, RunOptions } from './model';

export interface AttentionNorms {
  ids: number[];
  tokens: string[];
  /** norms[layer][position] */
  norms: number[][];
}

/** The norms of one text; `hooks` change activations on the way (e.g. `ablateHead(...)`: the norms of the ablated model). */
export async function attentionAdjustmentNorms(model: GPT2Model, input: string | number[], options: RunOptions & { hooks?: Hook[] } = {}): Promise<AttentionNorms> {
  const ids = model.ids(input, options);
  return normsOf(model, ids, await model.execute(ids, attnOutTaps(model), options.hooks ?? [], { onProgress: options.onProgress }));
}

/** The same for many texts at once (see `runBatch`), in the order given. */
export async function attentionAdjustmentNormsBatch(model: GPT2Model, inputs: (string | number[])[], options: BatchOptions = {}): Promise<AttentionNorms[]> {
  const sequences = inputs.map((input) => model.ids(input, options));
  const outputs = await model.runBatch(sequences, attnOutTaps(model), options);
  return sequences.map((ids, i) => normsOf(model, ids, outputs[i]));
}

function attnOutTaps(model: GPT2Model): string[] {
  return Array.from({ length: model.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
}

function normsOf(model: GPT2Model, ids: number[], outputs: Record<string, Activation>): AttentionNorms {
  const C = model.config.nEmbd;
  const norms = attnOutTaps(model).map((tap) => rowNorms(outputs[tap].data, C));
  return { ids, tokens: displayTokens(ids), norms };
}

/** The L2 norm of each row of a row-major [rows, C] matrix, summed in float64. */
export function rowNorms(values: Float32Array, C: number): number[] {
  return Array.from({ length: values.length / C }, (_, t) => {
    let sum = 0;
    for (let c = t * C; c < (t + 1) * C; c++) sum += values[c] * values[c];
    return Math.sqrt(sum);
  });
}
