/**
 * What notebooks display, built without a kernel: frames as pandas shows them (numbers checked against
 * pandas 1.5's own output, p-values against Python's '%#.3g', statsmodels' Prob (F-statistic) format) and the MIME bundles show() sends.
 * test/python/kernel_conformance.py sends them through the kernel; test/notebooks-browser.test.ts
 * looks at them in a browser.
 */
import { DataFrame } from 'danfojs';
import { describe, expect, it } from 'vitest';
import { Figure } from '../lib/figures/figure';
import { formatColumn, frameTable } from '../lib/notebook/frame-table';
import { markdown, mimeBundle, show } from '../lib/notebook/show';

describe('frame columns formatted as pandas formats them', () => {
  // pd.Series(values).to_string(index=False), pandas 1.5.3
  const pandas: Array<[string, number[], string[]]> = [
    ['long fractions', [0.2211857467470123, 1.5, NaN], ['0.221186', '1.500000', 'NaN']],
    ['shared trailing zeros', [1.5, 2.25, 3.0], ['1.50', '2.25', '3.00']],
    ['large but narrow', [1234567.891, 2.0, 3.0], ['1234567.891', '2.000', '3.000']],
    ['twelve characters', [12345678.891, 1.0], ['12345678.891', '1.000']],
    ['large and wide', [1234567.891234, 1.0, 2.0], ['1.234568e+06', '1.000000e+00', '2.000000e+00']],
    ['below 1e-6', [1e-7, 0.5, 1.0], ['1.000000e-07', '5.000000e-01', '1.000000e+00']],
    ['infinities', [Infinity, -Infinity, 0.5], ['inf', '-inf', '0.5']],
    ['negative', [-0.125, 2.5, -3.75], ['-0.125', '2.500', '-3.750']],
    ['zeros', [0.0, 0.0, 0.5], ['0.0', '0.0', '0.5']],
    ["Python's rounding", [0.0000125, 0.5, 0.1], ['0.000013', '0.500000', '0.100000']],
  ];
  for (const [what, values, expected] of pandas) {
    it(what, () => expect(formatColumn('x', values)).toEqual(expected));
  }

  it('whole numbers as integers (JavaScript has one number type; pandas would print 3.0 for floats)', () => {
    expect(formatColumn('n', [3, -4, 5])).toEqual(['3', '-4', '5']);
  });

  it("p-values in the workbook's one style, statsmodels' Prob (F-statistic) format", () => {
    // ['%#.3g' % p for p in ...] in Python
    expect(formatColumn('P>|t|', [1.2e-30, 0.04167, 0.5, 0.0625, 0.0005])).toEqual(['1.20e-30', '0.0417', '0.500', '0.0625', '0.000500']);
    expect(formatColumn('p', [0.98765])).toEqual(['0.988']);
    expect(formatColumn('ci_low', [0.98765])).toEqual(['0.98765']);
  });

  it('text and booleans as they are, missing values as NaN', () => {
    expect(formatColumn('s', ['x', null, 'z'])).toEqual(['x', 'NaN', 'z']);
    expect(formatColumn('b', [true, false])).toEqual(['true', 'false']);
  });
});

describe('frameTable', () => {
  const frame = new DataFrame({ a: [1, 2], b: [0.2211857467470123, 1.5], 'name <i>': ['x', 'yz'] });

  it('prints the text pandas prints', () => {
    // print(pd.DataFrame({'a': [1, 2], 'b': [0.2211857467470123, 1.5], 'name <i>': ['x', 'yz']}))
    expect(frameTable(frame).text).toBe(['   a         b name <i>', '0  1  0.221186        x', '1  2  1.500000       yz'].join('\n'));
  });

  it('is an HTML table with every column, escaped, in a box that scrolls sideways', () => {
    const { html } = frameTable(frame);
    expect(html).toMatch(/^<div class="workbook-frame" style="overflow-x: auto;/);
    expect(html).toContain('<table class="dataframe"');
    expect([...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual(['', 'a', 'b', 'name &lt;i&gt;', '0', '1']);
    expect(html).toContain('<tr><th>0</th><td>1</td><td>0.221186</td><td>x</td></tr>');
  });

  it('never hides a column, however many', () => {
    const wide = new DataFrame(Object.fromEntries(Array.from({ length: 40 }, (_, j) => [`column_${j}`, [j, j + 0.5]])));
    const { html, text } = frameTable(wide);
    for (let j = 0; j < 40; j++) {
      expect(html).toContain(`<th>column_${j}</th>`);
      expect(text.split('\n')[0]).toContain(`column_${j}`);
    }
  });

  it('shows a long frame as its first and last five rows, and its size', () => {
    const long = new DataFrame({ t: Array.from({ length: 100 }, (_, i) => i), x: Array.from({ length: 100 }, (_, i) => i / 4) });
    const { html, text } = frameTable(long);
    const lines = text.split('\n');
    expect(lines.map((l) => l.trim().split(/\s+/)[0])).toEqual(['t', '0', '1', '2', '3', '4', '...', '95', '96', '97', '98', '99', '', '[100']);
    expect(lines[lines.length - 1]).toBe('[100 rows x 2 columns]');
    expect(html).toContain('<p>100 rows × 2 columns</p>');
    expect(html.match(/<tr>/g)).toHaveLength(11);
  });

  it('shows a Series as one column with its index', () => {
    const counts = new DataFrame({ g: ['a', 'b', 'a'] })['g'].valueCounts();
    const { text } = frameTable(counts);
    expect(text.split('\n').slice(1).map((l: string) => l.split(/\s+/))).toEqual([['a', '2'], ['b', '1']]);
  });
});

describe('show', () => {
  const figure: Figure = { data: [{ type: 'scatter', x: [1, 2], y: [3, 4] }], layout: { title: { text: 'Two points' } } };

  it("sends a figure as Plotly's MIME type, HTML carrying plotly.js, and its title as text", () => {
    const bundle = mimeBundle(figure);
    expect(Object.keys(bundle).sort()).toEqual(['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
    expect(bundle['application/vnd.plotly.v1+json']).toEqual({ data: figure.data, layout: figure.layout, config: { responsive: true, displaylogo: false } });
    expect(bundle['text/html']).toContain('* plotly.js v');
    expect(bundle['text/html']).toContain('class="workbook-figure"');
    expect(bundle['text/plain']).toBe('Figure: Two points');
  });

  it('sends a frame as an HTML table and text, Markdown as Markdown', () => {
    const frame = new DataFrame({ a: [1, 2] });
    expect(mimeBundle(frame)).toEqual({ 'text/html': frameTable(frame).html, 'text/plain': frameTable(frame).text });
    expect(mimeBundle(markdown('**bold**'))).toEqual({ 'text/markdown': '**bold**', 'text/plain': '**bold**' });
  });

  it('says what it can show when given something else', () => {
    expect(() => mimeBundle([1, 2] as unknown as Figure)).toThrow(/show\(\) displays a figure, a danfojs DataFrame or Series, or markdown\(text\); it was given \[object Array\]/);
  });

  it('outside a notebook says where it works and what to use instead', () => {
    expect(() => show(markdown('x'))).toThrow(/draw in a notebook running the workbook kernel; outside one, write figures with writeFigureHtml/);
  });
});
