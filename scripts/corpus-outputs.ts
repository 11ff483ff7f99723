/**
 * The outputs of a corpus run, from the stored parts of one run folder or of the shards of one
 * corpus (`npm run merge`): the rows in corpus order, the statistics (lib/frames/corpus-analysis.ts)
 * and the report, all written together. The same parts give the same bytes, however the corpus was
 * split into shards.
 */
import * as path from 'path';
import { analyseCorpus } from '../lib/frames/corpus-analysis';
import { HeadShareAccumulator, headSharesTable } from '../lib/frames/corpus-head-shares';
import { CorpusNorms, concatRows } from '../lib/frames/corpus-norms';
import { corpusRegressionTable } from '../lib/frames/corpus-regressions';
import { frameToCsv } from '../lib/frames/csv';
import { corpusReportHtml } from '../lib/figures/corpus-report';
import { writeFilesTogether } from '../lib/io/write-files-together';
import { PartText, RunFolder, csvLines, parquetRowsWriter, partHeads, readParquetRows, sliceRows } from './corpus-store';
import * as fs from 'fs';

/** Checks that `folders` are the shards of one run (all of them, once each) and returns its manifest. */
function checkShards(folders: RunFolder[]) {
  const first = folders[0].manifest;
  const n = first.shard.n;
  for (const f of folders) {
    const m = f.manifest;
    const same = JSON.stringify({ ...m, shard: undefined }) === JSON.stringify({ ...first, shard: undefined }) && m.shard.n === n;
    if (!same) throw new Error(`${f.out} is a shard of another run than ${folders[0].out} (corpus, model or options differ): merge the shards of one run`);
  }
  const ks = folders.map((f) => f.manifest.shard.k).sort((a, b) => a - b);
  const expected = Array.from({ length: n }, (_, k) => k);
  if (ks.join() !== expected.join()) {
    throw new Error(`the folders hold shards ${ks.join(', ')} of ${n}: give each of shards 0 to ${n - 1} exactly once`);
  }
  return first;
}

export async function writeCorpusOutputs(out: string, folders: RunFolder[], options: { csv: boolean }): Promise<string[]> {
  const manifest = checkShards(folders);
  const { n } = manifest.shard;
  const byShard = new Map(folders.map((f) => [f.manifest.shard.k, f.parts()]));

  // the texts of every shard in corpus order: text i is in shard i mod n
  const tables: CorpusNorms[] = [];
  const texts: PartText[] = [];
  const heads = manifest.heads ? new HeadShareAccumulator() : undefined;
  const cursor = new Map<number, { part: number; text: number; rows?: CorpusNorms; offset: number }>();
  for (let index = 0; index < manifest.corpus.texts; index++) {
    const k = index % n;
    const parts = byShard.get(k)!;
    const at = cursor.get(k) ?? { part: 0, text: 0, offset: 0 };
    const part = parts[at.part];
    const text = part?.meta.texts[at.text];
    if (!text || text.index !== index) {
      const folder = folders.find((f) => f.manifest.shard.k === k)!;
      throw new Error(`${folder.out} has not measured text ${index} yet: run its shard again (it resumes) before writing the outputs`);
    }
    if (at.text === 0) {
      at.rows = await readParquetRows(part.rows);
      at.offset = 0;
      const partSums = partHeads(part.meta);
      if (heads && partSums) heads.merge(partSums);
    }
    tables.push(sliceRows(at.rows!, at.offset, at.offset + text.rows));
    texts.push(text);
    at.offset += text.rows;
    if (++at.text === part.meta.texts.length) Object.assign(at, { part: at.part + 1, text: 0, rows: undefined });
    cursor.set(k, at);
  }
  const table = concatRows(tables);
  tables.length = 0;

  const label = { model: manifest.model, synthetic: manifest.model.startsWith('synthetic:') };
  const shares = heads?.means();
  const analysis = analyseCorpus(table, label, shares);
  const tokens = texts.reduce((sum, t) => sum + t.tokens, 0);
  const files: Record<string, Parameters<typeof writeFilesTogether>[1][string]> = {
    'norms.parquet': (file) => {
      const writer = parquetRowsWriter(file);
      writer.write(table);
      writer.finish();
    },
  };
  if (options.csv) files['norms.csv'] = (file) => writeCsv(file, table);
  files['regressions.csv'] = frameToCsv(corpusRegressionTable(analysis.regressions));
  if (shares) files['head_shares.csv'] = frameToCsv(headSharesTable(shares));
  files['report.html'] = corpusReportHtml({
    analysis,
    corpus: `${manifest.corpus.name}: ${texts.length.toLocaleString('en-US')} texts, ${tokens.toLocaleString('en-US')} tokens`,
    chunking: `Texts longer than ${manifest.window} tokens are cut into chunks of ${manifest.window} that overlap by ${manifest.overlap}; the overlap is context only.`,
  });
  files['corpus.json'] =
    JSON.stringify(
      { corpus: manifest.corpus, tokens, model: manifest.model, window: manifest.window, overlap: manifest.overlap, heads: manifest.heads, rows: table.norm.length, equality: { statistic: analysis.equality.statistic, pvalue: analysis.equality.pvalue } },
      null,
      1,
    ) + '\n';
  return writeFilesTogether(out, files).map((f) => (path.relative(process.cwd(), f).startsWith('..') ? f : path.relative(process.cwd(), f)));
}

/** The table as CSV, a block of rows at a time. */
function writeCsv(file: string, table: CorpusNorms): void {
  const fd = fs.openSync(file, 'w');
  try {
    const block = 50_000;
    for (let start = 0; start < Math.max(1, table.norm.length); start += block) {
      fs.writeSync(fd, csvLines(sliceRows(table, start, Math.min(start + block, table.norm.length)), start === 0));
    }
  } finally {
    fs.closeSync(fd);
  }
}
