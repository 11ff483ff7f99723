/**
 * `npm start` (scripts/part4.ts) end to end on the synthetic tiny model: its norms against the
 * HuggingFace reference (goldens.json), its regressions against statsmodels (ols-goldens.json), and
 * the errors a user can hit.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GOLDENS, OLS_CASES } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const goldens = GOLDENS;
const olsCases = OLS_CASES;

function part4(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(TSX, [path.join(ROOT, 'scripts', 'part4.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

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

describe('npm start on synthetic:tiny', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'part4-'));
  let run: ReturnType<typeof part4>;
  beforeAll(() => {
    run = part4(['--model', 'synthetic:tiny', '--out', out]);
  });

  it('exits 0, prints progress and writes the four files', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/running 3 blocks on 95 tokens with hook_attn_out tapped \.\.\. done in/);
    for (const file of ['report.html', 'norms.csv', 'regressions.csv', 'summary-L0.txt']) {
      expect(fs.existsSync(path.join(out, file)), file).toBe(true);
    }
    expect(fs.readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('norms.csv holds every token of every layer, as the reference model computes them', () => {
    const text = fs.readFileSync(path.join(out, 'norms.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe('layer,position,token_id,token,norm,log_norm');
    const rows = parseCsv(text);
    expect(rows).toHaveLength(3 * 95);
    const hungary = goldens.texts.find((t: { name: string }) => t.name === 'hungary');
    const reference: number[][] = goldens.models.tiny.attn_out_norms.hungary;
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
    expect(text.split('\n')[0]).toBe('layer,term,coef,std_err,t,p,ci_low,ci_high,r2,adj_r2,nobs');
    const rows = parseCsv(text);
    expect(rows.map((r) => r.term)).toEqual(['const', 'lag1', 'lag2', 'const', 'lag1', 'lag2', 'const', 'lag1', 'lag2']);
    for (const r of rows) {
      const golden = olsCases.find((c) => c.name === `tiny.hungary.L${r.layer}`);
      const k = ['const', 'lag1', 'lag2'].indexOf(r.term);
      expect(Math.abs(Number(r.coef) - golden.params[k])).toBeLessThan(1e-3);
      expect(Math.abs(Number(r.std_err) - golden.bse[k])).toBeLessThan(1e-3);
      expect(Math.abs(Number(r.r2) - golden.rsquared)).toBeLessThan(1e-3);
      expect(Number(r.nobs)).toBe(92);
    }
  });

  it('summary-L0.txt is the statsmodels summary and report.html is labelled synthetic', () => {
    const summary = fs.readFileSync(path.join(out, 'summary-L0.txt'), 'utf8');
    expect(summary).toContain('OLS Regression Results');
    expect(summary).toMatch(/No\. Observations:\s+92/);
    expect(summary).toMatch(/^lag1 /m);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html.split('class="workbook-figure"').length - 1).toBe(2);
    expect(html.split('* plotly.js v').length - 1).toBe(1);
    expect(html).toContain('SYNTHETIC weights: synthetic:tiny');
    expect(html).toContain('Synthetic weights: a stand-in');
    // the model as in the notebook: block 0 in full, the others counted, the total
    expect(html).toContain('<code>h.0.attn.c_proj.weight</code>');
    expect(html).not.toContain('h.1.');
    expect(html).toContain('blocks 1–2 have the same shapes');
  });
});

describe('npm start errors', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'part4-bad-'));

  it('names a missing text file', () => {
    const run = part4(['--model', 'synthetic:tiny', '--text-file', path.join(dir, 'nope.txt'), '--out', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`error: text file ${path.join(dir, 'nope.txt')} does not exist`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses an empty text', () => {
    fs.writeFileSync(path.join(dir, 'empty.txt'), '  \n');
    const run = part4(['--model', 'synthetic:tiny', '--text-file', path.join(dir, 'empty.txt'), '--out', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/empty\.txt is empty/);
  });

  it('refuses a text longer than the context, with its length', () => {
    fs.writeFileSync(path.join(dir, 'long.txt'), 'word '.repeat(300));
    const run = part4(['--model', 'synthetic:tiny', '--text-file', path.join(dir, 'long.txt'), '--out', dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/long\.txt: the input is \d+ tokens, longer than the model's context of 256 tokens/);
    expect(fs.existsSync(path.join(dir, 'norms.csv'))).toBe(false);
  });

  it('says when it is offline and suggests synthetic weights', () => {
    const weights = fs.mkdtempSync(path.join(os.tmpdir(), 'part4-weights-'));
    if (fs.existsSync(path.join(ROOT, 'weights', 'gpt2', 'model.safetensors'))) return; // gpt2 is here: nothing to download
    const run = part4(['--model', 'gpt2', '--out', dir], { HF_ENDPOINT: 'http://127.0.0.1:9', GPT2_WEIGHTS: weights });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/unreachable \(offline\?\)/);
    expect(run.stderr).toContain('npm start -- --model synthetic:gpt2');
  });

  it('rejects unknown arguments with the usage', () => {
    const run = part4(['--modle', 'gpt2']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/unknown argument "--modle"; usage: npm start --/);
  });
});
