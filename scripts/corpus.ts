/**
 * `npm start -- --corpus <file.jsonl | folder of .txt> [options]`: the article's measurement over a
 * corpus. Every text runs through the model in batches, cut into chunks where it is longer than the
 * context; each finished window of texts is stored at once (see corpus-store.ts), so a killed run
 * resumes where it stopped. When every text is done, the outputs are written together:
 *   norms.parquet, norms.csv   text_id, chunk, layer, position, token_id, token, norm, log_norm, has_context, norm_without_bias
 *   regressions.csv            the pooled fits per layer, errors clustered by text (cov_type, clusters)
 *   head_shares.csv            each head's mean share of ‖a_t‖², per layer (unless --no-heads)
 *   report.html, corpus.json   the figures and findings; what was run
 * With `--shard K/N` the run takes text i only when i mod N = K and stops at its stored parts;
 * `npm run merge -- OUT SHARD_DIRS...` then writes the outputs of the whole corpus.
 */
import * as path from 'path';
import { HeadShareAccumulator } from '../lib/frames/corpus-head-shares';
import { defaultOverlap, measureTexts } from '../lib/frames/corpus-measure';
import { checkWritableFolder } from '../lib/io/write-files-together';
import { readCorpus } from '../lib/text/corpus';
import { tokenize } from '../lib/text/tokenizer';
import { writeCorpusOutputs } from './corpus-outputs';
import { RunFolder, RunManifest, corpusHash } from './corpus-store';
import { UsageError, parseCommandLine } from './cli';
import { Output, configOf, openModel, progressLines } from './part4';
import { progressBar } from './progress-bar';

const USAGE = [
  'usage: npm start -- --corpus <file.jsonl|folder> [--model <model>] [--out <folder>] [--shard K/N] [options]',
  '',
  '  --corpus <path>       JSON Lines with "id" and "text" on each line, or a folder of .txt files',
  '  --model <model>       gpt2 (default), gpt2-medium, gpt2-large, gpt2-xl, a checkpoint, or synthetic:<size>',
  '  --out <folder>        where the outputs go (default out/corpus); a run stopped there resumes',
  '  --shard K/N           run only texts i with i mod N = K (K from 0 to N-1), then npm run merge',
  '  --batch-size <n>      chunks per engine call (default 16)',
  '  --window <tokens>     tokens per chunk (default the model\'s context)',
  '  --overlap <tokens>    tokens a chunk shares with the one before, as context only (default 64)',
  '  --no-heads            skip the per-head decomposition (faster)',
  '  --no-csv              write norms.parquet only',
  '  -h, --help            this text',
].join('\n');

/** Texts measured between stores: a stopped run loses at most one window's work. */
const WINDOW_BATCHES = 8;

const wholeNumber = (flag: string, value: string | undefined, min: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${value}: give a whole number from ${min}`);
  return n;
};

export function parseShard(value: string | undefined): { k: number; n: number } {
  if (value === undefined) return { k: 0, n: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new UsageError(`--shard ${value}: give K/N with N ≥ 1 and K from 0 to N-1, e.g. --shard 0/4`);
  return { k: Number(m[1]), n: Number(m[2]) };
}

export async function main(argv: string[], output: Output = process.stdout): Promise<void> {
  const parsed = parseCommandLine(argv, {
    usage: USAGE,
    options: {
      corpus: { type: 'string' },
      model: { type: 'string', default: 'gpt2' },
      out: { type: 'string', default: path.join('out', 'corpus') },
      shard: { type: 'string' },
      'batch-size': { type: 'string' },
      window: { type: 'string' },
      overlap: { type: 'string' },
      'no-heads': { type: 'boolean', default: false },
      'no-csv': { type: 'boolean', default: false },
    },
  });
  if (!parsed) return;
  const { values } = parsed;
  if (!values.corpus) throw new UsageError(`--corpus needs a file or folder; ${USAGE.split('\n')[0]}`);
  const shard = parseShard(values.shard);
  const batchSize = wholeNumber('--batch-size', values['batch-size'], 1) ?? 16;
  const config = configOf(values.model, '--model');
  const window = wholeNumber('--window', values.window, 1) ?? config.nPositions;
  if (window > config.nPositions) throw new UsageError(`--window ${window}: ${values.model}'s context is ${config.nPositions} tokens; give at most that`);
  const overlap = wholeNumber('--overlap', values.overlap, 0) ?? defaultOverlap(window);
  if (overlap >= window) throw new UsageError(`--overlap ${overlap}: it must be less than the window of ${window} tokens`);
  try {
    checkWritableFolder(values.out);
  } catch (e) {
    throw new UsageError(`--out ${values.out}: ${(e as Error).message}; pass a folder you can write to`);
  }
  let corpus;
  try {
    corpus = readCorpus(values.corpus);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }

  const manifest: RunManifest = {
    corpus: { name: path.basename(path.resolve(values.corpus)), sha256: corpusHash(values.corpus), texts: corpus.length },
    model: values.model,
    window,
    overlap,
    heads: !values['no-heads'],
    shard,
  };
  const folder = RunFolder.open(values.out, manifest);
  const done = folder.doneTexts();
  const mine = corpus.map((t, index) => ({ ...t, index })).filter((t) => t.index % shard.n === shard.k);
  const todo = mine.filter((t) => !done.has(t.index));
  const { say, step } = progressLines(output);
  const what = shard.n > 1 ? `shard ${shard.k}/${shard.n}: ${mine.length} of ${corpus.length} texts` : `${corpus.length} texts`;
  say(`${manifest.corpus.name}: ${what}${todo.length < mine.length ? `; ${mine.length - todo.length} already done, resuming` : ''}`);

  if (todo.length > 0) {
    const model = await openModel(values.model, { say, step });
    try {
      const tokens = todo.map((t) => tokenize(t.text).ids.length);
      const total = tokens.reduce((a, b) => a + b, 0);
      const bar = progressBar();
      let tokensDone = 0;
      bar({ label: 'corpus', unit: 'tokens', done: 0, total, detail: `0/${todo.length} texts` });
      const per = batchSize * WINDOW_BATCHES;
      try {
        for (let start = 0; start < todo.length; start += per) {
          const texts = todo.slice(start, start + per);
          const heads = manifest.heads ? new HeadShareAccumulator() : undefined;
          const measured = await measureTexts(model, texts, { window, overlap, batchSize, heads });
          folder.writePart(measured, heads);
          tokensDone += tokens.slice(start, start + per).reduce((a, b) => a + b, 0);
          const textsDone = Math.min(start + per, todo.length);
          bar({ label: 'corpus', unit: 'tokens', done: tokensDone, total, detail: `${textsDone}/${todo.length} texts`, finished: textsDone === todo.length });
        }
      } finally {
        bar.stop();
      }
    } finally {
      model.dispose();
    }
  }

  if (shard.n > 1) {
    say(`shard ${shard.k}/${shard.n} is complete in ${values.out}; when every shard is, merge them: npm run merge -- <out> <shard folders...>`);
    return;
  }
  const finish = step(`writing ${values.out}`);
  const files = await writeCorpusOutputs(values.out, [folder], { csv: !values['no-csv'] });
  finish();
  for (const file of files) say(`wrote ${file}`);
}

/** True when the arguments ask for a corpus run (npm start hands them here). */
export const isCorpusRun = (argv: string[]) => argv.some((a) => a === '--corpus' || a.startsWith('--corpus='));
