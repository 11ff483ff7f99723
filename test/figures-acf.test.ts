/**
 * The ACF figure against statsmodels' own acf(resid, nlags, alpha=0.05) of layer 0's residuals
 * (lag-covariance-goldens.json: 20 lags, as notebook 04 draws them; robust-goldens.json: 10 lags).
 */
import { describe, expect, it } from 'vitest';
import { acfFigure } from '../lib/figures/acf';
import { SYNTHETIC_NOTE } from '../lib/figures/figure';
import { LAG_COVARIANCE_GOLDENS, ROBUST_GOLDENS } from './helpers/fixtures';

type Trace = { name: string; x: number[]; y: number[] };

/** Bars of both colours by lag, and the band's upper edge by lag. */
function drawn(figure: ReturnType<typeof acfFigure>) {
  const [band, inside, outside] = figure.data as unknown as Trace[];
  const bars = new Map<number, number>();
  for (const trace of [inside, outside]) trace.x.forEach((lag, i) => bars.set(lag, trace.y[i]));
  const n = band.x.length / 2;
  return { band, inside, outside, bars, upper: band.y.slice(0, n), lower: band.y.slice(n).reverse(), bandLags: band.x.slice(0, n) };
}

describe('acfFigure', () => {
  it('draws statsmodels\' autocorrelations at lags 1..20 and its band around zero (gpt2-shape, layer 0)', () => {
    const golden = LAG_COVARIANCE_GOLDENS.cases.find((c: { name: string }) => c.name === 'gpt2-shape.hungary.L0');
    const resid: number[] = ROBUST_GOLDENS.cases.find((c: { name: string }) => c.name === 'gpt2-shape.hungary.L0.HAC').resid;
    const { bars, upper, lower, bandLags } = drawn(acfFigure(resid, { model: 'synthetic:gpt2', synthetic: true }, { nlags: 20, alpha: 0.05 }));
    expect([...bars.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(bandLags).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (let h = 1; h <= 20; h++) {
      expect(bars.get(h)).toBeCloseTo(golden.acf.acf[h], 12);
      const [lo, hi] = golden.acf.confint[h];
      expect(upper[h - 1]).toBeCloseTo(hi - golden.acf.acf[h], 12);
      expect(lower[h - 1]).toBeCloseTo(lo - golden.acf.acf[h], 12);
    }
  });

  it('colours the lags outside the band: 2, 3, 5 and 7 of 10 for the tiny model\'s layer 1', () => {
    // Read off statsmodels' acf and confint in robust-goldens.json: |r_h| > confint[h][1] - r_h at these lags only.
    const c = ROBUST_GOLDENS.cases.find((x: { name: string }) => x.name === 'tiny.hungary.L1.HAC');
    const { inside, outside } = drawn(acfFigure(c.resid, { model: 'synthetic:tiny', synthetic: true }, { nlags: c.acf.nlags }));
    expect(outside.x).toEqual([2, 3, 5, 7]);
    expect(inside.x).toEqual([1, 4, 6, 8, 9, 10]);
    expect(outside.name).toBe('outside the 95% band');
  });

  it('labels synthetic weights and names the level; refuses to draw no lags', () => {
    const series = [1, 3, 2, 5, 4, 6, 5, 8, 7, 9];
    const figure = acfFigure(series, { model: 'synthetic:gpt2', synthetic: true }, { nlags: 3, alpha: 0.1 });
    expect(JSON.stringify(figure.layout.annotations)).toContain(SYNTHETIC_NOTE.slice(0, 40));
    expect((figure.data[0] as { name: string }).name).toBe("90% band (Bartlett), statsmodels' plot_acf");
    expect(JSON.stringify(acfFigure(series, { model: 'gpt2', synthetic: false }, { nlags: 3 }).layout)).not.toMatch(/synthetic/i);
    expect(() => acfFigure(series, { model: 'gpt2', synthetic: false }, { nlags: 0 })).toThrow('acfFigure: nlags is 0; draw at least lag 1');
  });
});
