// The head-share accumulator on the model's own taps (synthetic:tiny, 3 layers, 4 heads, C = 64):
// fed attn.hook_result [T, H, C], hook_attn_out [T, C] and c_proj's bias as the corpus run will,
// every token's shares sum to 1 up to float32 rounding, which holds only when the layouts match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadShareAccumulator } from '../lib/frames/corpus-head-shares';
import { GPT2Model, loadModel } from '../lib/model/model';
import { resolveWeights } from '../lib/weights/resolve';

const TEXT = 'Hungarian rock has been one of the most popular genres in Hungary';

describe('head shares of synthetic:tiny', () => {
  let model: GPT2Model;
  beforeAll(async () => {
    model = await loadModel('synthetic:tiny', { note: () => {} });
  });
  afterAll(() => model?.dispose());

  it('sum to 1 for every token of every layer', async () => {
    const { nLayer, nHead, nEmbd } = model.config;
    const taps = Array.from({ length: nLayer }, (_, i) => [`blocks.${i}.attn.hook_result`, `blocks.${i}.hook_attn_out`]).flat();
    const out = await model.run(TEXT, taps);
    const weights = resolveWeights('synthetic:tiny').source;
    const T = out['blocks.0.hook_attn_out'].shape[0];
    expect(out['blocks.0.attn.hook_result'].shape).toEqual([T, nHead, nEmbd]);
    // One "text" per token (the mask picks it), so each text's sums are one token's shares.
    const acc = new HeadShareAccumulator();
    for (let layer = 0; layer < nLayer; layer++) {
      const bias = weights.read(`h.${layer}.attn.c_proj.bias`);
      for (let t = 0; t < T; t++) {
        const hasContext = Uint8Array.from({ length: T }, (_, s) => (s === t ? 1 : 0));
        acc.add({ textIndex: t, textId: `token ${t}`, layer, result: out[`blocks.${layer}.attn.hook_result`].data, attnOut: out[`blocks.${layer}.hook_attn_out`].data, bias, hasContext });
      }
    }
    const sums = acc.sums();
    const totals = new Map<string, number>();
    sums.share_sum.forEach((v, i) => totals.set(`${sums.text_index[i]}/${sums.layer[i]}`, (totals.get(`${sums.text_index[i]}/${sums.layer[i]}`) ?? 0) + v));
    expect(totals.size).toBe(T * nLayer);
    let worst = 0;
    for (const total of totals.values()) worst = Math.max(worst, Math.abs(total - 1));
    expect(worst).toBeLessThan(1e-5);
    // and the shares are not trivially one head's: several heads carry some of it
    const means = acc.means();
    expect(means.share.every((row) => row.filter((s) => Math.abs(s) > 0.01).length >= 2)).toBe(true);
  });
});
