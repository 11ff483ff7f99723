/**
 * Part 2's simulated data: life happiness as a linear function of the punk shows a person went to
 * (and, in simulation 2, of their age), plus normal noise, clipped to the 0..100 happiness scale.
 * Knowing the true betas lets the reader check what least squares recovers.
 *
 * Every draw is seeded (lib/stats/random): the same seed gives the same data on every run. Shows and
 * ages are whole numbers, drawn uniformly; each variable has its own generator, seeded from `seed`.
 */
/// <reference path="../shims/danfojs.d.ts" />
import { DataFrame } from 'danfojs';
import { discreteUniform, normal } from '../stats/random';

export const HAPPINESS_RANGE: [number, number] = [0, 100];

export interface ShowsSimulationOptions {
  n: number;
  b0: number;
  /** Happiness per show. */
  b1: number;
  /** Shows are drawn uniformly from 0..maxShows. */
  maxShows: number;
  /** Standard deviation of the normal noise. */
  noiseSd: number;
  seed: number;
}

export interface AgeSimulationOptions extends ShowsSimulationOptions {
  /** Happiness per year of age. */
  b2: number;
  /** Ages are drawn uniformly from minAge..maxAge. */
  minAge: number;
  maxAge: number;
}

/** Simulation 1 of the article: B0 = 20, B1 = 3, N = 135, shows 0..19, noise N(0, 15). */
export const SIMULATION_1: ShowsSimulationOptions = { n: 135, b0: 20, b1: 3, maxShows: 19, noiseSd: 15, seed: 1 };

/** Simulation 2 of the article: B0 = 10, B1 = 3, B2 = 0.8, N = 88, shows 0..14, ages 18..55. */
export const SIMULATION_2: AgeSimulationOptions = {
  n: 88,
  b0: 10,
  b1: 3,
  b2: 0.8,
  maxShows: 14,
  minAge: 18,
  maxAge: 55,
  noiseSd: 15,
  seed: 2,
};

export interface ShowsSample {
  shows: number[];
  happiness: number[];
}

export interface AgeSample extends ShowsSample {
  age: number[];
}

function clipHappiness(value: number): number {
  return Math.min(HAPPINESS_RANGE[1], Math.max(HAPPINESS_RANGE[0], value));
}

function checkSize(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`The sample size must be a positive whole number, got ${n}.`);
  }
}

/** happiness = clip(b0 + b1·shows + noise, 0, 100). */
export function simulateShows(options: Partial<ShowsSimulationOptions> = {}): ShowsSample {
  const o = { ...SIMULATION_1, ...options };
  checkSize(o.n);
  const shows = discreteUniform(o.seed).sample(o.n, 0, o.maxShows);
  const noise = normal(o.seed + 1).sample(o.n, 0, o.noiseSd);
  const happiness = shows.map((s, i) => clipHappiness(o.b0 + o.b1 * s + noise[i]));
  return { shows, happiness };
}

/** happiness = clip(b0 + b1·shows + b2·age + noise, 0, 100). */
export function simulateShowsAndAge(options: Partial<AgeSimulationOptions> = {}): AgeSample {
  const o = { ...SIMULATION_2, ...options };
  checkSize(o.n);
  const shows = discreteUniform(o.seed).sample(o.n, 0, o.maxShows);
  const age = discreteUniform(o.seed + 1).sample(o.n, o.minAge, o.maxAge);
  const noise = normal(o.seed + 2).sample(o.n, 0, o.noiseSd);
  const happiness = shows.map((s, i) => clipHappiness(o.b0 + o.b1 * s + o.b2 * age[i] + noise[i]));
  return { shows, age, happiness };
}

/**
 * The betas a simulation used next to the ones a fit estimated, with the fit's confidence interval:
 * one row per term, e.g. from `ols(...)`'s `params` and `confInt()`. Values are rounded to `digits`
 * decimals for reading; the fit keeps the full ones.
 */
export function betaComparison(
  terms: string[],
  simulated: number[],
  fit: { params: number[]; confInt(alpha?: number): [number, number][] },
  digits = 4,
): DataFrame {
  if (terms.length !== simulated.length || terms.length !== fit.params.length) {
    throw new Error(
      `betaComparison: ${terms.length} terms, ${simulated.length} simulated betas and ${fit.params.length} estimates; ` +
        'give one of each per term, in the same order.',
    );
  }
  const round = (v: number) => Number(v.toFixed(digits));
  const interval = fit.confInt(0.05);
  return new DataFrame({
    term: terms,
    simulated,
    estimated: fit.params.map(round),
    'ci 2.5%': interval.map((c) => round(c[0])),
    'ci 97.5%': interval.map((c) => round(c[1])),
  });
}
