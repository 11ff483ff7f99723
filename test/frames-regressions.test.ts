/**
 * The per-layer autoregressions against statsmodels 0.13.5 on the same norms: goldens.json holds the
 * attention-output norms of the synthetic GPT-2-shaped model on the article's text, and
 * ols-goldens.json what statsmodels fitted on them (cases gpt2-shape.hungary.L0..L11).
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { lagFrame, normsFrame } from '../lib/frames/norms';
import { REGRESSION_COLUMNS, fitAllLayers, layerDesign, minimumTokens, regressionTable } from '../lib/frames/regressions';
import { GOLDENS, OLS_CASES } from './helpers/fixtures';

const goldens = GOLDENS;
const olsCases = OLS_CASES;
const hungary = goldens.texts.find((t: { name: string }) => t.name === 'hungary');
const norms: number[][] = goldens.models['gpt2-shape'].attn_out_norms.hungary;

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
    expect(table.shape).toEqual([36, 11]);
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
