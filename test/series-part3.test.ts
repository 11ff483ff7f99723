// Part 3 through lib/: the UCI workbook in data/, the article's transforms and outlier screen, and the
// regression of log-Price. Expected numbers: the article's statsmodels run (SOURCE.txt of the data).
import { describe, expect, it } from 'vitest';
import * as path from 'path';
import { readResidentialBuilding } from '../lib/datasets/residential-building';
import { priceModelData, withArticleTransforms, withoutOutliers } from '../lib/datasets/residential-building-features';
import { ols } from '../lib/stats/ols';
import { olsFormula } from '../lib/stats/formula';
import { UCI_WORKBOOK } from './helpers/fixtures';


describe('part 3: log-Price on CPI, log-FloorArea, bin-Interest and their interaction', () => {
  const screen = withoutOutliers(withArticleTransforms(readResidentialBuilding(UCI_WORKBOOK)));
  const data = priceModelData(screen.kept);
  const fit = ols(data.y, data.X, { names: data.names, yName: data.yName });

  it('fits the 368 rows left after the screen', () => {
    expect(data.names).toEqual(['CPI', 'log-FloorArea', 'bin-Interest', 'Intercept', 'Int X CPI']);
    expect(fit.nobs).toBe(368);
    expect(fit.dfModel).toBe(4);
    expect(fit.dfResid).toBe(363);
  });

  it('reproduces the article coefficients and standard errors', () => {
    const expected: Array<[number, number, number]> = [
      // coefficient, its decimals, standard error to 3 decimals
      [0.0108, 4, 0.001],
      [0.2712, 4, 0.036],
      [-0.4746, 4, 0.162],
      [4.0457, 4, 0.28],
      [0.0066, 4, 0.002],
    ];
    expected.forEach(([coef, digits, se], j) => {
      expect(fit.params[j]).toBeCloseTo(coef, digits);
      expect(fit.bse[j]).toBeCloseTo(se, 3);
    });
  });

  it('reproduces R², adjusted R² and F', () => {
    expect(fit.rsquared).toBeCloseTo(0.62, 3);
    expect(fit.rsquaredAdj).toBeCloseTo(0.616, 3);
    expect(fit.fvalue).toBeCloseTo(148.3, 1);
  });

  it('prints the full summary with the article names', () => {
    const summary = fit.summary();
    expect(summary).toContain('Dep. Variable:              log-Price');
    for (const name of data.names) expect(summary).toContain(name);
    expect(summary).toMatch(/No\. Observations:\s+368/);
  });

  it('gets the same model from the formula interface', () => {
    const formulaFit = olsFormula("np.log(Price) ~ CPI * Q('bin-Interest') + np.log(FloorArea)", screen.kept);
    expect(formulaFit.exogNames).toEqual(['Intercept', 'CPI', "Q('bin-Interest')", "CPI:Q('bin-Interest')", 'np.log(FloorArea)']);
    const article = [4.0457, 0.0108, -0.4746, 0.0066, 0.2712];
    article.forEach((coef, j) => expect(formulaFit.params[j]).toBeCloseTo(coef, 4));
    expect(formulaFit.nobs).toBe(368);
    expect(formulaFit.fvalue).toBeCloseTo(148.3, 1);
  });
});
