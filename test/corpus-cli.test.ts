/**
 * `npm start -- --corpus`: the tiny corpus on the tiny model end to end, shards merged into exactly
 * the single run's files, a run killed mid-way that resumes without redoing finished texts, and the
 * errors a user can make, each one line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Model, loadModel } from '../lib/model';
import { readCorpus, chunkIds } from '../lib/text/corpus';
import { tokenize } from '../lib/text/tokenizer';
import { main as corpusMain } from '../scripts/corpus';
import { readParquetRows } from '../scripts/corpus-store';
import { main as mergeMain } from '../scripts/merge';
import { ROOT } from './helpers/fixtures';

const TINY = path.join(ROOT, 'test', 'fixtures', 'corpus', 'tiny.jsonl');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-cli-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const quiet = { write: () => true };
const run = (args: string[]) => corpusMain(['--corpus', TINY, '--model', 'synthetic:tiny', ...args], quiet);
const OUTPUTS = ['norms.parquet', 'norms.csv', 'regressions.csv', 'head_shares.csv', 'report.html', 'corpus.json'];
const same = (a: string, b: string) => OUTPUTS.filter((f) => !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));

describe('a corpus run', () => {
  const single = path.join(TMP, 'single');
  let model: GPT2Model;
  beforeAll(async () => {
    await run(['--out', single]);
    model = await loadModel('synthetic:tiny');
  });
  afterAll(() => model?.dispose());

  it('writes every output, the Parquet file holding what the CSV holds', async () => {
    for (const f of OUTPUTS) expect(fs.existsSync(path.join(single, f)), f).toBe(true);
    const rows = await readParquetRows(path.join(single, 'norms.parquet'));
    const csv = fs.readFileSync(path.join(single, 'norms.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('text_id,chunk,layer,position,token_id,token,norm,log_norm,has_context,norm_without_bias');
    expect(csv.length - 1).toBe(rows.norm.length);
    const i = 1234;
    expect(csv[i + 1].startsWith(`${rows.text_id[i]},${rows.chunk[i]},${rows.layer[i]},${rows.position[i]},${rows.token_id[i]},`)).toBe(true);
    expect(csv[i + 1].endsWith(`,${rows.norm[i]},${rows.log_norm[i]},${rows.has_context[i]},${rows.norm_without_bias[i]}`)).toBe(true);
  });

  it('measures every token of every text once with its context, and as a run of the chunk alone gives it', async () => {
    const rows = await readParquetRows(path.join(single, 'norms.parquet'));
    const texts = readCorpus(TINY);
    for (const [t, text] of texts.entries()) {
      const ids = tokenize(text.text).ids;
      const own = [...rows.text_id.keys()].filter((r) => rows.text_id[r] === text.id);
      const measured = own.filter((r) => rows.has_context[r] === 1 && rows.layer[r] === 2);
      expect(measured.length, text.id).toBe(ids.length);
      if (t !== 0 && ids.length <= 256) continue;
      const chunks = chunkIds(ids, 256, 64);
      const last = chunks[chunks.length - 1];
      // the run measures the heads' shares as well: the same taps here
      const alone = await model.run(last.ids, [0, 1, 2].flatMap((i) => [`blocks.${i}.hook_attn_out`, `blocks.${i}.attn.head_shares`]));
      const a = alone['blocks.1.hook_attn_out'].data;
      const expected = last.ids.map((_, p) => Math.sqrt(Array.from(a.subarray(p * 64, (p + 1) * 64)).reduce((s, v) => s + v * v, 0)));
      const inRun = own.filter((r) => rows.chunk[r] === last.chunk && rows.layer[r] === 1).map((r) => rows.norm[r]);
      expect(inRun).toEqual(expected);
      expect(own.filter((r) => rows.chunk[r] === last.chunk && rows.layer[r] === 1).map((r) => rows.has_context[r])).toEqual(last.ids.map((_, p) => (p < last.contextOnly ? 0 : 1)));
    }
  });

  it('says how its errors were computed, and decomposes the heads (shares summing to 1 per layer)', () => {
    const regressions = fs.readFileSync(path.join(single, 'regressions.csv'), 'utf8').trim().split('\n');
    expect(regressions[0]).toBe('layer,term,coef,std_err,t,p,ci_low,ci_high,r2,adj_r2,nobs,cov_type,maxlags,response,clusters');
    expect(regressions.slice(1).every((line) => /,cluster,,log_norm(_without_bias)?,12$/.test(line))).toBe(true);
    expect(regressions.filter((line) => line.includes('log_norm_without_bias'))).toHaveLength(9);
    const shares = fs.readFileSync(path.join(single, 'head_shares.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    for (const layer of [0, 1, 2]) expect(shares.filter(([l]) => l === layer).reduce((s, [, , share]) => s + share, 0)).toBeCloseTo(1, 5);
  });

  it('in three shards, merged, writes the very same files', async () => {
    const sharded = path.join(TMP, 'sharded');
    for (const k of [0, 1, 2]) await run(['--out', path.join(sharded, `shard-${k}`), '--shard', `${k}/3`]);
    expect(fs.existsSync(path.join(sharded, 'shard-0', 'norms.csv'))).toBe(false); // a shard writes its parts only
    await mergeMain([sharded, ...[2, 0, 1].map((k) => path.join(sharded, `shard-${k}`))], quiet);
    expect(same(single, sharded)).toEqual([]);
  });

  it('merging refuses a missing shard, a shard of another run, and a folder without a run', async () => {
    const dir = path.join(TMP, 'bad-merge');
    await run(['--out', path.join(dir, 'a0'), '--shard', '0/2']);
    await run(['--out', path.join(dir, 'a1'), '--shard', '1/2']);
    await corpusMain(['--corpus', TINY, '--model', 'synthetic:tiny', '--out', path.join(dir, 'b1'), '--shard', '1/2', '--overlap', '32'], quiet);
    await expect(mergeMain([dir, path.join(dir, 'a0')], quiet)).rejects.toThrow(/hold shards 0 of 2: give each of shards 0 to 1 exactly once/);
    await expect(mergeMain([dir, path.join(dir, 'a0'), path.join(dir, 'b1')], quiet)).rejects.toThrow(/is a shard of another run/);
    await expect(mergeMain([dir, TMP], quiet)).rejects.toThrow(/holds no corpus run/);
  });
});

describe('a corpus run that is killed', () => {
  it('resumes where it stopped, and ends with what an uninterrupted run writes', async () => {
    const corpus = path.join(TMP, 'austen-96.jsonl');
    fs.writeFileSync(corpus, fs.readFileSync(path.join(ROOT, 'data', 'corpus', 'austen.jsonl'), 'utf8').split('\n').slice(0, 96).join('\n') + '\n');
    const args = (out: string) => ['--corpus', corpus, '--model', 'synthetic:tiny', '--out', out, '--batch-size', '2'];
    const killed = path.join(TMP, 'killed');
    const parts = path.join(killed, '.corpus-run', 'parts');
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'scripts', 'part4.ts'), ...args(killed)], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (fs.existsSync(parts) && fs.readdirSync(parts).filter((f) => f.endsWith('.json')).length >= 2) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the run ended before it could be killed'));
      });
    });
    await new Promise((resolve) => child.on('exit', resolve));
    expect(fs.existsSync(path.join(killed, 'norms.csv'))).toBe(false); // no output before every text is done
    const finished = fs.readdirSync(parts).filter((f) => f.endsWith('.json'));
    expect(finished.every((f) => fs.existsSync(path.join(parts, f.replace('.json', '.parquet'))))).toBe(true); // each part whole
    const lines: string[] = [];
    await corpusMain(args(killed), { write: (s: string) => lines.push(s) > 0 });
    const resumed = /(\d+) already done, resuming/.exec(lines.join(''));
    expect(Number(resumed?.[1])).toBeGreaterThanOrEqual(2 * 16);
    const whole = path.join(TMP, 'whole');
    await corpusMain(args(whole), quiet);
    expect(same(whole, killed)).toEqual([]);
  });
});

describe('what a user can get wrong', () => {
  const cases: [string, string[], RegExp][] = [
    ['a shard out of range', ['--shard', '3/3'], /--shard 3\/3: give K\/N with N ≥ 1 and K from 0 to N-1/],
    ['a shard that is not K/N', ['--shard', 'half'], /--shard half: give K\/N/],
    ['a window longer than the context', ['--window', '300'], /--window 300: synthetic:tiny's context is 256 tokens/],
    ['an overlap as long as the window', ['--window', '32', '--overlap', '32'], /--overlap 32: it must be less than the window of 32 tokens/],
    ['a batch size of 0', ['--batch-size', '0'], /--batch-size 0: give a whole number from 1/],
    ['an unknown model', ['--model', 'synthetic:huge'], /--model synthetic:huge: unknown synthetic size "huge"/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      await expect(corpusMain(['--corpus', TINY, '--model', 'synthetic:tiny', '--out', path.join(TMP, 'never'), ...args], quiet)).rejects.toThrow(message);
      expect(fs.existsSync(path.join(TMP, 'never'))).toBe(false);
    });
  }

  it('refuses a corpus that is missing, not JSON Lines, or has twice the same id', async () => {
    const bad = path.join(TMP, 'bad.jsonl');
    await expect(corpusMain(['--corpus', path.join(TMP, 'none.jsonl'), '--model', 'synthetic:tiny'], quiet)).rejects.toThrow(/corpus .*none.jsonl does not exist: give a .jsonl file/);
    fs.writeFileSync(bad, '{"id": "a", "text": "x"}\nnot json\n');
    await expect(corpusMain(['--corpus', bad, '--model', 'synthetic:tiny'], quiet)).rejects.toThrow(/bad.jsonl, line 2 is not JSON/);
    fs.writeFileSync(bad, '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n');
    await expect(corpusMain(['--corpus', bad, '--model', 'synthetic:tiny'], quiet)).rejects.toThrow(/the id "a" is used by texts 1 and 2: ids must be unique/);
  });

  it('will not mix two runs in one folder', async () => {
    const out = path.join(TMP, 'mixed');
    await run(['--out', out, '--shard', '0/4']);
    await expect(run(['--out', out, '--shard', '1/4'])).rejects.toThrow(/holds another run \(its shard differs: \{"k":0,"n":4\} there\): give another --out, or delete that folder/);
  });
});
