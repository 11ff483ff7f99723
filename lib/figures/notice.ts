/**
 * A boxed notice for what a reader must not miss, put at the top of a notebook: the trained weights
 * asked for are not here, so the numbers below come from synthetic ones, and how to get the real ones.
 */
import { escapeHtml } from './html';

/** Download sizes of the hub checkpoints (model.safetensors), for the advice. */
const DOWNLOAD_SIZE: Record<string, string> = { gpt2: '548 MB', 'gpt2-medium': '1.5 GB', 'gpt2-large': '3.2 GB', 'gpt2-xl': '6.4 GB' };

const BOX = 'border: 2px solid #b00020; background: #fff3f3; color: #222; padding: 0.8em 1em; margin: 0.5em 0; border-radius: 4px;';

/** The notice for `wanted` (e.g. `gpt2`) running as `used` (e.g. `synthetic:gpt2`), as HTML. */
export function missingWeightsNotice(wanted: string, used: string, purpose = 'this notebook'): string {
  const [w, u] = [escapeHtml(wanted), escapeHtml(used)];
  const size = DOWNLOAD_SIZE[wanted] ? ` (${DOWNLOAD_SIZE[wanted]})` : '';
  return (
    `<div style="${BOX}">` +
    `<p style="margin: 0 0 0.5em 0; font-size: 1.15em;"><strong>${w}'s weights are not here, so ${escapeHtml(purpose)} runs on <code>${u}</code>.</strong></p>` +
    `<p style="margin: 0 0 0.5em 0;">Synthetic weights have ${w}'s shapes but come from a seeded formula and were never trained: ` +
    'the pipeline runs end to end, every figure and finding below is labelled synthetic, and none of the numbers says anything about GPT-2.</p>' +
    `<p style="margin: 0;">For the trained model, download it once${size} and run the notebook again: <code>npm run weights -- ${w}</code>. ` +
    `Without a network, copy its <code>config.json</code> and <code>model.safetensors</code> into <code>weights/${w}/</code>, ` +
    'or point <code>GPT2_WEIGHTS</code> at the folder that holds them.</p>' +
    '</div>'
  );
}
