// The corpus figures carry the numbers they are given: the pooled betas and their intervals over the
// texts' boxes (on the synthetic corpus whose numbers corpus-regressions.test.ts checks against
// statsmodels), and the head shares as a heat map with the bias in a row of its own.
import { describe, expect, it } from 'vitest';
import { corpusLagDesign } from '../lib/frames/corpus-norms';
import { corpusRegressionRows, pooledLayerFits } from '../lib/frames/corpus-regressions';
import { perTextFits, textBetaSpread } from '../lib/frames/corpus-text-fits';
import type { HeadShares } from '../lib/frames/corpus-head-shares';
import { corpusBetasFigure } from '../lib/figures/corpus-betas';
import { headSharesFigure } from '../lib/figures/corpus-head-shares';
import { SYNTHETIC_NOTE } from '../lib/figures/figure';
import { CORPUS_GOLDENS, goldenCorpus } from './helpers/corpus';

const SYNTHETIC = { model: 'synthetic:gpt2', synthetic: true };
const REAL = { model: 'gpt2', synthetic: false };

describe('corpusBetasFigure', () => {
  const design = corpusLagDesign(goldenCorpus());
  const rows = corpusRegressionRows(pooledLayerFits(design));
  const spread = textBetaSpread(perTextFits(design));
  const figure = corpusBetasFigure(rows, spread, SYNTHETIC);
  const traces = (type: string, yaxis: string) => figure.data.filter((t) => t.type === type && t.yaxis === yaxis);

  it('draws each lag\'s pooled betas with their cluster-robust intervals, filled where p < 0.05', () => {
    for (const [term, yaxis] of [['lag1', 'y'], ['lag2', 'y2']]) {
      const [points] = traces('scatter', yaxis);
      const own = rows.filter((r) => r.term === term);
      expect(points.x).toEqual([0, 1, 2, 3]);
      expect(points.y).toEqual(own.map((r) => r.coef));
      const error = points.error_y as { array: number[]; arrayminus: number[] };
      error.array.forEach((v, i) => expect(own[i].coef + v).toBeCloseTo(own[i].ci_high, 14));
      error.arrayminus.forEach((v, i) => expect(own[i].coef - v).toBeCloseTo(own[i].ci_low, 14));
      expect((points.marker as { symbol: string[] }).symbol).toEqual(own.map((r) => (r.p < 0.05 ? 'circle' : 'circle-open')));
    }
    // statsmodels: lag2 is not significant in layer 3 (p = 0.415), lag1 is in every layer
    const golden = CORPUS_GOLDENS.pooled;
    expect((traces('scatter', 'y2')[0].marker as { symbol: string[] }).symbol[3]).toBe(golden[3].pvalues[2] < 0.05 ? 'circle' : 'circle-open');
    expect((traces('scatter', 'y2')[0].marker as { symbol: string[] }).symbol[3]).toBe('circle-open');
  });

  it('puts a box of the texts\' own betas under each layer: quartiles and whiskers from the spread', () => {
    for (const [term, yaxis] of [['lag1', 'y'], ['lag2', 'y2']]) {
      const [box] = traces('box', yaxis);
      const own = spread.filter((s) => s.term === term);
      expect(box.x).toEqual([0, 1, 2, 3]);
      expect(box.q1).toEqual(own.map((s) => s.q1));
      expect(box.median).toEqual(own.map((s) => s.median));
      expect(box.q3).toEqual(own.map((s) => s.q3));
      expect(box.lowerfence).toEqual(own.map((s) => s.lowerWhisker));
      expect(box.upperfence).toEqual(own.map((s) => s.upperWhisker));
      expect(box.customdata).toEqual(own.map((s) => [7, s.significant]));
    }
  });

  it('leaves out the box of a layer where no text was long enough', () => {
    const empty = spread.map((s) => (s.layer === 2 ? { ...s, texts: 0, q1: NaN, median: NaN, q3: NaN } : s));
    const [box] = corpusBetasFigure(rows, empty, REAL).data.filter((t) => t.type === 'box');
    expect(box.x).toEqual([0, 1, 3]);
  });

  it('labels synthetic weights, draws zero lines, and names a missing term', () => {
    expect(JSON.stringify(figure.layout.title)).toContain('SYNTHETIC weights: synthetic:gpt2');
    expect(JSON.stringify(figure.layout.annotations)).toContain(SYNTHETIC_NOTE);
    expect(JSON.stringify(corpusBetasFigure(rows, spread, REAL).layout)).not.toMatch(/synthetic/i);
    expect((figure.layout.shapes as Array<{ yref: string; y0: number }>).map((s) => [s.yref, s.y0])).toEqual([['y', 0], ['y2', 0]]);
    expect(() => corpusBetasFigure(rows.filter((r) => r.term !== 'lag2'), spread, REAL)).toThrow(/no pooled rows with term 'lag2'/);
  });
});

describe('headSharesFigure', () => {
  const shares: HeadShares = {
    layers: [0, 1, 2],
    heads: 2,
    share: [[0.5, 0.3], [0.9, -0.1], [0.2, 0.2]],
    bias: [0.2, 0.2, 0.6],
    tokens: [100, 100, 100],
    texts: 4,
  };
  const figure = headSharesFigure(shares, SYNTHETIC);
  const [map] = figure.data;

  it('has heads as rows, then the bias, and layers as columns', () => {
    expect(map.type).toBe('heatmap');
    expect(map.x).toEqual([0, 1, 2]);
    expect(map.y).toEqual(['head 0', 'head 1', 'bias b_O']);
    expect(map.z).toEqual([[0.5, 0.9, 0.2], [0.3, -0.1, 0.2], [0.2, 0.2, 0.6]]);
    // a diverging scale centred on 0, symmetric about the largest share in size
    expect([map.zmin, map.zmid, map.zmax]).toEqual([-0.9, 0, 0.9]);
    expect((figure.layout.shapes as Array<{ y0: number }>)[0].y0).toBe(1.5);
    expect(map.texttemplate).toBe('%{z:.2f}');
    expect(headSharesFigure(shares, REAL, { maxLabelledCells: 8 }).data[0].texttemplate).toBeUndefined();
  });

  it('labels synthetic weights and refuses empty or ragged shares', () => {
    expect(JSON.stringify(figure.layout.title)).toContain('SYNTHETIC');
    expect(() => headSharesFigure({ ...shares, layers: [], share: [], bias: [] }, REAL)).toThrow(/no layers or heads/);
    expect(() => headSharesFigure({ ...shares, share: [[0.5], [0.9, -0.1], [0.2, 0.2]] }, REAL)).toThrow(/layer 0 has 1 head shares for 2 heads/);
  });
});
