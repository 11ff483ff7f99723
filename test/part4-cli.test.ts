/**
 * `npm start` (scripts/part4.ts): once end to end as a process on the synthetic tiny model (its norms
 * against the HuggingFace reference in goldens.json, its regressions against statsmodels in
 * ols-goldens.json, figure 3 from --xl-model), and every error a user can hit through `main(argv)`
 * in this process: one line, what was wrong and what to do, and nothing loaded or written before it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from '../scripts/cli';
import { main } from '../scripts/part4';
import { GOLDENS, LAG_COVARIANCE_GOLDENS, OLS_CASES, ROBUST_GOLDENS, ROOT } from './helpers/fixtures';
import { weightsPresent } from '../lib/weights/present';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const tempFolder = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `part4-${name}-`));

/** CSV rows as objects; fields may be quoted with doubled quotes (RFC 4180). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

/** `main(argv)` in this process: what it printed, and the error it ended with (if any). */
async function part4(argv: string[]): Promise<{ printed: string; error?: Error }> {
  let printed = '';
  const output = { write: (s: string) => ((printed += s), true) };
  try {
    await main(argv, output);
    return { printed };
  } catch (error) {
    return { printed, error: error as Error };
  }
}

/** The error of a run that must fail: one line that names the problem. */
async function failure(argv: string[]): Promise<{ message: string; printed: string }> {
  const { printed, error } = await part4(argv);
  expect(error, `expected ${argv.join(' ')} to fail; it printed ${printed}`).toBeInstanceOf(Error);
  expect(error!.message).not.toContain('\n');
  return { message: error!.message, printed };
}

describe('npm start on synthetic:tiny, with figure 3 from --xl-model synthetic:tiny (one process)', () => {
  const out = tempFolder('out');
  let run: { status: number | null; stdout: string; stderr: string };
  beforeAll(() => {
    const result = spawnSync(TSX, [path.join(ROOT, 'scripts', 'part4.ts'), '--model', 'synthetic:tiny', '--xl-model', 'synthetic:tiny', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    run = { status: result.status, stdout: result.stdout, stderr: result.stderr };
  });

  it('exits 0, prints progress and writes every file, with no temporary ones left', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/running 3 blocks of synthetic:tiny on 95 tokens with hook_attn_out tapped \.\.\. done in/);
    expect(fs.readdirSync(out).sort()).toEqual(['norms-xl.csv', 'norms.csv', 'regressions-xl.csv', 'regressions.csv', 'report.html', 'summary-L0.txt']);
  });

  it('norms.csv holds every token of every layer, as the reference model computes them', () => {
    const text = fs.readFileSync(path.join(out, 'norms.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('layer,position,token_id,token,norm,log_norm');
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3 * 95);
    const hungary = GOLDENS.texts.find((t: { name: string }) => t.name === 'hungary');
    const reference: number[][] = GOLDENS.models.tiny.attn_out_norms.hungary;
    for (const r of rows) {
      const [layer, t] = [Number(r.layer), Number(r.position)];
      expect(Number(r.token_id)).toBe(hungary.ids[t]);
      const norm = Number(r.norm);
      expect(Math.abs(norm - reference[layer][t]) / reference[layer][t]).toBeLessThan(1e-4);
      expect(Number(r.log_norm)).toBeCloseTo(Math.log(norm), 12);
    }
    // the token strings of a layer spell the text, quotes and commas included
    expect(rows.filter((r) => r.layer === '0').map((r) => r.token).join('')).toBe(hungary.text);
  });

  it('regressions.csv agrees with statsmodels on the reference norms', () => {
    const text = fs.readFileSync(path.join(out, 'regressions.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('layer,term,coef,std_err,t,p,ci_low,ci_high,r2,adj_r2,nobs,cov_type,maxlags');
    const rows = parseCsv(text);
    expect(rows.map((r) => r.term)).toEqual(['const', 'lag1', 'lag2', 'const', 'lag1', 'lag2', 'const', 'lag1', 'lag2']);
    for (const r of rows) {
      const golden = OLS_CASES.find((c) => c.name === `tiny.hungary.L${r.layer}`);
      const k = ['const', 'lag1', 'lag2'].indexOf(r.term);
      expect(Math.abs(Number(r.coef) - golden.params[k])).toBeLessThan(1e-3);
      expect(Math.abs(Number(r.std_err) - golden.bse[k])).toBeLessThan(1e-3);
      expect(Math.abs(Number(r.r2) - golden.rsquared)).toBeLessThan(1e-3);
      expect(Number(r.nobs)).toBe(92);
      expect([r.cov_type, r.maxlags]).toEqual(['nonrobust', '']);
    }
  });

  it('summary-L0.txt is the statsmodels summary; report.html holds the three figures, labelled synthetic', () => {
    const summary = fs.readFileSync(path.join(out, 'summary-L0.txt'), 'utf8');
    expect(summary).toContain('OLS Regression Results');
    expect(summary).toMatch(/No\. Observations:\s+92/);
    expect(summary).toMatch(/^lag1 /m);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.split('class="workbook-figure"').length - 1).toBe(3);
    expect(html.split('* plotly.js v').length - 1).toBe(1);
    expect(html).toContain('<h2>Figure 3: betas by layer on synthetic:tiny</h2>');
    expect(html).toContain('<h2>What the synthetic:tiny sweep shows</h2>');
    expect(html).toContain('SYNTHETIC weights: synthetic:tiny');
    expect(html).toContain('Synthetic weights: a stand-in');
    // the model as in the notebook: block 0 in full, the others counted, the total
    expect(html).toContain('<code>h.0.attn.c_proj.weight</code>');
    expect(html).not.toContain('h.1.');
    expect(html).toContain('blocks 1–2 have the same shapes');
  });

  it('writes p-values in the beta table as statsmodels writes them (%#.3g)', () => {
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    const table = html.slice(html.indexOf('<h2>Betas by layer</h2>'));
    const cells = [...table.matchAll(/<tr><td>\d+<\/td><td[^>]*>[^<]+<\/td><td[^>]*>([^<]+)<\/td><td[^>]*>[^<]+<\/td><td[^>]*>([^<]+)<\/td>/g)];
    const pValues = cells.flatMap((m) => [m[1], m[2]]);
    expect(pValues).toHaveLength(6);
    for (const p of pValues) expect(p).toMatch(/^(\d\.\d\de-\d\d|0\.0*[1-9]\d\d|[01]\.\d\d)$/);
  });
});

describe('npm start -- --cov and --maxlags, in process on synthetic:tiny', () => {
  const run = async (argv: string[]) => {
    const out = path.join(tempFolder('cov'), 'out');
    const { printed, error } = await part4(['--model', 'synthetic:tiny', '--out', out, ...argv]);
    expect(error).toBeUndefined();
    const read = (name: string) => fs.readFileSync(path.join(out, name), 'utf8');
    return { printed, rows: parseCsv(read('regressions.csv')), html: read('report.html'), summary: read('summary-L0.txt') };
  };
  const near = (ours: string, theirs: number) => expect(Math.abs(Number(ours) - theirs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(theirs)));

  it('--cov HAC: Newey-West errors at the rule\'s 3 lags, as statsmodels fits them; the report and findings say so', async () => {
    const { printed, rows, html, summary } = await run(['--cov', 'HAC']);
    expect(printed).toContain('fitting the regressions of every layer of synthetic:tiny with HAC (Newey-West, 3 lags) errors ... done');
    expect(rows).toHaveLength(9);
    for (const r of rows) {
      const golden = ROBUST_GOLDENS.cases.find((c: { name: string }) => c.name === `tiny.hungary.L${r.layer}.HAC`);
      const k = golden.names.indexOf(r.term);
      expect([r.cov_type, r.maxlags]).toEqual(['HAC', '3']);
      near(r.coef, golden.params[k]);
      near(r.std_err, golden.bse[k]);
      near(r.t, golden.tvalues[k]);
      near(r.p, golden.pvalues[k]);
      near(r.ci_low, golden.conf_int[k][0]);
    }
    expect(summary).toMatch(/Covariance Type:\s+HAC/);
    expect(summary).toContain('autocorrelation robust (HAC) using 3 lags and without small sample correction');
    expect(html).toContain('<p>Standard errors: HAC (Newey-West, 3 lags); z statistics and normal p-values, as statsmodels gives robust errors.</p>');
    expect(html).toContain('<th>p (lag1 = lag2, Wald χ²)</th>');
    // the Wald test's p per layer, as statsmodels' wald_test('lag1 = lag2') gives it (%#.3g)
    const table = html.slice(html.indexOf('<h2>Betas by layer</h2>'), html.indexOf('</table>', html.indexOf('<h2>Betas by layer</h2>')));
    const waldP = [...table.matchAll(/<tr><td>(\d+)<\/td>(?:<td[^>]*>[^<]*<\/td>){4}<td[^>]*>([^<]+)<\/td>/g)].map((m) => Number(m[2]));
    expect(waldP).toHaveLength(3);
    waldP.forEach((p, layer) => {
      const theirs = ROBUST_GOLDENS.cases.find((c: { name: string }) => c.name === `tiny.hungary.L${layer}.HAC`)['wald_test.equal'].pvalue[0];
      expect(Math.abs(p - theirs)).toBeLessThan(0.002);
    });
    expect(html).toContain('<h2>What HAC (Newey-West, 3 lags) errors change (synthetic:tiny)</h2>');
    expect(html).toContain('the usual rule ⌊4 (n/100)^(2/9)⌋ for n = 92 rows');
    expect(html).toContain('With nonrobust errors (F test) it is rejected');
  });

  it('--cov hac --maxlags 5: the lags given, said against the rule', async () => {
    const { rows, summary, html } = await run(['--cov', 'hac', '--maxlags', '5']);
    expect(new Set(rows.map((r) => `${r.cov_type} ${r.maxlags}`))).toEqual(new Set(['HAC 5']));
    expect(summary).toContain('using 5 lags');
    expect(html).toContain('with 5 lags (the usual rule ⌊4 (n/100)^(2/9)⌋ would give 3 for n = 92 rows)');
  });

  it('--cov HC3: heteroscedasticity-robust errors as statsmodels fits them, no lags', async () => {
    const { rows, html } = await run(['--cov', 'HC3']);
    for (const r of rows) {
      const golden = LAG_COVARIANCE_GOLDENS.cases.find((c: { name: string }) => c.name === `tiny.hungary.L${r.layer}`).HC3;
      const k = ['const', 'lag1', 'lag2'].indexOf(r.term);
      expect([r.cov_type, r.maxlags]).toEqual(['HC3', '']);
      near(r.std_err, golden.bse[k]);
      near(r.p, golden.pvalues[k]);
    }
    expect(html).toContain('<h2>What HC3 errors change (synthetic:tiny)</h2>');
  });

  it('nonrobust (the default): the test of lag1 = lag2 joins the findings, with its F test', async () => {
    const { html } = await run([]);
    expect(html).toContain('<p>Standard errors: nonrobust.</p>');
    expect(html).toContain('<th>p (lag1 = lag2, F)</th>');
    const findings = html.slice(html.indexOf('<h2>What this run shows'));
    expect(findings).toContain('F test with nonrobust errors) is rejected at 0.05');
    expect(html).not.toContain('errors change');
  });

  it('refuses a covariance it cannot use and lags that make no sense, before loading anything', async () => {
    const cases: Array<[string[], string]> = [
      [['--cov', 'HAD'], '--cov HAD is not a covariance type; use one of nonrobust, HC0, HC1, HC2, HC3, HAC'],
      [['--cov', 'cluster'], '--cov cluster is not a covariance type here: clustered errors need groups of observations, and one text has none; use one of nonrobust, HC0, HC1, HC2, HC3, HAC'],
      [['--maxlags', '3'], '--maxlags 3 applies to Newey-West errors only, not --cov nonrobust: add --cov HAC, or leave --maxlags out'],
      [['--cov', 'HC1', '--maxlags', '3'], '--maxlags 3 applies to Newey-West errors only, not --cov HC1: add --cov HAC, or leave --maxlags out'],
      [['--cov', 'HAC', '--maxlags', '2.5'], '--maxlags 2.5 is not a whole number of lags: pass an integer from 0 to 91 (the Newey-West rule gives 3 for 92 rows)'],
      [['--cov', 'HAC', '--maxlags=-1'], '--maxlags -1 is not a whole number of lags: pass an integer from 0 to 91 (the Newey-West rule gives 3 for 92 rows)'],
      [['--cov', 'HAC', '--maxlags', 'three'], '--maxlags three is not a whole number of lags: pass an integer from 0 to 91 (the Newey-West rule gives 3 for 92 rows)'],
      [['--cov', 'HAC', '--maxlags', '92'], "--maxlags 92 reaches past the 92 rows each layer's regression has: pass at most 91 (the Newey-West rule gives 3)"],
    ];
    for (const [argv, expected] of cases) {
      const out = path.join(tempFolder('cov-bad'), 'out');
      const { message, printed } = await failure(['--model', 'synthetic:tiny', '--out', out, ...argv]);
      expect(message).toBe(expected);
      expect(printed).toBe('');
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  it('lists --cov and --maxlags in the usage', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await part4(['--help']);
      expect(log.mock.calls[0][0]).toMatch(/^usage: npm start -- .*\[--cov <type>\] \[--maxlags <n>\]$/m);
      expect(log.mock.calls[0][0]).toContain('--maxlags <n>       with --cov HAC: lags in the Newey-West window (default floor(4 (n/100)^(2/9))');
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('npm start fails with one line', () => {
  it('prints `error: ...` and no stack trace for a model that does not exist, exit code 1 (runCommand around main)', async () => {
    const exited = new Promise<number>((resolve) => {
      vi.spyOn(process, 'exit').mockImplementation(((code: number) => resolve(code)) as () => never);
    });
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    const argv = process.argv;
    process.argv = [argv[0], 'scripts/part4.ts', '--model', 'gpt3'];
    try {
      runCommand(main);
      expect(await exited).toBe(1);
    } finally {
      process.argv = argv;
      vi.restoreAllMocks();
    }
    expect(stderr).toMatch(/^error: --model gpt3: "gpt3" is not a model: expected synthetic:<size>, one of gpt2, [^\n]*\n$/);
  });
});

describe('npm start errors, in process', () => {
  const dir = tempFolder('bad');
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const outDir = () => path.join(tempFolder('out'), 'out');
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['GPT2_WEIGHTS', 'HF_ENDPOINT']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    vi.restoreAllMocks();
  });

  it('prints the usage for --help and names an unknown argument', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect((await part4(['--help'])).error).toBeUndefined();
    expect(log.mock.calls[0][0]).toMatch(/^usage: npm start -- \[--model <model>\] \[--xl-model <model>\]/);
    expect(log.mock.calls[0][0]).toContain('--out <folder>');
    const { message } = await failure(['--modle', 'gpt2']);
    expect(message).toMatch(/^Unknown option '--modle'.*; usage: npm start --/);
  });

  it('names a missing text file, a folder, and an empty text', async () => {
    const missing = path.join(dir, 'nope.txt');
    expect((await failure(['--model', 'synthetic:tiny', '--text-file', missing])).message).toBe(
      `text file ${missing} does not exist: pass an existing file with --text-file (default data/rock-music-in-hungary.txt)`,
    );
    expect((await failure(['--model', 'synthetic:tiny', '--text-file', dir])).message).toBe(`--text-file ${dir} is a folder: pass a text file`);
    const empty = write('empty.txt', '  \n');
    expect((await failure(['--model', 'synthetic:tiny', '--text-file', empty])).message).toBe(
      `text file ${empty} is empty: put the text to analyse in it (at least 7 tokens)`,
    );
  });

  it('checks the text against the context before loading the model', async () => {
    const long = write('long.txt', 'word' + ' word'.repeat(299));
    const out = outDir();
    const { message, printed } = await failure(['--model', 'synthetic:tiny', '--text-file', long, '--out', out]);
    expect(message).toBe(`${long} is 300 tokens, longer than synthetic:tiny's context of 256 tokens: shorten it to at most 256 tokens`);
    expect(printed).toBe(''); // nothing loaded
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses texts too short for a fit with a residual degree of freedom (5 and 6 tokens), before loading', async () => {
    for (const [text, tokens] of [['one two three four five', 5], ['one two three four five six', 6]] as const) {
      const { message, printed } = await failure(['--model', 'synthetic:tiny', '--text-file', write('short.txt', text), '--out', outDir()]);
      expect(message).toContain(`short.txt is ${tokens} tokens: the regressions of each token on the two before it (token 0 left out) need at least 7 tokens`);
      expect(message).toMatch(/use a longer text$/);
      expect(printed).toBe('');
    }
  });

  it('runs 7 tokens and says plainly that 4 rows are too few to read much into', async () => {
    const out = outDir();
    const { error } = await part4(['--model', 'synthetic:tiny', '--text-file', write('seven.txt', 'one two three four five six seven'), '--out', out]);
    expect(error).toBeUndefined();
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<li>Each regression has only 4 rows, fewer than 30:');
    expect(html).not.toContain('at least half');
  });

  it('shows a split UTF-8 character as \\xf0 in the token table, not \\\\xf0', async () => {
    const out = outDir();
    const { error } = await part4(['--model', 'synthetic:tiny', '--text-file', write('guitar.txt', 'I play the 🎸 with my friends every day'), '--out', out]);
    expect(error).toBeUndefined();
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    const tokenTable = html.slice(html.indexOf('<details>'), html.indexOf('</details>'));
    expect(tokenTable).toContain('<td><code>&quot; \\xf0\\x9f&quot;</code></td>');
    expect(tokenTable).not.toContain('\\\\x');
  });

  it('names a model that does not exist or a synthetic size that is not one, in one line, before loading', async () => {
    const gpt3 = await failure(['--model', 'gpt3']);
    expect(gpt3.message).toMatch(/^--model gpt3: "gpt3" is not a model: expected synthetic:<size>, one of gpt2, gpt2-medium, gpt2-large, gpt2-xl, or a path/);
    expect(gpt3.printed).toBe('');
    const huge = await failure(['--model', 'synthetic:huge']);
    expect(huge.message).toMatch(/^--model synthetic:huge: unknown synthetic size "huge".*use one of synthetic:tiny, synthetic:gpt2/);
    const xl = await failure(['--model', 'synthetic:tiny', '--xl-model', 'synthetic:xxl']);
    expect(xl.message).toMatch(/^--xl-model synthetic:xxl: unknown synthetic size "xxl"/);
  });

  it('checks --out before anything runs: an existing file, a folder under a file, a folder nobody may write into', async () => {
    const file = write('report.html', 'old');
    const asFile = await failure(['--model', 'synthetic:tiny', '--out', file]);
    expect(asFile.message).toBe(`--out ${file}: ${file} is a file, not a folder; pass a folder you can write to`);
    expect(asFile.printed).toBe('');
    expect((await failure(['--model', 'synthetic:tiny', '--out', path.join(file, 'sub')])).message).toContain(`${file} is a file, so`);
    const locked = await failure(['--model', 'synthetic:tiny', '--out', '/sys/part4-out']); // sysfs refuses new files even to root
    expect(locked.message).toMatch(/^--out \/sys\/part4-out: cannot write into \/sys: (permission denied|the file system is read-only)/);
    expect(locked.printed).toBe('');
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
  });

  it('reports a local checkpoint that fails to load as it is, and downloads nothing', async () => {
    const weights = tempFolder('weights');
    fs.mkdirSync(path.join(weights, 'gpt2'));
    fs.writeFileSync(path.join(weights, 'gpt2', 'model.safetensors'), 'not a checkpoint');
    fs.writeFileSync(path.join(weights, 'gpt2', 'config.json'), '{"n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024, "vocab_size": 50257}');
    process.env.GPT2_WEIGHTS = weights;
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9';
    const { message, printed } = await failure(['--model', 'gpt2', '--out', outDir()]);
    expect(message).toMatch(new RegExp(`^cannot load gpt2: ${path.join(weights, 'gpt2', 'model.safetensors').replace(/[.]/g, '\\.')}: `));
    expect(message).toMatch(/; remove the broken files and run `npm run weights -- gpt2` to download them again, or point GPT2_WEIGHTS at good ones$/);
    expect(printed).not.toContain('downloading');
    expect(printed).toBe('loading gpt2 ... failed\n');
    fs.writeFileSync(path.join(weights, 'gpt2', 'config.json'), '{broken');
    expect((await failure(['--model', 'gpt2', '--out', outDir()])).message).toMatch(/^cannot load gpt2: .*config\.json is not valid JSON/);
  });

  // The one case that needs a hub model's files absent: true on a fresh clone.
  process.env.GPT2_WEIGHTS = tempFolder('empty-weights');
  const absent = ['gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl'].find((name) => !weightsPresent(name));
  process.env.GPT2_WEIGHTS = saved.GPT2_WEIGHTS;
  if (saved.GPT2_WEIGHTS === undefined) delete process.env.GPT2_WEIGHTS;

  it.skipIf(absent === undefined)('downloads absent files, and offline says so and suggests synthetic weights (skipped when every size is in weights/)', async () => {
    process.env.GPT2_WEIGHTS = tempFolder('empty-weights');
    process.env.HF_ENDPOINT = 'http://127.0.0.1:9';
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // the download's own progress lines
    const { message, printed } = await failure(['--model', absent!, '--out', outDir()]);
    expect(printed).toContain(`${absent}: weights not found locally; downloading them from the HuggingFace hub into weights/${absent}/`);
    expect(message).toMatch(/^cannot download .*unreachable \(offline\?\)/);
    expect(message).toContain(`npm start -- --model synthetic:${absent}`);
  });
});
