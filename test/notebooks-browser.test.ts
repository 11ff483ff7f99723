/**
 * Notebook 04 in the live classic Notebook, as a reader runs it: `npm run lab` (no browser, a free
 * port) serves a copy of the notebook, headless Chromium opens it and runs it through the page
 * (Cell > Run All). Then: no error; frames are HTML tables with every column; every figure holds
 * Plotly's SVG; the saved notebook carries each figure in Plotly's MIME type with its HTML beside it,
 * and plotly.js once. Reopened from disk (outputs not re-run) the notebook is trusted and its figures
 * draw again; and they still draw after the output that carried plotly.js is cleared, the notebook
 * saved and reopened (the server provides plotly.js then). PNGs go to out/screenshots/live-04/.
 *
 * On synthetic weights (GPT2_MODEL=synthetic:gpt2, GPT2_XL_MODEL=synthetic:tiny), so that it needs no
 * download. Needs Jupyter and Chromium: required when CI is set, skipped with the reason otherwise.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NORM_COLUMNS } from '../lib/frames/norms';
import { REGRESSION_COLUMNS, WALD_COLUMNS } from '../lib/frames/regressions';
import { Browser, CHROMIUM, Page } from './helpers/chromium';
import { Lab, startLab } from './helpers/lab';

const ROOT = path.resolve(__dirname, '..');
const NOTEBOOK = '04-gpt2-activations.ipynb';
const SHOTS = path.join(ROOT, 'out', 'screenshots', 'live-04');
const ENV = { GPT2_MODEL: 'synthetic:gpt2', GPT2_XL_MODEL: 'synthetic:tiny' };

function missingTools(): string[] {
  const missing: string[] = [];
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}; apt-get install chromium)`);
  const probe = spawnSync('/usr/bin/python3', ['-m', 'notebook', '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) missing.push('the classic Notebook (apt-get install jupyter-notebook)');
  return missing;
}

type Output = { output_type: string; data?: Record<string, string | string[]> };
const html = (output: Output) => [output.data?.['text/html'] ?? ''].flat().join('');
const PLOTLY_COPY = '* plotly.js v';

/** The notebook as saved on disk: its code cells' sources and outputs. */
function saved(file: string): { sources: string[]; outputs: Output[] } {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8'));
  const cells = notebook.cells.filter((c: { cell_type: string }) => c.cell_type === 'code');
  return {
    sources: cells.map((c: { source: string[] }) => c.source.join('')),
    outputs: cells.flatMap((c: { outputs: Output[] }) => c.outputs),
  };
}

/** For each figure div on the page: does it hold Plotly's SVG with drawn traces? */
const FIGURES_DRAWN = `[...document.querySelectorAll('div.workbook-figure')].map((d) => d.querySelector('svg.main-svg g.trace') !== null)`;

const missing = missingTools();

describe('notebook 04 in the live Notebook', () => {
  if (missing.length > 0 && !process.env.CI) {
    it.skip(`skipped: missing ${missing.join('; ')} (required when CI is set)`, () => undefined);
    return;
  }

  let dir = '';
  let file = '';
  let lab: Lab | undefined;
  let browser: Browser | undefined;
  let page: Page;
  // The figures the notebook shows: one per `show(...Figure(...))` call in its source.
  const figures = (saved(path.join(ROOT, 'notebooks', NOTEBOOK)).sources.join('\n').match(/show\(\w+Figure\(/g) ?? []).length;

  beforeAll(async () => {
    expect(missing, 'CI is set, so these are required').toEqual([]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-live-'));
    file = path.join(dir, NOTEBOOK);
    fs.copyFileSync(path.join(ROOT, 'notebooks', NOTEBOOK), file);
    lab = await startLab(dir, ENV);
    browser = await Browser.launch();
    fs.rmSync(SHOTS, { recursive: true, force: true });
  }, 120_000);

  afterAll(async () => {
    if (browser) await browser.close();
    if (lab) {
      lab.process.kill('SIGTERM'); // the server shuts its kernel down
      await Promise.race([lab.exited, new Promise((r) => setTimeout(r, 20_000))]);
      lab.stop();
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  async function openNotebook(): Promise<Page> {
    const opened = await browser!.open(`${lab!.url}notebooks/${NOTEBOOK}?token=${lab!.token}`, 1280, 1800);
    const ready = await opened.waitUntil<boolean>('Boolean(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded)', 60_000);
    expect(ready, 'the notebook loaded').toBe(true);
    return opened;
  }

  async function save(): Promise<void> {
    await page.evaluate('Jupyter.notebook.save_notebook().then(() => true)');
  }

  it('runs through the page (Cell > Run All) without an error', async () => {
    page = await openNotebook();
    expect(await page.waitUntil<boolean>('Boolean(Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())', 60_000), 'kernel connected').toBe(true);
    await page.evaluate(`document.querySelector('#run_all_cells > a').click()`);
    const finished = `document.querySelector('.output_error') !== null || (
      Jupyter.notebook.get_cells().every((c) => c.cell_type !== 'code' || typeof c.input_prompt_number === 'number') &&
      document.querySelector('#kernel_indicator_icon').classList.contains('kernel_idle_icon'))`;
    expect(await page.waitUntil<boolean>(finished, 600_000), 'every cell ran').toBe(true);
    const problems = await page.evaluate<string[]>(`[...document.querySelectorAll('.output_error, .output_stderr')].map((e) => e.innerText.slice(0, 2000))`);
    expect(problems).toEqual([]);
    await page.evaluate(`document.querySelector('#site').scrollTop = 0`);
    await page.screenshot(path.join(SHOTS, 'page-top.png'), { x: 0, y: 0, width: 1280, height: 1800 });
  }, 700_000);

  it('shows frames as HTML tables with every column, not box-drawn text', async () => {
    type Table = { headers: string[]; rows: number; scrolls: boolean };
    const tables = await page.evaluate<Table[]>(`[...document.querySelectorAll('.output_html table.dataframe')].map((t) => ({
      headers: [...t.querySelectorAll('thead th')].map((th) => th.textContent),
      rows: t.querySelectorAll('tbody tr').length,
      scrolls: getComputedStyle(t.closest('.workbook-frame')).overflowX === 'auto',
    }))`);
    // show(frame.head(6)): the norms frame; show(regressionTable(fits)): 12 layers x 3 terms;
    // show(waldTable(equalHac)): the test of lag1 = lag2 with Newey-West errors, one row per layer
    expect(tables).toEqual([
      { headers: ['', ...NORM_COLUMNS], rows: 6, scrolls: true },
      { headers: ['', ...REGRESSION_COLUMNS], rows: 36, scrolls: true },
      { headers: ['', ...WALD_COLUMNS], rows: 12, scrolls: true },
    ]);
    expect(await page.evaluate<boolean>(`/[║╔╟]/.test(document.body.innerText)`), 'box-drawn text').toBe(false);
    for (const i of tables.keys()) await page.screenshotElement(path.join(SHOTS, `table-${i + 1}.png`), '.output_html table.dataframe', i);
  });

  it('draws every figure', async () => {
    expect(figures, 'figures in notebook 04: 1, 2, the residuals\' ACF, 2 with a head ablated, 3').toBe(5);
    await page.waitUntil(`${FIGURES_DRAWN}.every(Boolean)`, 60_000);
    expect(await page.evaluate<boolean[]>(FIGURES_DRAWN)).toEqual(Array(figures).fill(true));
    for (let i = 0; i < figures; i++) await page.screenshotElement(path.join(SHOTS, `figure-${i + 1}.png`), 'div.workbook-figure', i);
  });

  it("saves each figure in Plotly's MIME type with its HTML beside it, and plotly.js once", async () => {
    await save();
    await page.close();
    const { outputs } = saved(file);
    const figureOutputs = outputs.filter((o) => o.data?.['application/vnd.plotly.v1+json']);
    expect(figureOutputs).toHaveLength(figures);
    for (const output of figureOutputs) expect(html(output)).toContain('class="workbook-figure"');
    expect(outputs.filter((o) => html(o).includes(PLOTLY_COPY))).toHaveLength(1);
  });

  it('draws the figures again when the saved notebook is reopened, trusted, without re-running', async () => {
    page = await openNotebook();
    expect(await page.evaluate<boolean>('Jupyter.notebook.trusted'), 'trusted').toBe(true);
    await page.waitUntil(`${FIGURES_DRAWN}.every(Boolean)`, 60_000);
    expect(await page.evaluate<boolean[]>(FIGURES_DRAWN)).toEqual(Array(figures).fill(true));
    await page.screenshotElement(path.join(SHOTS, 'reopened-figure-1.png'), 'div.workbook-figure', 0);
  });

  it('draws them when the output that carried plotly.js was cleared, with plotly.js from the server', async () => {
    const cleared = await page.evaluate<number>(`(() => {
      const cells = Jupyter.notebook.get_cells();
      const i = cells.findIndex((c) => c.cell_type === 'code' && c.output_area.outputs.some((o) => String((o.data || {})['text/html']).includes(${JSON.stringify(PLOTLY_COPY)})));
      cells[i].clear_output();
      return i;
    })()`);
    expect(cleared).toBeGreaterThan(0);
    await save();
    await page.close();
    expect(saved(file).outputs.filter((o) => html(o).includes(PLOTLY_COPY)), 'plotly.js copies saved').toHaveLength(0);

    page = await openNotebook();
    expect(await page.evaluate<boolean>('Jupyter.notebook.trusted'), 'trusted').toBe(true);
    await page.waitUntil(`${FIGURES_DRAWN}.every(Boolean)`, 60_000);
    expect(await page.evaluate<boolean[]>(FIGURES_DRAWN), `page errors: ${browser!.exceptions.join(' | ')}`).toEqual(Array(figures - 1).fill(true));
    expect(await page.evaluate<string>('typeof window.workbookPlotly'), 'plotly.js loaded from the server').toBe('object');
    for (let i = 0; i < figures - 1; i++) await page.screenshotElement(path.join(SHOTS, `cleared-figure-${i + 1}.png`), 'div.workbook-figure', i);
  });
});
