// The figure builders of parts 1-3: what each spec draws, checked on small hand-worked inputs.
import { describe, expect, it } from 'vitest';
import {
  groupedScatter,
  regressionPicture,
  rSquaredBySampleSize,
  scatterFigure,
  scatterSizedByAge,
} from '../lib/figures/regression';
import { diagnosticsFigure, pearsonR } from '../lib/figures/diagnostics';
import { scatterMatrix, zScoreBoxStrip } from '../lib/figures/exploration';

const byName = (data: Array<Record<string, unknown>>, prefix: string) => {
  const trace = data.find((t) => String(t.name).startsWith(prefix));
  if (!trace) throw new Error(`no trace named ${prefix}… among ${data.map((t) => t.name).join(', ')}`);
  return trace;
};

describe('regressionPicture', () => {
  // y = 1 + 0.5x fitted to (0, 1), (1, 3), (2, 2): predictions 1, 1.5, 2
  const figure = regressionPicture({ x: [0, 1, 2], y: [1, 3, 2], intercept: 1, slope: 0.5, xName: 'concerts', yName: 'happiness' });

  it('draws each residual as a dashed segment from the observation to its prediction', () => {
    const residuals = byName(figure.data, 'residuals');
    expect(residuals.x).toEqual([0, 0, null, 1, 1, null, 2, 2, null]);
    expect(residuals.y).toEqual([1, 1, null, 3, 1.5, null, 2, 2, null]);
    expect((residuals.line as { dash: string }).dash).toBe('dash');
  });

  it('marks the predictions, the intercept at x = 0 and the line through it', () => {
    expect(byName(figure.data, 'predictions').y).toEqual([1, 1.5, 2]);
    const intercept = byName(figure.data, 'intercept');
    expect([intercept.x, intercept.y]).toEqual([[0], [1]]);
    const line = byName(figure.data, 'fitted line');
    expect(line.x).toEqual([0, 2]);
    expect(line.y).toEqual([1, 2]);
    expect(byName(figure.data, 'observations').y).toEqual([1, 3, 2]);
    expect((figure.layout.xaxis as { title: { text: string } }).title.text).toBe('concerts');
  });

  it('extends the line back to x = 0 when every x is positive', () => {
    const right = regressionPicture({ x: [1, 2, 4], y: [5, 6.5, 6], intercept: 4.5, slope: 0.6 });
    expect(byName(right.data, 'fitted line').x).toEqual([0, 4]);
  });

  it('refuses x and y of different lengths', () => {
    expect(() => regressionPicture({ x: [1, 2], y: [1], intercept: 0, slope: 1 })).toThrow(/x has 2 values but y has 1/);
  });
});

describe('the part 2 scatters', () => {
  it('sizes and colours points by age, with a colour bar', () => {
    const figure = scatterSizedByAge({ x: [1, 2, 3], y: [4, 5, 6], age: [18, 36.5, 55] });
    const marker = figure.data[0].marker as { size: number[]; color: number[]; showscale: boolean; colorbar: unknown };
    expect(marker.color).toEqual([18, 36.5, 55]);
    expect(marker.size[0]).toBeLessThan(marker.size[1]);
    expect(marker.size[1]).toBeLessThan(marker.size[2]);
    expect(marker.showscale).toBe(true);
    expect(marker.colorbar).toBeDefined();
  });

  it('splits points into one trace per group', () => {
    const figure = groupedScatter({ x: [1, 2, 3, 4], y: [1, 2, 3, 4], group: ['young', 'old', 'young', 'old'] });
    expect(figure.data.map((t) => t.name)).toEqual(['young', 'old']);
    expect(figure.data[1].x).toEqual([2, 4]);
    const ordered = groupedScatter({ x: [1, 2], y: [1, 2], group: ['old', 'young'], order: ['young', 'old'] });
    expect(ordered.data.map((t) => t.name)).toEqual(['young', 'old']);
    expect(() => groupedScatter({ x: [1], y: [1], group: ['middle'], order: ['young'] })).toThrow(/labels middle are missing/);
  });

  it('plots R² against N on a log axis', () => {
    const figure = rSquaredBySampleSize({ n: [5, 50, 500], rSquared: [0.9, 0.5, 0.45], rSquaredAdj: [0.8, 0.48, 0.449] });
    expect((figure.layout.xaxis as { type: string }).type).toBe('log');
    expect(figure.data.map((t) => t.name)).toEqual(['R²', 'adjusted R²']);
  });

  it('draws a plain scatter', () => {
    expect(scatterFigure([1, 2], [3, 4]).data[0].y).toEqual([3, 4]);
  });
});

describe('diagnosticsFigure', () => {
  it('computes Pearson r', () => {
    // by hand: deviations (-1, 0, 1) and (-4/3, -1/3, 5/3): r = 3 / sqrt(2 · 42/9)
    expect(pearsonR([1, 2, 3], [1, 2, 4])).toBeCloseTo(3 / Math.sqrt((2 * 42) / 9), 12);
  });

  // y = 1 + 0.5x against (0, 1), (1, 3), (2, 2): residuals 0, 1.5, 0
  const figure = diagnosticsFigure({
    x: [0, 1, 2],
    xName: 'x',
    y: [1, 3, 2],
    yName: 'y',
    fitted: [1, 1.5, 2],
    residualHistograms: [{ name: 'residuals', counts: [2, 1], edges: [0, 0.75, 1.5] }],
  });

  it('lays out four panels, each on its own axes', () => {
    const axesUsed = new Set(figure.data.map((t) => `${t.xaxis}/${t.yaxis}`));
    expect([...axesUsed].sort()).toEqual(['x/y', 'x2/y2', 'x3/y3', 'x4/y4']);
    for (const key of ['xaxis', 'yaxis', 'xaxis2', 'yaxis2', 'xaxis3', 'yaxis3', 'xaxis4', 'yaxis4']) {
      expect(figure.layout[key]).toHaveProperty('domain');
    }
  });

  it('puts r in the panel titles', () => {
    const titles = (figure.layout.annotations as Array<{ text: string }>).map((a) => a.text);
    expect(titles[1]).toContain(`r = ${pearsonR([1, 1.5, 2], [1, 3, 2]).toFixed(3)}`);
    // residuals 0, 1.5, 0 against predictions 1, 1.5, 2: r = 0
    expect(titles[2]).toContain('r = 0.000');
  });

  it('draws the histogram as bars centred in the given bins', () => {
    const bars = figure.data.find((t) => t.type === 'bar')!;
    expect(bars.x).toEqual([0.375, 1.125]);
    expect(bars.y).toEqual([2, 1]);
    expect(bars.width).toEqual([0.75, 0.75]);
  });

  it('overlays one histogram per group and colours the data by group', () => {
    const grouped = diagnosticsFigure({
      x: [0, 1, 2, 3],
      xName: 'CPI',
      y: [1, 3, 2, 4],
      yName: 'log-Price',
      fitted: [1, 2, 3, 4],
      group: ['low', 'high', 'low', 'high'],
      residualHistograms: [
        { name: 'low interest', counts: [1, 1], edges: [-1, 0, 1] },
        { name: 'high interest', counts: [1, 1], edges: [-1, 0, 1] },
      ],
    });
    expect(grouped.data.filter((t) => t.type === 'bar').map((t) => t.name)).toEqual(['low interest', 'high interest']);
    expect(grouped.data.filter((t) => t.xaxis === 'x').map((t) => t.name)).toEqual(['observed (low)', 'observed (high)', 'predicted']);
    expect(grouped.layout.barmode).toBe('overlay');
  });

  it('colours every panel by group, each group in one colour throughout', () => {
    const grouped = diagnosticsFigure({
      x: [0, 1, 2, 3],
      xName: 'CPI',
      y: [1, 3, 2, 4],
      yName: 'log-Price',
      fitted: [1, 2, 3, 4],
      group: ['low interest', 'high interest', 'low interest', 'high interest'],
      residualHistograms: [
        { name: 'low interest', counts: [1, 1], edges: [-1, 0, 1] },
        { name: 'high interest', counts: [1, 1], edges: [-1, 0, 1] },
      ],
    });
    const colour = (t: Record<string, unknown>) => (t.marker as { color: string }).color;
    const low = colour(grouped.data.find((t) => t.type === 'bar' && t.name === 'low interest')!);
    const high = colour(grouped.data.find((t) => t.type === 'bar' && t.name === 'high interest')!);
    expect(low).not.toBe(high);
    for (const axis of ['x', 'x2', 'x3']) {
      const points = grouped.data.filter((t) => t.xaxis === axis && t.mode === 'markers' && t.name !== 'predicted');
      expect(points.map(colour), axis).toEqual([low, high]);
      expect(points.map((t) => t.y), axis).toEqual(
        axis === 'x3' ? [[0, -1], [1, 0]] : [[1, 2], [3, 4]], // residuals y − ŷ, or observed y, of each group's rows
      );
    }
  });

  it('refuses edges that do not bound the counts', () => {
    expect(() =>
      diagnosticsFigure({ x: [1], xName: 'x', y: [1], yName: 'y', fitted: [1], residualHistograms: [{ name: 'r', counts: [1, 2], edges: [0, 1] }] }),
    ).toThrow(/2 counts but 2 edges/);
  });
});

describe('part 3 exploration figures', () => {
  it('builds a scatter matrix: histograms on the diagonal, every pair off it', () => {
    const figure = scatterMatrix({ FloorArea: [1, 2, 3], Price: [4, 5, 6] });
    expect(figure.data.map((t) => [t.type, t.xaxis, t.yaxis])).toEqual([
      ['histogram', 'x', 'y'],
      ['scatter', 'x2', 'y2'],
      ['scatter', 'x3', 'y3'],
      ['histogram', 'x4', 'y4'],
    ]);
    // panel (row 0, column 1): Price on x against FloorArea on y
    expect([figure.data[1].x, figure.data[1].y]).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(figure.data[3].x).toEqual([4, 5, 6]);
    // row 0 sits at the top, and only the bottom row labels its x axes
    const axis = (key: string) => figure.layout[key] as { domain: number[]; showticklabels: boolean };
    expect(axis('yaxis').domain[0]).toBeGreaterThan(axis('yaxis3').domain[1]);
    expect([axis('xaxis').showticklabels, axis('xaxis3').showticklabels]).toEqual([false, true]);
  });

  it('refuses columns of different lengths', () => {
    expect(() => scatterMatrix({ a: [1, 2], b: [1] })).toThrow(/column "b" has 1 values but "a" has 2/);
  });

  it('draws a box with all points per variable and lines at ±3', () => {
    const figure = zScoreBoxStrip({ 'log-Price': [0, 1, -3.5], CPI: [0.5, -0.5, 0] });
    expect(figure.data.map((t) => [t.type, t.name, t.boxpoints])).toEqual([
      ['box', 'log-Price', 'all'],
      ['box', 'CPI', 'all'],
    ]);
    const lines = (figure.layout.shapes as Array<{ y0: number; y1: number }>).map((s) => [s.y0, s.y1]);
    expect(lines).toEqual([
      [3, 3],
      [-3, -3],
    ]);
  });
});
