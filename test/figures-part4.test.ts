import { describe, expect, it } from 'vitest';
import { betasByLayerFigure } from '../lib/figures/betas-by-layer';
import { SYNTHETIC_NOTE } from '../lib/figures/figure';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { figureHtml, htmlPage, plotlyScript, writeFigureHtml } from '../lib/figures/html';
import { layerColor, plasma } from '../lib/figures/plasma';

const rows = [0, 1, 2].flatMap((layer) => [
  { layer, term: 'const', coef: 1, p: 0 },
  { layer, term: 'lag1', coef: 0.1 * (layer + 1), p: layer === 1 ? 0.2 : 0.001 },
  { layer, term: 'lag2', coef: -0.1, p: 0.5 },
]);

describe('plasma', () => {
  it('runs from matplotlib plasma\'s dark blue to its yellow', () => {
    expect(plasma(0)).toBe('rgb(13, 8, 135)');
    expect(plasma(1)).toBe('rgb(240, 249, 33)');
    expect(layerColor(11, 12)).toBe('rgb(240, 249, 33)');
    // half-way between the 5th and 6th stops (#bd3786, #d8576b)
    expect(plasma(0.5)).toBe(`rgb(${Math.round((0xbd + 0xd8) / 2)}, ${Math.round((0x37 + 0x57) / 2)}, ${Math.round((0x86 + 0x6b) / 2)})`);
  });
});

describe('betasByLayerFigure', () => {
  const figure = betasByLayerFigure(rows, { model: 'synthetic:gpt2', synthetic: true });
  const byName = (name: string) => figure.data.find((t) => t.name === name)!;

  it('fills significant layers and crosses the rest, per lag', () => {
    const significant = byName('β1 (token t−1): p < 0.05');
    const not = byName('β1 (token t−1): p ≥ 0.05');
    expect(significant.x).toEqual([0, 2]);
    expect(not.x).toEqual([1]);
    expect((significant.marker as { symbol: string }).symbol).toBe('circle');
    expect((not.marker as { symbol: string }).symbol).toMatch(/^x/);
    expect(byName('β2 (token t−2): p < 0.05').x).toEqual([]);
    expect(byName('β2 (token t−2): p ≥ 0.05').y).toEqual([-0.1, -0.1, -0.1]);
  });

  it('shows p on hover as the tables write it', () => {
    const significant = byName('β1 (token t−1): p < 0.05');
    expect((significant.customdata as unknown[][]).map((d) => d[0])).toEqual(['0.00100', '0.00100']);
    expect(significant.hovertemplate).toContain('p = %{customdata[0]}<');
  });

  it('draws a zero line and labels synthetic weights', () => {
    const shapes = figure.layout.shapes as Array<{ y0: number; y1: number }>;
    expect(shapes.some((s) => s.y0 === 0 && s.y1 === 0)).toBe(true);
    expect(JSON.stringify(figure.layout.title)).toContain('SYNTHETIC');
    expect(JSON.stringify(figure.layout.annotations)).toContain(SYNTHETIC_NOTE.slice(0, 40));
    const real = betasByLayerFigure(rows, { model: 'gpt2', synthetic: false });
    expect(JSON.stringify(real.layout)).not.toMatch(/synthetic/i);
  });

  it('says which terms exist when one is missing', () => {
    expect(() => betasByLayerFigure(rows.filter((r) => r.term !== 'lag2'), { model: 'gpt2', synthetic: false })).toThrow(
      /no rows with term 'lag2'; the table has terms const, lag1/,
    );
  });
});

describe('figure HTML', () => {
  it('keeps data that looks like HTML inside the script', () => {
    const html = figureHtml({ data: [{ type: 'scatter', x: [1], y: [2], text: ['</script><b>'] }], layout: {} });
    expect(html).not.toContain('</script><b>');
    expect(html).toContain('\\u003c/script\\u003e');
    expect(html).toContain('Plotly.newPlot');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('embeds plotly.js once per page, with AMD define hidden from it', () => {
    const script = plotlyScript();
    expect(script.startsWith('<script type="text/javascript">(function (define, module, exports) {')).toBe(true);
    expect(script.match(/<\/script/gi)).toHaveLength(1);
    const page = htmlPage('two <figures>', figureHtml({ data: [], layout: {} }) + figureHtml({ data: [], layout: {} }));
    expect(page.split('* plotly.js v').length - 1).toBe(1);
    expect(page).toContain('<title>two &lt;figures&gt;</title>');
  });

  it('writes a standalone page for one figure, whole or not at all', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'figure-'));
    const file = path.join(dir, 'sub', 'betas.html');
    writeFigureHtml(file, betasByLayerFigure(rows, { model: 'gpt2', synthetic: false }), 'Betas');
    const html = fs.readFileSync(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>Betas</title>');
    expect(html.split('class="workbook-figure"').length - 1).toBe(1);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['betas.html']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
