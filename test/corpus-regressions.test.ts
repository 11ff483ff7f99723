// The corpus regressions against statsmodels 0.13.5 on a small synthetic corpus
// (test/fixtures/corpus/corpus-goldens.json, made by test/python/corpus_goldens.py, which builds the
// design from its own definition with pandas): the lag design, the pooled fits per layer clustered
// by text (z and t inference, log‖a‖ and log‖a − b_O‖), the stacked Wald test that lag 1's beta is
// the same in every layer, and every text's own fit with the spread of their betas. Estimates to
// 1e-8 relative, p-values to 1e-6.
import { describe, expect, it } from 'vitest';
import { corpusLagDesign } from '../lib/frames/corpus-norms';
import { CORPUS_REGRESSION_COLUMNS, corpusRegressionRows, corpusRegressionTable, lagEqualityTest, pooledLayerFits } from '../lib/frames/corpus-regressions';
import { perTextFits, textBetaSpread } from '../lib/frames/corpus-text-fits';
import { stackClusterFits } from '../lib/stats/stacked';
import { CORPUS_GOLDENS, goldenCorpus, keepRows } from './helpers/corpus';
import { relativeError } from './helpers/statsmodels';

const G = CORPUS_GOLDENS;
const TOLERANCE = 1e-8;
const P_TOLERANCE = 1e-6;

function close(what: string, ours: unknown, theirs: unknown, tolerance = TOLERANCE) {
  const err = relativeError(theirs, ours);
  expect(err, `${what}: relative error ${err}`).toBeLessThanOrEqual(tolerance);
}

/** Interval bounds relative to the bound or the half-width, whichever is larger (a bound near 0 has no relative precision; scipy's t.ppf is ~3e-10 off). */
function closeIntervals(what: string, ours: [number, number][], theirs: number[][]) {
  theirs.forEach(([lo, hi], i) => {
    const scale = (bound: number) => Math.max(Math.abs(bound), Math.abs(hi - lo) / 2);
    const err = Math.max(Math.abs(ours[i][0] - lo) / scale(lo), Math.abs(ours[i][1] - hi) / scale(hi));
    expect(err, `${what}[${i}]: relative error ${err}`).toBeLessThanOrEqual(TOLERANCE);
  });
}

/** statsmodels' one-line test text without its p-value, which it prints to 16 digits (compared above to 1e-6). */
const withoutP = (summary: string) => summary.replace(/p(-value)?=[^,]+/, 'p=…');

describe('the corpus lag design', () => {
  const design = corpusLagDesign(goldenCorpus());

  for (const [response, golden, tolerance] of [
    ['log_norm', G.design, 0],
    ['log_norm_without_bias', G.design_without_bias, 1e-15], // log taken by numpy and by Math.log
  ] as const) {
    it(`has the rows pandas finds: measured t, t−1, t−2 within a chunk and layer, never position 0 (${response})`, () => {
      const ours = corpusLagDesign(goldenCorpus(), response);
      expect(ours.textIds).toEqual(G.texts);
      expect(ours.layers.map((d) => d.layer)).toEqual([0, 1, 2, 3]);
      for (const d of ours.layers) {
        const rows: number[] = golden.layer.map((_: number, i: number) => i).filter((i: number) => golden.layer[i] === d.layer);
        expect(rows.length).toBe(75);
        expect(Array.from(d.text)).toEqual(rows.map((i) => golden.text[i]));
        for (const column of ['y', 'lag1', 'lag2'] as const) {
          close(`L${d.layer} ${column}`, Array.from(d[column]), rows.map((i) => golden[column][i]), tolerance);
        }
      }
    });
  }

  it('starts the two-chunk text\'s second chunk at overlap + 2 and the first chunks at t = 3 (hand count)', () => {
    // beta (26 tokens) has chunk 0 with 16 positions (rows t = 3..15: 13) and chunk 1 with 14
    // positions, 0..3 context only (rows t = 6..13: 8); gamma (5 tokens) has rows t = 3, 4.
    const beta = G.texts.indexOf('beta');
    const gamma = G.texts.indexOf('gamma');
    const count = (t: number) => Array.from(design.layers[0].text).filter((x) => x === t).length;
    expect(count(beta)).toBe(13 + 8);
    expect(count(gamma)).toBe(2);
  });
});

describe('pooled fits per layer, clustered by text', () => {
  const design = corpusLagDesign(goldenCorpus());
  for (const [name, options, goldens, response] of [
    ['z (statsmodels\' default)', {}, G.pooled, 'log_norm'],
    ['t on G − 1', { useT: true }, G.pooled_use_t, 'log_norm'],
    ['log‖a − b_O‖', {}, G.pooled_without_bias, 'log_norm_without_bias'],
  ] as const) {
    it(`agrees with statsmodels: ${name}`, () => {
      const fits = pooledLayerFits(corpusLagDesign(goldenCorpus(), response), options);
      expect(fits.length).toBe(4);
      fits.forEach((fit, layer) => {
        const g = (goldens as any[])[layer];
        expect(fit.result.nobs).toBe(g.nobs);
        expect(fit.clusters).toBe(g.clusters);
        expect(fit.result.useT).toBe(g.use_t);
        close(`L${layer} params`, fit.result.params, g.params);
        close(`L${layer} bse`, fit.result.bse, g.bse);
        close(`L${layer} tvalues`, fit.result.tvalues, g.tvalues);
        close(`L${layer} pvalues`, fit.result.pvalues, g.pvalues, P_TOLERANCE);
        closeIntervals(`L${layer} conf_int`, fit.result.confInt(0.05), g.conf_int);
        close(`L${layer} cov_params`, fit.result.covParams.flat(), g.cov_params.flat());
        close(`L${layer} rsquared`, fit.result.rsquared, g.rsquared);
      });
    });
  }

  it('makes regressions.csv rows that say cluster and the number of clusters', () => {
    const fits = pooledLayerFits(design);
    const rows = corpusRegressionRows(fits);
    expect(rows.length).toBe(12);
    const row = rows.find((r) => r.layer === 2 && r.term === 'lag1')!;
    const g = G.pooled[2];
    expect(row).toMatchObject({ response: 'log_norm', cov_type: 'cluster', clusters: 8, nobs: 75 });
    close('coef', row.coef, g.params[1]);
    close('std_err', row.std_err, g.bse[1]);
    close('t', row.t, g.tvalues[1]);
    close('p', row.p, g.pvalues[1], P_TOLERANCE);
    closeIntervals('ci', [[row.ci_low, row.ci_high]], [g.conf_int[1]]);
    close('adj_r2', row.adj_r2, g.rsquared_adj);
    const table = corpusRegressionTable(rows);
    expect(table.columns).toEqual([...CORPUS_REGRESSION_COLUMNS]);
    expect(table.shape).toEqual([12, CORPUS_REGRESSION_COLUMNS.length]);
  });

  it('refuses to cluster one text', () => {
    const alpha = keepRows(goldenCorpus(), (i) => G.corpus.text_id[i] === 'alpha');
    expect(() => pooledLayerFits(corpusLagDesign(alpha))).toThrow(/pooledLayerFits: layer 0 has rows from 1 text; errors clustered by text need at least two texts/);
  });
});

describe('the Wald test that lag 1\'s beta is the same in every layer', () => {
  const design = corpusLagDesign(goldenCorpus());
  for (const [name, options, g] of [
    ['chi-square', {}, G.stacked],
    ['F on G − 1', { useT: true }, G.stacked_use_t],
  ] as const) {
    it(`equals statsmodels' wald_test on the stacked formula fit: ${name}`, () => {
      const test = lagEqualityTest(pooledLayerFits(design, options));
      expect(test.restriction).toBe(g.restriction);
      expect(test.distribution).toBe(g.distribution);
      expect(test.dfNum).toBe(3);
      expect(test.dfDenom).toBe(g.df_denom);
      expect(test.clusters).toBe(8);
      expect(test.nobs).toBe(g.nobs);
      close('statistic', test.statistic, g.statistic);
      close('pvalue', test.pvalue, g.pvalue, P_TOLERANCE);
      expect(withoutP(test.summary)).toBe(withoutP(g.summary));
    });
  }

  it('builds the stacked model\'s estimates and covariance, matched by patsy\'s names', () => {
    const fits = pooledLayerFits(design);
    const stacked = stackClusterFits(fits.map((f) => f.result), fits.map((f) => f.result.exogNames.map((n) => (n === 'const' ? `C(layer)[${f.layer}]` : `C(layer)[${f.layer}]:${n}`))));
    const order = G.stacked.names.map((name: string) => stacked.exogNames.indexOf(name));
    expect(order.every((i: number) => i >= 0)).toBe(true);
    close('params', order.map((i: number) => stacked.params[i]), G.stacked.params);
    close('cov_params', order.flatMap((i: number) => order.map((j: number) => stacked.covParams[i][j])), G.stacked.cov_params.flat());
  });

  it('says what is wrong with fits it cannot stack', () => {
    const fits = pooledLayerFits(design);
    expect(() => lagEqualityTest(fits.slice(0, 1))).toThrow(/1 layer fit; .* needs at least two layers/);
    expect(() => lagEqualityTest(fits, 'lag3')).toThrow(/no term "lag3"; the fits have const, lag1, lag2/);
    const names = fits.map(() => ['a', 'b', 'c']);
    expect(() => stackClusterFits(fits.map((f) => f.result), names)).toThrow(/the name "a" is used twice/);
    const nonrobust = fits[0].result.getRobustcovResults('HC1');
    expect(() => stackClusterFits([nonrobust], [['a', 'b', 'c']])).toThrow(/fit 0 has covType HC1; stack fits made with covType 'cluster'/);
    expect(() => stackClusterFits([fits[0].result, pooledLayerFits(design, { useT: true })[1].result], [['a', 'b', 'c'], ['d', 'e', 'f']])).toThrow(/fit 1 has useT true, fit 0 has false/);
  });
});

describe('each text\'s own fit', () => {
  const perText = perTextFits(corpusLagDesign(goldenCorpus()));

  it('fits the texts with at least 4 rows as statsmodels does, and counts the rest', () => {
    const golden: any[] = G.per_text;
    expect(perText.flatMap((l) => l.fits).length).toBe(golden.length);
    for (const layer of perText) {
      expect(layer.tooShort).toEqual(['gamma']);
      expect(layer.rankDeficient).toEqual([]);
      for (const fit of layer.fits) {
        const g = golden.find((x) => x.layer === layer.layer && x.text_id === fit.textId);
        expect(fit.nobs).toBe(g.nobs);
        close(`${fit.textId} L${layer.layer} params`, fit.params, g.params);
        close(`${fit.textId} L${layer.layer} bse`, fit.bse, g.bse);
        close(`${fit.textId} L${layer.layer} pvalues`, fit.pvalues, g.pvalues, P_TOLERANCE);
      }
    }
    // theta (7 tokens) has rows t = 3..6: exactly one residual degree of freedom, and is fitted.
    expect(perText[0].fits.find((f) => f.textId === 'theta')!.nobs).toBe(4);
  });

  it('leaves out a text whose lags are collinear with the constant, and says so', () => {
    const flat = goldenCorpus();
    flat.text_id.forEach((id, i) => {
      if (id === 'alpha') flat.log_norm[i] = 1.5;
    });
    const layers = perTextFits(corpusLagDesign(flat));
    expect(layers.map((l) => l.rankDeficient)).toEqual([['alpha'], ['alpha'], ['alpha'], ['alpha']]);
    expect(layers[0].fits.map((f) => f.textId)).not.toContain('alpha');
    expect(textBetaSpread(layers)[0]).toMatchObject({ texts: 6, tooShort: 1, rankDeficient: 1 });
  });

  it('summarises the betas as numpy and statsmodels do', () => {
    const spread = textBetaSpread(perText);
    expect(spread.length).toBe(8);
    for (const s of spread) {
      const g = G.per_text_summary.find((x: any) => x.layer === s.layer && x.term === s.term);
      expect({ texts: s.texts, tooShort: s.tooShort, significant: s.significant, positive: s.positive, negative: s.negative }).toEqual({
        texts: g.texts,
        tooShort: g.too_short.length,
        significant: g.significant,
        positive: g.positive,
        negative: g.negative,
      });
      for (const [ours, theirs] of [
        ['median', 'median'], ['q1', 'q1'], ['q3', 'q3'], ['min', 'min'], ['max', 'max'],
        ['lowerWhisker', 'lower_whisker'], ['upperWhisker', 'upper_whisker'], ['shareSignificant', 'share_significant'],
      ] as const) {
        close(`L${s.layer} ${s.term} ${ours}`, s[ours], g[theirs]);
      }
    }
  });
});
