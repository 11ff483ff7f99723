import { describe, expect, it } from 'vitest';
import { attentionNormsFigure } from '../lib/figures/attention-norms';
import { layerColor } from '../lib/figures/plasma';

// 12 layers × 201 tokens; norm of token t in layer l is exp(l + t/1000), token 0 an outlier.
const T = 201;
const input = {
  tokens: Array.from({ length: T }, (_, t) => (t === 5 ? ' <b>&' : `tok${t}`)),
  norms: Array.from({ length: 12 }, (_, l) => Array.from({ length: T }, (_, t) => (t === 0 ? 1e6 : Math.exp(l + t / 1000)))),
};
const label = { model: 'synthetic:gpt2', synthetic: true };
type Trace = { x: number[]; y: number[]; customdata: unknown[][]; marker: { color: string; symbol?: string }; mode: string; xaxis?: string; hovertemplate: string };

describe('attentionNormsFigure (figure 1)', () => {
  const figure = attentionNormsFigure(input, label);
  const strips = figure.data.filter((t) => t.xaxis === undefined) as unknown as Trace[];
  const histograms = figure.data.filter((t) => t.xaxis === 'x2') as unknown as Trace[];

  it('draws tokens 1..T−1 of every layer as log norms, leaving out token 0', () => {
    expect(strips).toHaveLength(12);
    strips.forEach((strip, l) => {
      expect(strip.y).toHaveLength(T - 1);
      expect(strip.y[0]).toBeCloseTo(l + 1 / 1000, 12);
      expect(strip.y[T - 2]).toBeCloseTo(l + (T - 1) / 1000, 12);
      expect(strip.customdata[0][1]).toBe(1);
    });
  });

  it('jitters x around the layer with sd 0.08, the same way every time', () => {
    const offsets = strips.flatMap((s, l) => s.x.map((x) => x - l));
    const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    const sd = Math.sqrt(offsets.reduce((a, b) => a + (b - mean) ** 2, 0) / (offsets.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(sd).toBeGreaterThan(0.075);
    expect(sd).toBeLessThan(0.085);
    const again = attentionNormsFigure(input, label).data[3] as unknown as Trace;
    expect(again.x).toEqual(strips[3].x);
    const otherSeed = attentionNormsFigure(input, label, { seed: 7 }).data[3] as unknown as Trace;
    expect(otherSeed.x).not.toEqual(strips[3].x);
  });

  it('colours layers along plasma and shows token and position on hover', () => {
    expect(strips[0].marker.color).toBe('rgb(13, 8, 135)');
    expect(strips[11].marker.color).toBe('rgb(240, 249, 33)');
    expect(histograms[6].marker.color).toBe(layerColor(6, 12));
    expect(strips[2].hovertemplate).toMatch(/token %\{customdata\[0\]\} \(position %\{customdata\[1\]\}\)/);
    // token 5 (position 5 is the 5th point) is quoted and escaped for Plotly's pseudo-HTML
    expect(strips[2].customdata[4]).toEqual(['" &lt;b&gt;&amp;"', 5, Math.exp(2 + 5 / 1000)]);
  });

  it('adds a Freedman–Diaconis histogram per layer as a line with square markers', () => {
    expect(histograms).toHaveLength(12);
    for (const h of histograms) {
      expect(h.mode).toBe('lines+markers');
      expect(h.marker.symbol).toBe('square');
      expect(h.x.reduce((a, b) => a + b, 0)).toBe(T - 1);
    }
    // uniform values on [l, l + 0.2]: IQR = 0.1, FD width = 2·0.1/∛200 ≈ 0.0342 → 6 bins
    expect(histograms[0].x).toHaveLength(6);
  });

  it('is labelled as synthetic', () => {
    expect(JSON.stringify(figure.layout.title)).toContain('SYNTHETIC weights: synthetic:gpt2');
  });
});

describe('figure 1 with 48 layers (gpt2-xl)', () => {
  // layer l's norms: exp(l/10 + t/1000), tokens 1..94, so each layer spans 0.093 in log norm
  const xl = {
    tokens: Array.from({ length: 95 }, (_, t) => `tok${t}`),
    norms: Array.from({ length: 48 }, (_, l) => Array.from({ length: 95 }, (_, t) => Math.exp(l / 10 + t / 1000))),
  };
  const figure = attentionNormsFigure(xl, { model: 'gpt2-xl', synthetic: false });
  const panel = figure.data.filter((t) => t.xaxis === 'x2');

  it('draws the histograms as one heat map, a column per layer, instead of 48 lines', () => {
    expect(panel).toHaveLength(1);
    const heatmap = panel[0] as { type: string; x: number[]; y: number[]; z: number[][] };
    expect(heatmap.type).toBe('heatmap');
    expect(heatmap.x).toEqual([...Array(48).keys()]);
    expect(heatmap.z.length).toBe(heatmap.y.length);
    for (let layer = 0; layer < 48; layer++) {
      const column = heatmap.z.map((row) => row[layer]);
      expect(column.reduce((a, b) => a + b, 0)).toBe(94);
      // every token of layer l lies in [l/10 + 0.001, l/10 + 0.094]: its counts sit in the rows there
      const rows = column.map((count, bin) => (count > 0 ? heatmap.y[bin] : NaN)).filter(Number.isFinite);
      expect(Math.min(...rows)).toBeGreaterThan(layer / 10 - 0.05);
      expect(Math.max(...rows)).toBeLessThan(layer / 10 + 0.15);
    }
    // one grid for all layers: evenly spaced rows
    const steps = heatmap.y.slice(1).map((y, i) => y - heatmap.y[i]);
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThan(1e-9);
  });

  it('has no legend to scroll, and still draws every token of every layer in the strip', () => {
    expect(figure.layout.showlegend).toBe(false);
    expect(figure.data.every((t) => t.showlegend === false)).toBe(true);
    const strips = figure.data.filter((t) => t.xaxis === undefined) as Array<{ y: number[] }>;
    expect(strips).toHaveLength(48);
    expect(strips.every((s) => s.y.length === 94)).toBe(true);
  });

  it('keeps the lines for 12 layers, and draws either way when asked', () => {
    expect(figure.data.filter((t) => t.xaxis === 'x2' && t.mode === 'lines+markers')).toHaveLength(0);
    const lines = attentionNormsFigure(xl, { model: 'gpt2-xl', synthetic: false }, { histograms: 'lines' });
    expect(lines.data.filter((t) => t.xaxis === 'x2')).toHaveLength(48);
    const twelve = attentionNormsFigure({ tokens: xl.tokens, norms: xl.norms.slice(0, 12) }, { model: 'gpt2', synthetic: false });
    expect(twelve.data.filter((t) => t.xaxis === 'x2' && t.mode === 'lines+markers')).toHaveLength(12);
  });
});
