/**
 * Tap names (TransformerLens' hook names for GPT-2) and the recorder that keeps only the tapped
 * activations while a forward pass runs. Shapes, for T tokens: `[T, C]` for every residual,
 * normalized or sublayer output; `[H, T, T]` (head, query, key) for `attn.hook_pattern`;
 * `[T, vocab]` for `logits`.
 */
import * as tf from '@tensorflow/tfjs';
import { GPT2Config } from './config';

export const BLOCK_TAPS = [
  'hook_resid_pre',
  'ln1.hook_normalized',
  'attn.hook_pattern',
  'hook_attn_out',
  'hook_resid_mid',
  'ln2.hook_normalized',
  'hook_mlp_out',
  'hook_resid_post',
] as const;

/** Every tap of a model, in the order a forward pass produces them. */
export function tapNames(config: GPT2Config): string[] {
  const names = ['hook_embed', 'hook_pos_embed'];
  for (let i = 0; i < config.nLayer; i++) names.push(...BLOCK_TAPS.map((t) => `blocks.${i}.${t}`));
  names.push('ln_final.hook_normalized', 'logits');
  return names;
}

/** Throws, listing the valid names, when any requested tap does not exist in this model. */
export function checkTaps(config: GPT2Config, taps: string[]): void {
  if (!Array.isArray(taps)) throw new Error(`taps must be a list of tap names, got ${typeof taps}`);
  const valid = new Set(tapNames(config));
  const unknown = taps.filter((t) => !valid.has(t));
  if (unknown.length > 0) {
    throw new Error(
      `unknown tap${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => JSON.stringify(t)).join(', ')}. Valid taps: ` +
        `hook_embed, hook_pos_embed, ${BLOCK_TAPS.map((t) => `blocks.{i}.${t}`).join(', ')}, ` +
        `ln_final.hook_normalized, logits, with i from 0 to ${config.nLayer - 1}`,
    );
  }
}

export class TapRecorder {
  readonly values: Record<string, tf.Tensor> = {};
  private missing: Set<string>;

  constructor(requested: string[]) {
    this.missing = new Set(requested);
  }

  wants(name: string): boolean {
    return this.missing.has(name);
  }

  /** Keeps `t` under `name` if it was asked for (surviving the enclosing tf.tidy); returns `t`. */
  record<T extends tf.Tensor>(name: string, t: T): T {
    if (this.missing.has(name)) {
      this.values[name] = tf.keep(t.clone());
      this.missing.delete(name);
    }
    return t;
  }

  /** True once every requested tap has been recorded. */
  get complete(): boolean {
    return this.missing.size === 0;
  }
}
