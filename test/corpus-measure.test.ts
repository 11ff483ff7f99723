// measureTexts on synthetic:tiny: its progress counts each text's tokens once (chunks overlap) and
// finishes with every text; the texts' tables joined by concatRows form one corpus table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadShareAccumulator } from '../lib/frames/corpus-head-shares';
import { measureTexts } from '../lib/frames/corpus-measure';
import { concatRows, corpusShape } from '../lib/frames/corpus-norms';
import type { Progress } from '../lib/io/progress';
import { GPT2Model, loadModel } from '../lib/model/model';
import { tokenize } from '../lib/text/tokenizer';

const TEXTS = [
  'Hungarian rock has been one of the most popular genres in Hungary',
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
  'Emma Woodhouse, handsome, clever, and rich',
].map((text, index) => ({ index, id: `t${index}`, text }));

describe('measureTexts', () => {
  let model: GPT2Model;
  beforeAll(async () => {
    model = await loadModel('synthetic:tiny', { note: () => {} });
  });
  afterAll(() => model?.dispose());

  it('reports tokens measured and texts finished, once per token though chunks overlap', async () => {
    const reports: Progress[] = [];
    // window 12, overlap 4: the second text (26 tokens) is cut into 3 chunks
    const measured = await measureTexts(model, TEXTS, { window: 12, overlap: 4, batchSize: 2, heads: new HeadShareAccumulator(), onProgress: (p) => void reports.push({ ...p }) });
    const total = TEXTS.reduce((sum, t) => sum + tokenize(t.text).ids.length, 0);
    expect(measured.map((m) => m.chunks)).toEqual([2, 3, 1]);
    expect(reports[0]).toMatchObject({ label: 'corpus', unit: 'tokens', done: 0, total, detail: `0 of 3 texts`, finished: false });
    expect(reports.at(-1)).toMatchObject({ done: total, total, detail: '3 of 3 texts', finished: true });
    expect(reports.filter((r) => r.finished)).toHaveLength(1);
    reports.slice(1).forEach((r, i) => expect(r.done).toBeGreaterThan(reports[i].done));
    expect(reports).toHaveLength(1 + 6); // the start, then one per chunk

    const table = concatRows(measured.map((m) => m.rows));
    expect(corpusShape(table)).toEqual({ textIds: ['t0', 't1', 't2'], layers: model.config.nLayer });
    expect(table.norm.length).toBe(measured.reduce((sum, m) => sum + m.rows.norm.length, 0));
    const measuredRows = table.has_context.reduce((sum, v) => sum + v, 0);
    expect(measuredRows).toBe(total * model.config.nLayer);
  });
});
