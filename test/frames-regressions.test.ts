/**
 * The per-layer autoregressions against statsmodels 0.13.5 on the same norms: goldens.json holds the
 * attention-output norms of the synthetic GPT-2-shaped model on the article's text, and
 * ols-goldens.json what statsmodels fitted on them (cases gpt2-shape.hungary.L0..L11).
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { lagFrame, normsFrame } from '../lib/frames/norms';
import {
  REGRESSION_COLUMNS,
  WALD_COLUMNS,
  fitAllLayers,
  fitLayer,
  layerDesign,
  minimumTokens,
  regressionRows,
  regressionTable,
  rowsPerLayer,
  waldTable,
  waldTests,
} from '../lib/frames/regressions';
import { GOLDENS, LAG_COVARIANCE_GOLDENS, OLS_CASES, ROBUST_GOLDENS } from './helpers/fixtures';

const goldens = GOLDENS;
const olsCases = OLS_CASES;
const hungary = goldens.texts.find((t: { name: string }) => t.name === 'hungary');
const norms: number[][] = goldens.models['gpt2-shape'].attn_out_norms.hungary;

const frameOf = (model: string) =>
  normsFrame({ ids: hungary.ids, tokens: hungary.ids.map(String), norms: goldens.models[model].attn_out_norms.hungary });

function close(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe('per-layer regressions on the synthetic GPT-2-shaped model', () => {
  const frame = normsFrame({ ids: hungary.ids, tokens: hungary.ids.map(String), norms });
  const lagged = lagFrame(frame);
  const fits = fitAllLayers(lagged);

  it('fits 12 layers of 92 rows (t = 3..94)', () => {
    expect(fits.map((f) => f.layer)).toEqual([...Array(12).keys()]);
    for (const fit of fits) {
      expect(fit.result.nobs).toBe(92);
      expect(fit.positions[0]).toBe(3);
      expect(fit.positions[91]).toBe(94);
    }
  });

  it('builds the same design as the reference and agrees with statsmodels', () => {
    for (const fit of fits) {
      const golden = olsCases.find((c) => c.name === `gpt2-shape.hungary.L${fit.layer}`);
      const design = layerDesign(lagged, fit.layer);
      design.y.forEach((v, i) => close(v, golden.input.y[i], 1e-12));
      design.X.forEach((row, i) => row.forEach((v, k) => close(v, golden.input.X[i][k], 1e-12)));
      fit.result.params.forEach((v, k) => close(v, golden.params[k], 1e-8));
      fit.result.bse.forEach((v, k) => close(v, golden.bse[k], 1e-8));
      fit.result.pvalues.forEach((v, k) => close(v, golden.pvalues[k], 1e-7));
      close(fit.result.rsquared, golden.rsquared, 1e-8);
    }
  });

  it('tabulates one row per layer and term with the CI and fit statistics', () => {
    const table = regressionTable(fits);
    expect(table.columns).toEqual([...REGRESSION_COLUMNS]);
    expect(table.shape).toEqual([36, 13]);
    expect((table.column('term').values as string[]).slice(0, 3)).toEqual(['const', 'lag1', 'lag2']);
    const golden = olsCases.find((c) => c.name === 'gpt2-shape.hungary.L5');
    const row = 5 * 3 + 1; // layer 5, lag1
    expect(table.column('layer').values[row]).toBe(5);
    close(table.column('coef').values[row] as number, golden.params[1], 1e-8);
    close(table.column('std_err').values[row] as number, golden.bse[1], 1e-8);
    close(table.column('t').values[row] as number, golden.tvalues[1], 1e-8);
    close(table.column('ci_low').values[row] as number, golden.conf_int[1][0], 1e-8);
    close(table.column('ci_high').values[row] as number, golden.conf_int[1][1], 1e-8);
    close(table.column('adj_r2').values[row] as number, golden.rsquared_adj, 1e-8);
    expect(table.column('nobs').values[row]).toBe(92);
    expect(table.column('cov_type').values[row]).toBe('nonrobust');
    expect(table.column('maxlags').values[row]).toBeNull();
  });

  it('names a missing layer and a frame that is not a lag frame', () => {
    expect(() => layerDesign(lagged, 12)).toThrow(/layer 12 is not in the frame, which has layers 0, 1/);
    expect(() => layerDesign(frame, 0)).toThrow(/expected a lag frame/);
  });
});

describe('texts too short to estimate anything', () => {
  const first = (T: number) =>
    lagFrame(normsFrame({ ids: hungary.ids.slice(0, T), tokens: hungary.ids.slice(0, T).map(String), norms: norms.map((row) => row.slice(0, T)) }));

  it('needs 7 tokens: 4 rows (t = 3..6) for 3 parameters leave one residual degree of freedom', () => {
    expect(minimumTokens()).toBe(7);
    expect(minimumTokens({ lags: 1, firstPosition: 0 })).toBe(4); // rows t = 1..3 for 2 parameters
    const fits = fitAllLayers(first(7));
    expect(fits[0].result.nobs).toBe(4);
    expect(fits[0].result.dfResid).toBe(1);
    expect(fits.every((f) => f.result.bse.every(Number.isFinite))).toBe(true);
  });

  it('refuses a fit without residual degrees of freedom, saying why', () => {
    expect(() => fitAllLayers(first(6))).toThrow('layer 0 has 3 rows for 3 parameters (const, lag1, lag2): a fit needs at least one row more than parameters');
    expect(() => fitAllLayers(first(5))).toThrow(/layer 0 has 2 rows for 3 parameters.*use a longer text/);
  });
});

describe('per-layer regressions with Newey-West (HAC) errors, against statsmodels', () => {
  // robust-goldens.json: statsmodels' fit(cov_type='HAC', cov_kwds={'maxlags': floor(4 (n/100)^(2/9))})
  // of the same design in every layer of both synthetic models, with wald_test('lag1 = lag2').
  for (const model of ['tiny', 'gpt2-shape']) {
    it(`${model}: coefficients, HAC errors, z, p, intervals and the Wald test of lag1 = lag2 in every layer`, () => {
      const fits = fitAllLayers(lagFrame(frameOf(model)), { covType: 'HAC' });
      const rows = regressionRows(fits);
      const wald = waldTests(fits);
      expect(fits).toHaveLength(model === 'tiny' ? 3 : 12);
      for (const fit of fits) {
        const golden = ROBUST_GOLDENS.cases.find((c: { name: string }) => c.name === `${model}.hungary.L${fit.layer}.HAC`);
        expect(golden.input.cov_kwds.maxlags).toBe(3); // floor(4 (92/100)^(2/9))
        const own = rows.filter((r) => r.layer === fit.layer);
        expect(own.map((r) => r.term)).toEqual(golden.names);
        own.forEach((r, k) => {
          close(r.coef, golden.params[k], 1e-8);
          close(r.std_err, golden.bse[k], 1e-8);
          close(r.t, golden.tvalues[k], 1e-8);
          close(r.p, golden.pvalues[k], 1e-7);
          close(r.ci_low, golden.conf_int[k][0], 1e-8);
          close(r.ci_high, golden.conf_int[k][1], 1e-8);
          expect(r.cov_type).toBe('HAC');
          expect(r.maxlags).toBe(3);
        });
        const test = wald.find((w) => w.layer === fit.layer)!;
        const theirs = golden['wald_test.equal'];
        expect(test.distribution).toBe('chi2');
        close(test.statistic, theirs.statistic[0], 1e-8);
        close(test.p, theirs.pvalue[0], 1e-7);
        expect(test.df_num).toBe(theirs.df_denom[0]); // statsmodels keeps chi-square's df in df_denom
        expect(test.df_denom).toBeNull();
      }
    });
  }

  it('takes maxlags when given, and refuses it for other covariances', () => {
    const lagged = lagFrame(normsFrame({ ids: hungary.ids, tokens: hungary.ids.map(String), norms }));
    const fit = fitLayer(lagged, 0, { covType: 'HAC', maxlags: 7 });
    expect(fit.result.covKwds.maxlags).toBe(7);
    expect(fit.result.summary()).toContain('using 7 lags and without small sample correction');
    expect(() => fitLayer(lagged, 0, { covType: 'HC1', maxlags: 3 })).toThrow("maxlags 3 applies to HAC errors only, not HC1: leave it out or use covType 'HAC'");
    expect(() => fitLayer(lagged, 0, { covType: 'cluster' as never })).toThrow('covType "cluster" is not one of nonrobust, HC0, HC1, HC2, HC3, HAC');
  });
});

describe('nonrobust and HC3 errors, against statsmodels (lag-covariance-goldens.json)', () => {
  const lagCases: any[] = LAG_COVARIANCE_GOLDENS.cases;
  const lagged = lagFrame(frameOf('gpt2-shape'));

  it('tests lag1 = lag2 with an F test under nonrobust errors, as wald_test and f_test do', () => {
    const wald = waldTests(fitAllLayers(lagged));
    for (const test of wald) {
      const golden = lagCases.find((c) => c.name === `gpt2-shape.hungary.L${test.layer}`).nonrobust;
      expect(test.distribution).toBe('F');
      close(test.statistic, golden.f_test.fvalue, 1e-8);
      close(test.statistic, golden.wald_test.statistic, 1e-8);
      close(test.p, golden.f_test.pvalue, 1e-7);
      expect([test.df_num, test.df_denom]).toEqual([golden.f_test.df_num, golden.f_test.df_denom]);
      expect(test.cov_type).toBe('nonrobust');
      expect(test.maxlags).toBeNull();
    }
  });

  it('tabulates HC3 errors with normal p-values and intervals, the cov_type in every row', () => {
    const table = regressionTable(fitAllLayers(lagged, { covType: 'HC3' }));
    expect(table.columns).toEqual([...REGRESSION_COLUMNS]);
    const column = (name: string) => table.column(name).values as number[];
    for (let row = 0; row < table.shape[0]; row++) {
      const golden = lagCases.find((c) => c.name === `gpt2-shape.hungary.L${column('layer')[row]}`).HC3;
      const k = row % 3;
      expect(golden.use_t).toBe(false);
      close(column('coef')[row], golden.params[k], 1e-8);
      close(column('std_err')[row], golden.bse[k], 1e-8);
      close(column('p')[row], golden.pvalues[k], 1e-7);
      close(column('ci_low')[row], golden.conf_int[k][0], 1e-8);
      close(column('ci_high')[row], golden.conf_int[k][1], 1e-8);
    }
    expect(new Set(table.column('cov_type').values)).toEqual(new Set(['HC3']));
    expect(new Set(table.column('maxlags').values)).toEqual(new Set([null]));
    const wald = waldTable(waldTests(fitAllLayers(lagged, { covType: 'HC3' })));
    expect(wald.columns).toEqual([...WALD_COLUMNS]);
    expect(wald.shape).toEqual([12, WALD_COLUMNS.length]);
    expect(wald.column('distribution').values[0]).toBe('chi2');
  });

  it('counts the rows a text gives each layer', () => {
    expect(rowsPerLayer(95)).toBe(92);
    expect(rowsPerLayer(7)).toBe(4);
    expect(rowsPerLayer(3)).toBe(0);
  });
});
