/**
 * Runs every notebook headlessly (`npm run notebooks`, on synthetic weights unless GPT2_MODEL says
 * otherwise), then opens each executed notebook's HTML export in headless Chromium and checks that
 * every figure drew: plotly.js loaded (once) despite require.js on the page, and each figure's div
 * holds Plotly's SVG with drawn traces; and that frames are HTML tables, not danfojs' box-drawn text.
 * Saves a PNG of each figure under out/screenshots/. (test/notebooks-browser.test.ts runs notebook 04
 * in the live Notebook instead.)
 *
 * Needs /usr/bin/python3 with nbclient + nbconvert, and Chromium: required when CI is set, skipped
 * with the reason otherwise. WORKBOOK_REUSE_NOTEBOOKS=1 checks the existing out/notebooks/ instead of
 * running the notebooks again.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, CHROMIUM } from './helpers/chromium';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'out', 'notebooks');
const SHOTS = path.join(ROOT, 'out', 'screenshots');
const PYTHON = process.env.NOTEBOOK_PYTHON || '/usr/bin/python3';

function missingTools(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}; apt-get install chromium)`);
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbconvert'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    missing.push(`${PYTHON} with nbclient and nbconvert (apt-get install python3-nbclient jupyter-nbconvert)`);
  }
  return missing;
}

/**
 * The notebooks' environment for a test run: synthetic weights unless told otherwise (GPT-2 small's
 * shape for parts 4's main sweep, the tiny model to exercise the gpt2-xl path quickly).
 */
function notebookEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GPT2_MODEL: process.env.GPT2_MODEL ?? 'synthetic:gpt2',
    GPT2_XL_MODEL: process.env.GPT2_XL_MODEL ?? 'synthetic:tiny',
  };
}

type Output = { output_type: string; name?: string; text?: string | string[]; data?: Record<string, string | string[]> };

function executedOutputs(name: string): Output[] {
  const executed = JSON.parse(fs.readFileSync(path.join(OUT, `${name}.ipynb`), 'utf8'));
  return executed.cells.flatMap((cell: { outputs?: Output[] }) => cell.outputs ?? []);
}

const notebooks = fs
  .readdirSync(path.join(ROOT, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort()
  .map((f) => f.replace(/\.ipynb$/, ''));
/** What Plotly draws for a trace: a g.trace group, or for a heat map an image in its g.hm group. */
const DRAWN = 'svg.main-svg g.trace, svg.main-svg g.hm image';

const missing = missingTools();
const required = Boolean(process.env.CI);

describe('executed notebooks exported to HTML, in a browser', () => {
  if (missing.length > 0 && !required) {
    it.skip(`skipped: missing ${missing.join('; ')} (required when CI is set)`, () => undefined);
    return;
  }

  let browser: Browser;
  let run: { status: number | null; output: string } = { status: 0, output: '' };

  beforeAll(async () => {
    if (missing.length > 0) return; // the first test reports it
    if (!process.env.WORKBOOK_REUSE_NOTEBOOKS) {
      const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'run-notebooks.js')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: notebookEnv(),
        maxBuffer: 64 * 1024 * 1024,
      });
      run = { status: result.status, output: `${result.stdout}\n${result.stderr}` };
      console.log(run.output);
    }
    browser = await Browser.launch();
  }, 1_800_000);

  afterAll(async () => {
    if (browser) await browser.close();
  });

  it('has Chromium and Jupyter (CI installs them)', () => {
    expect(missing, 'CI is set, so these are required').toEqual([]);
  });

  it('runs every notebook without an error or stderr output', () => {
    expect(notebooks.length, 'notebooks/ holds the series').toBeGreaterThan(0);
    expect(run.status, run.output.slice(-6000)).toBe(0);
    for (const name of notebooks) {
      const file = path.join(OUT, `${name}.ipynb`);
      expect(fs.existsSync(file), `${file} was written`).toBe(true);
      const executed = JSON.parse(fs.readFileSync(file, 'utf8'));
      executed.cells.forEach((cell: { cell_type: string; execution_count: number | null; outputs: Array<{ output_type: string; name?: string; text?: string | string[] }> }, i: number) => {
        if (cell.cell_type !== 'code') return;
        expect(cell.execution_count, `${name} cell ${i} ran`).not.toBeNull();
        for (const output of cell.outputs) {
          const text = [output.text ?? ''].flat().join('');
          expect(output.output_type === 'error' || output.name === 'stderr', `${name} cell ${i}: ${text.slice(0, 500)}`).toBe(false);
        }
      });
    }
  });

  for (const name of notebooks) {
    it(`${name}: every figure draws, plotly.js embedded once`, async () => {
      const htmlFile = path.join(OUT, `${name}.html`);
      expect(fs.existsSync(htmlFile), `${htmlFile} was written`).toBe(true);
      const html = fs.readFileSync(htmlFile, 'utf8');
      const embedded = html.split('* plotly.js v').length - 1;
      const figureDivs = html.split('class="workbook-figure"').length - 1;
      expect(embedded, 'plotly.js copies in the page').toBe(figureDivs > 0 ? 1 : 0);

      const page = await browser.open(pathToFileURL(htmlFile).href);
      const expression = `(() => {
        const divs = [...document.querySelectorAll('div.workbook-figure')];
        return divs.map((d) => ({
          svg: d.querySelectorAll('svg.main-svg').length,
          traces: d.querySelectorAll(${JSON.stringify(DRAWN)}).length,
          text: d.textContent.slice(0, 200),
          box: (() => { const r = d.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }; })(),
        }));
      })()`;
      type FigureState = { svg: number; traces: number; text: string; box: { x: number; y: number; width: number; height: number } };
      await page.waitUntil(
        `[...document.querySelectorAll('div.workbook-figure')].every((d) => d.querySelector(${JSON.stringify(DRAWN)}))`,
        30_000,
      );
      const figures = await page.evaluate<FigureState[]>(expression);
      expect(figures.length, 'figure divs in the page').toBe(figureDivs);
      const plotlyLoaded = await page.evaluate<boolean>('typeof window.Plotly === "object" || typeof window.Plotly === "function"');
      if (figureDivs > 0) expect(plotlyLoaded, `window.Plotly; page errors: ${browser.exceptions.join(' | ')}`).toBe(true);

      fs.rmSync(path.join(SHOTS, name), { recursive: true, force: true });
      for (const [i, figure] of figures.entries()) {
        expect(figure.svg, `figure ${i + 1} of ${name} has Plotly's SVG (${figure.text})`).toBeGreaterThan(0);
        expect(figure.traces, `figure ${i + 1} of ${name} drew traces`).toBeGreaterThan(0);
        await page.screenshot(path.join(SHOTS, name, `figure-${i + 1}.png`), {
          x: Math.max(0, figure.box.x - 8),
          y: Math.max(0, figure.box.y - 8),
          width: Math.ceil(figure.box.width + 16),
          height: Math.ceil(figure.box.height + 16),
        });
      }
      // Figures whose points carry tokens show the token and its position on hover.
      const hovers = await page.evaluate<string[]>(`[...document.querySelectorAll('div.workbook-figure')].flatMap((d) => {
        const curve = (d.data || []).findIndex((t) => String(t.hovertemplate || '').includes('(position %{customdata[1]})'));
        if (curve < 0) return [];
        window.Plotly.Fx.hover(d, [{ curveNumber: curve, pointNumber: 0 }], 'xy');
        return [d.querySelector('.hoverlayer').textContent];
      })`);
      if (name.startsWith('04-')) expect(hovers.length, 'figure 1 of part 4 has token hovers').toBeGreaterThan(0);
      for (const text of hovers) expect(text).toMatch(/token ".*" \(position \d+\)/);

      // Frames display as pandas' do: tables, never danfojs' print() (box-drawing characters).
      const tables = await page.evaluate<number>(`document.querySelectorAll('table.dataframe').length`);
      const framesShown = executedOutputs(name).filter((o) => [o.data?.['text/html'] ?? ''].flat().join('').includes('class="dataframe"')).length;
      expect(tables, 'HTML tables of frames').toBe(framesShown);
      if (!name.startsWith('01-')) expect(framesShown, `${name} shows frames`).toBeGreaterThan(0);
      expect(await page.evaluate<boolean>(`/[║╔╟]/.test(document.body.innerText)`), 'box-drawn text').toBe(false);

      // The top of the page, to see the notebook around the figures.
      await page.screenshot(path.join(SHOTS, name, 'page-top.png'), { x: 0, y: 0, width: 1280, height: 1600 });
    });
  }
});
