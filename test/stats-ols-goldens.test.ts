// OLS against statsmodels 0.13.5's own results (test/fixtures/ols/ols-goldens.json): every
// statistic to 1e-8 relative and summary() character for character except Date and Time.
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ols, OLSResults, CovType } from '../lib/stats';
import { STATSMODELS_ATTRIBUTES, relativeError, withoutDateTime } from './helpers/statsmodels';
import { OLS_GOLDENS } from './helpers/fixtures';

const goldens = OLS_GOLDENS;

interface Case {
  name: string;
  input: { y: number[]; X: number[][]; names: string[]; yname: string; cov_type: CovType };
  summary: string;
  conf_int: number[][];
  eigenvalues_min: number;
  [key: string]: unknown;
}

const ATTRIBUTES: Record<string, keyof OLSResults> = { ...STATSMODELS_ATTRIBUTES, rank: 'rank', nobs: 'nobs' };

const cases: Case[] = goldens.cases;

describe('OLS against statsmodels 0.13.5 goldens', () => {
  it('has the expected fixture', () => {
    expect(goldens.statsmodels).toMatch(/^0\.13\.5/);
    expect(cases.length).toBeGreaterThanOrEqual(29);
  });

  for (const c of cases) {
    const collinear = c.name === 'collinear';
    describe(c.name, () => {
      const res = ols(c.input.y, c.input.X, { names: c.input.names, yName: c.input.yname, covType: c.input.cov_type });

      it('agrees on every statistic to 1e-8 relative', () => {
        const failures: string[] = [];
        for (const [theirs, ours] of Object.entries(ATTRIBUTES)) {
          if (collinear && theirs === 'condition_number') continue;
          const err = relativeError(c[theirs], res[ours]);
          if (!(err <= 1e-8)) failures.push(`${theirs}: ${err}`);
        }
        const ciErr = relativeError(c.conf_int.flat(), res.confInt(0.05).flat());
        if (!(ciErr <= 1e-8)) failures.push(`conf_int: ${ciErr}`);
        expect(failures).toEqual([]);
        expect(res.useT).toBe(c.use_t);
        expect(res.exogNames).toEqual(c.exog_names);
      });

      if (collinear) {
        it('reports a singular design: condition number within 10x, smallest eigenvalue within 100x', () => {
          // Both are round-off (the design is exactly collinear); only their size means anything.
          // The eigenvalue is a squared singular value, so one order of magnitude there is two here.
          const smallest = res.eigenvals[res.eigenvals.length - 1];
          const printed = Number(/smallest eigenvalue is\s+(\S+)\./.exec(c.summary)![1]);
          expect(Math.abs(Math.log10(res.conditionNumber / (c.condition_number as number)))).toBeLessThan(1);
          expect(Math.abs(Math.log10(smallest / printed))).toBeLessThan(2);
          // The fixture's eigenvalues_min (eigvalsh of X'X, round-off of another size): both below
          // statsmodels' 1e-10 singularity threshold.
          expect(c.eigenvalues_min).toBeLessThan(1e-10);
          expect(smallest).toBeLessThan(1e-10);
          expect(res.method).toBe('pinv');
          expect(res.rank).toBe(3);
        });
      } else {
        it('agrees on the smallest eigenvalue of X\'X to 1e-8 relative', () => {
          expect(relativeError(c.eigenvalues_min, res.eigenvals[res.eigenvals.length - 1])).toBeLessThan(1e-8);
        });
      }

      it('prints the same summary except Date and Time', () => {
        let ours = withoutDateTime(res.summary());
        let theirs = withoutDateTime(c.summary);
        if (collinear) {
          // mask the two round-off numbers (checked above by order of magnitude)
          const mask = (s: string): string =>
            s.replace(/(Cond\. No\.\s+)\S+/, '$1#').replace(/(smallest eigenvalue is\s+)\S+\./, '$1#.');
          ours = mask(ours);
          theirs = mask(theirs);
        }
        expect(ours).toBe(theirs);
      });
    });
  }

  it('prints the Date and Time lines as statsmodels does (%a, %d %b %Y and %H:%M:%S)', () => {
    const c = cases[0];
    const res = ols(c.input.y, c.input.X, { names: c.input.names });
    const text = res.summary({ now: new Date(2026, 10, 28, 9, 20, 7) });
    const theirs = c.summary.split('\n');
    const ours = text.split('\n');
    expect(ours[4]).toBe(theirs[4]); // Date: Sat, 28 Nov 2026 ... Prob (F-statistic)
    expect(ours[5]).toBe(theirs[5]); // Time: 09:20:07 ... Log-Likelihood
  });

  it('gives the same tables as plain data', () => {
    const c = cases[0];
    const tables = ols(c.input.y, c.input.X, { names: c.input.names }).summaryTables();
    expect(tables.params.header).toEqual(['coef', 'std err', 't', 'P>|t|', '[0.025', '0.975]']);
    expect(tables.params.rows[1]).toEqual({ name: 'x1', values: ['1.0476', '0.068', '15.351', '0.000', '0.886', '1.209'] });
    expect(tables.top.right[2]).toEqual(['F-statistic:', '1002.']);
    expect(tables.diagnostics.right[3]).toEqual(['Cond. No.', '19.3']);
    expect(tables.notes).toEqual(['Standard Errors assume that the covariance matrix of the errors is correctly specified.']);
  });
});
