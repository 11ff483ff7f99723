import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { GPT2_SIZES } from '../lib/weights/config';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { SyntheticWeights, fnv1a32, syntheticTensor } from '../lib/weights/synthetic';
import { resolveWeights } from '../lib/weights/resolve';
import { TINY_CHECKPOINT_SHA256, tinyCheckpoint } from './helpers/fixtures';
import { createHash } from 'crypto';
import * as fs from 'fs';

const ROOT = path.resolve(__dirname, '..');

describe('synthetic weights', () => {
  it('FNV-1a of known strings', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c); // the published FNV-1a test vector
  });

  it("wte.weight starts with the fixture README's five values", () => {
    const wte = syntheticTensor('wte.weight', [2, 3]);
    expect(Array.from(wte.slice(0, 5))).toEqual([
      -0.9009641408920288, -0.48681139945983887, 0.9599357843399048, 0.4326692819595337, -0.3326694965362549,
    ]);
  });

  it("synthetic:tiny, written in the hub's layout, is HuggingFace's tiny-gpt2.safetensors byte for byte", () => {
    const bytes = fs.readFileSync(tinyCheckpoint());
    expect(bytes.length).toBe(14_321_680);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(TINY_CHECKPOINT_SHA256);
  });

  it('synthetic:tiny equals tiny-gpt2.safetensors bit for bit', () => {
    const file = SafetensorsFile.open(tinyCheckpoint());
    const synthetic = new SyntheticWeights(GPT2_SIZES.tiny, 'tiny');
    let compared = 0;
    try {
      for (const name of file.names()) {
        if (/^h\.\d+\.attn\.(bias|masked_bias)$/.test(name)) continue;
        expect(synthetic.shape(name), name).toEqual(file.entry(name).shape);
        const ours = new Uint32Array(synthetic.read(name).buffer);
        const theirs = new Uint32Array(Float32Array.from(file.read(name)).buffer);
        let mismatches = 0;
        for (let i = 0; i < ours.length; i++) if (ours[i] !== theirs[i]) mismatches++;
        expect(mismatches, `${name}: values differing in any bit`).toBe(0);
        compared++;
      }
    } finally {
      file.close();
    }
    expect(compared).toBe(2 + 12 * 3 + 2);
  });

  it('resolves synthetic specs and rejects unknown sizes', () => {
    const r = resolveWeights('synthetic:gpt2');
    expect(r.synthetic).toBe(true);
    expect(r.config.nLayer).toBe(12);
    expect(r.source.shape('h.11.mlp.c_fc.weight')).toEqual([768, 3072]);
    expect(() => resolveWeights('synthetic:gpt3')).toThrow(/unknown synthetic size "gpt3".*synthetic:gpt2-xl/);
  });
});
