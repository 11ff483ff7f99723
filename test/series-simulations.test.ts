// Part 2's simulations: seeded, in range, and least squares recovers the betas they were made with.
import { describe, expect, it } from 'vitest';
import { betaComparison, SIMULATION_1, SIMULATION_2, simulateShows, simulateShowsAndAge } from '../lib/datasets/concert-simulations';
import { addConstant, ols } from '../lib/stats/ols';

describe('simulation 1', () => {
  it('is the article’s setup: 135 people, shows 0..19, happiness within 0..100', () => {
    const { shows, happiness } = simulateShows();
    expect(shows).toHaveLength(SIMULATION_1.n);
    expect(SIMULATION_1).toMatchObject({ n: 135, b0: 20, b1: 3, maxShows: 19, noiseSd: 15 });
    expect(shows.every((s) => Number.isInteger(s) && s >= 0 && s <= 19)).toBe(true);
    expect(new Set(shows).size).toBeGreaterThan(15); // uniform over 20 values, 135 draws
    expect(happiness.every((h) => h >= 0 && h <= 100)).toBe(true);
  });

  it('gives the same data for the same seed and other data for another', () => {
    expect(simulateShows({ seed: 7 })).toEqual(simulateShows({ seed: 7 }));
    expect(simulateShows({ seed: 8 }).happiness).not.toEqual(simulateShows({ seed: 7 }).happiness);
  });

  it('lets least squares recover the betas when the noise is small and nothing is clipped', () => {
    const { shows, happiness } = simulateShows({ n: 5000, noiseSd: 1, seed: 11 });
    const fit = ols(happiness, addConstant(shows.map((s) => [s])));
    expect(fit.params[0]).toBeCloseTo(20, 1);
    expect(fit.params[1]).toBeCloseTo(3, 1);
    expect(Math.sqrt(fit.scale)).toBeCloseTo(1, 1);
  });

  it('clips happiness to the scale', () => {
    const { happiness } = simulateShows({ b0: 95, noiseSd: 30, seed: 3 });
    expect(Math.max(...happiness)).toBe(100);
    expect(Math.min(...happiness)).toBeGreaterThanOrEqual(0);
  });

  it('refuses a sample size that is not a positive whole number', () => {
    expect(() => simulateShows({ n: 0 })).toThrow(/positive whole number, got 0/);
  });
});

describe('simulation 2', () => {
  it('is the article’s setup: 88 people, shows 0..14, ages 18..55', () => {
    const { shows, age, happiness } = simulateShowsAndAge();
    expect(SIMULATION_2).toMatchObject({ n: 88, b0: 10, b1: 3, b2: 0.8, maxShows: 14, minAge: 18, maxAge: 55 });
    expect([shows.length, age.length, happiness.length]).toEqual([88, 88, 88]);
    expect(shows.every((s) => Number.isInteger(s) && s >= 0 && s <= 14)).toBe(true);
    expect(age.every((a) => Number.isInteger(a) && a >= 18 && a <= 55)).toBe(true);
  });

  it('lets least squares recover all three betas', () => {
    const { shows, age, happiness } = simulateShowsAndAge({ n: 5000, noiseSd: 1, seed: 5 });
    const fit = ols(happiness, addConstant(shows.map((s, i) => [s, age[i]])));
    expect(fit.params[0]).toBeCloseTo(10, 0);
    expect(fit.params[1]).toBeCloseTo(3, 1);
    expect(fit.params[2]).toBeCloseTo(0.8, 1);
  });
});

describe('betaComparison', () => {
  it('puts simulated and estimated betas side by side with the 95% interval', () => {
    const fit = { params: [19.51234567, 3.1], confInt: () => [[15, 24], [2.8, 3.4]] as [number, number][] };
    const table = betaComparison(['Intercept', 'shows'], [20, 3], fit);
    expect(table.columns).toEqual(['term', 'simulated', 'estimated', 'ci 2.5%', 'ci 97.5%']);
    expect(table.values).toEqual([
      ['Intercept', 20, 19.5123, 15, 24],
      ['shows', 3, 3.1, 2.8, 3.4],
    ]);
  });

  it('refuses terms and betas that do not line up', () => {
    const fit = { params: [1], confInt: () => [[0, 2]] as [number, number][] };
    expect(() => betaComparison(['a', 'b'], [1, 2], fit)).toThrow(/2 terms, 2 simulated betas and 1 estimates/);
  });
});
