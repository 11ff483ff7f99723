/**
 * Seeded random numbers for the simulations (same seed, same numbers, on every machine), from
 * @stdlib's Mersenne-Twister generators, plus numpy-style grids (linspace, logspace).
 *
 * Each generator returns a draw function with `.sample(n, ...)` for n draws:
 *   const draw = normal(42); draw(0, 1); draw.sample(100, 0, 1)
 */
import normalLib from '@stdlib/random-base-normal';
import uniformLib from '@stdlib/random-base-uniform';
import discreteUniformLib from '@stdlib/random-base-discrete-uniform';

export interface Generator<Args extends unknown[]> {
  (...args: Args): number;
  /** n draws with the same arguments. */
  sample(n: number, ...args: Args): number[];
  readonly seed: number;
}

function checkSeed(seed: number, caller: string): void {
  if (!Number.isInteger(seed) || seed < 1 || seed > 4294967295) {
    throw new Error(`${caller}: seed must be an integer from 1 to 2^32-1, got ${seed}.`);
  }
}

function checkCount(n: number, caller: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${caller}: sample size must be a non-negative integer, got ${n}.`);
}

function generator<Args extends unknown[]>(seed: number, caller: string, draw: (...args: Args) => number): Generator<Args> {
  const g = ((...args: Args) => draw(...args)) as Generator<Args>;
  g.sample = (n: number, ...args: Args) => {
    checkCount(n, caller);
    return Array.from({ length: n }, () => draw(...args));
  };
  Object.defineProperty(g, 'seed', { value: seed });
  return g;
}

/** Normal draws N(mean, sd) (defaults 0, 1). */
export function normal(seed: number): Generator<[mean?: number, sd?: number]> {
  checkSeed(seed, 'normal');
  const rand = normalLib.factory({ seed });
  return generator(seed, 'normal', (mean = 0, sd = 1) => {
    if (!(sd > 0)) throw new Error(`normal: sd must be positive, got ${sd}.`);
    return rand(mean, sd);
  });
}

/** Uniform draws on [low, high) (defaults 0, 1); with seed 42 the first draw equals numpy's np.random.seed(42); rand(). */
export function uniform(seed: number): Generator<[low?: number, high?: number]> {
  checkSeed(seed, 'uniform');
  const rand = uniformLib.factory({ seed });
  return generator(seed, 'uniform', (low = 0, high = 1) => {
    if (!(low < high)) throw new Error(`uniform: low must be below high, got [${low}, ${high}).`);
    return rand(low, high);
  });
}

/** Integer draws from low to high, both included. */
export function discreteUniform(seed: number): Generator<[low: number, high: number]> {
  checkSeed(seed, 'discreteUniform');
  const rand = discreteUniformLib.factory({ seed });
  return generator(seed, 'discreteUniform', (low: number, high: number) => {
    if (!Number.isInteger(low) || !Number.isInteger(high) || low > high) {
      throw new Error(`discreteUniform: bounds must be integers with low <= high, got ${low}, ${high}.`);
    }
    return rand(low, high);
  });
}

/** numpy.linspace(start, stop, num): num evenly spaced values, both ends included. */
export function linspace(start: number, stop: number, num = 50): number[] {
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}.`);
  if (num === 1) return [start];
  const div = num - 1;
  const step = (stop - start) / div;
  const out = Array.from({ length: num }, (_, i) => (step === 0 ? (i / div) * (stop - start) : i * step) + start);
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** numpy.logspace(start, stop, num, base): base ** linspace(start, stop, num). */
export function logspace(start: number, stop: number, num = 50, base = 10): number[] {
  return linspace(start, stop, num).map((e) => base ** e);
}
