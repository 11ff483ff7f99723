/** The same model on TensorFlow.js' plain JavaScript backend agrees with HuggingFace too. */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../lib/model';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { GPT2_FIXTURES } from './helpers/fixtures';

const FIXTURES = GPT2_FIXTURES;

describe("the 'cpu' backend", () => {
  it('runs the tiny model to the goldens (1e-4), patterns included', async () => {
    const model = await loadModel('synthetic:tiny', { backend: 'cpu' });
    const goldens = SafetensorsFile.open(path.join(FIXTURES, 'goldens-tiny.safetensors'));
    try {
      expect(tf.getBackend()).toBe('cpu');
      const ids = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13]; // goldens.json's "short"
      const out = await model.run(ids, ['blocks.2.hook_attn_out', 'blocks.1.attn.hook_pattern', 'ln_final.hook_normalized']);
      const check = (ours: tf.Tensor, name: string) => {
        const golden = goldens.read(name);
        const values = ours.dataSync();
        const scale = Math.max(...golden.map(Math.abs));
        const worst = Math.max(...Array.from(values, (v, i) => Math.abs(v - golden[i])));
        expect(worst / scale, name).toBeLessThan(1e-4);
      };
      check(out['blocks.2.hook_attn_out'], 'short.blocks.2.attn_out');
      check(out['blocks.1.attn.hook_pattern'], 'short.blocks.1.pattern');
      check(out['ln_final.hook_normalized'], 'short.ln_final');
      Object.values(out).forEach((t) => t.dispose());
    } finally {
      model.dispose();
      goldens.close();
    }
  });

  // where tfjs-node did install, the backend works instead
  it.skipIf(tfjsNodeInstalled())("asking for 'tensorflow' without tfjs-node says how to get it", async () => {
    await expect(loadModel('synthetic:tiny', { backend: 'tensorflow' })).rejects.toThrow(/needs @tensorflow\/tfjs-node: `npm install @tensorflow\/tfjs-node`/);
  });
});

function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
