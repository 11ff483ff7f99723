/**
 * The article's measurement: the L2 norm of each token's attention adjustment, the vector the
 * attention sublayer adds to the residual stream (`blocks.{i}.hook_attn_out`), in every layer.
 */
import { displayTokens } from '../text/tokenizer';
import { GPT2Model, RunOptions } from './gpt2';

export interface AttentionNorms {
  ids: number[];
  tokens: string[];
  /** norms[layer][position] */
  norms: number[][];
}

export async function attentionAdjustmentNorms(model: GPT2Model, input: string | number[], options: RunOptions = {}): Promise<AttentionNorms> {
  const ids = model.ids(input, options);
  const taps = Array.from({ length: model.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
  const outputs = await model.run(ids, taps);
  try {
    const norms = taps.map((tap) => {
      const values = outputs[tap].dataSync(); // [T, C], row-major
      const C = model.config.nEmbd;
      return ids.map((_, t) => {
        let sum = 0; // in float64
        for (let c = t * C; c < (t + 1) * C; c++) sum += values[c] * values[c];
        return Math.sqrt(sum);
      });
    });
    return { ids, tokens: displayTokens(ids), norms };
  } finally {
    Object.values(outputs).forEach((t) => t.dispose());
  }
}
