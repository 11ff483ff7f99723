/**
 * Where a corpus run keeps its work, in `<out>/.corpus-run/`: `run.json` (what is being run:
 * corpus, model, options, shard) and `parts/`, one part per finished window of texts: its rows as
 * Parquet and, written last, a JSON file naming the texts (and their head-share sums). Each file is
 * written under a temporary name and renamed, so a part exists whole or not at all: a run killed at
 * any moment resumes from the parts it finished, and `merge` reads the parts of several shards.
 *
 * The outputs (norms.parquet, norms.csv) are assembled from the parts in corpus order, so a corpus
 * run in shards and merged gives, byte for byte, what one run gives. Parquet through
 * hyparquet-writer (written row group by row group) and hyparquet.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource, SchemaElement } from 'hyparquet-writer';
import { parquetRead } from 'hyparquet';
import { CORPUS_COLUMNS, CorpusNorms, concatRows, emptyRows } from '../lib/frames/corpus-norms';
import { HeadShareAccumulator, HeadShareSums } from '../lib/frames/corpus-head-shares';
import type { TextNorms } from '../lib/frames/corpus-measure';
import { csvField } from '../lib/frames/csv';
import { writeFileAtomically } from '../lib/io/write-file-atomically';

/** What a run is: a later run into the same folder must be the same run to resume it. */
export interface RunManifest {
  corpus: { name: string; sha256: string; texts: number };
  model: string;
  window: number;
  overlap: number;
  heads: boolean;
  shard: { k: number; n: number };
}

export interface PartText {
  index: number;
  id: string;
  tokens: number;
  chunks: number;
  rows: number;
}

interface PartMeta {
  texts: PartText[];
  /** HeadShareAccumulator.sums() as plain arrays */
  heads?: Record<keyof HeadShareSums, number[] | string[]>;
}

const RUN = '.corpus-run';

/** The sha256 of a corpus: of the file, or of a folder's .txt files (names and contents, in name order). */
export function corpusHash(source: string): string {
  const hash = createHash('sha256');
  if (fs.statSync(source).isDirectory()) {
    for (const f of fs.readdirSync(source).filter((f) => f.endsWith('.txt')).sort()) hash.update(f).update('\0').update(fs.readFileSync(path.join(source, f))).update('\0');
  } else hash.update(fs.readFileSync(source));
  return hash.digest('hex');
}

export class RunFolder {
  private constructor(readonly out: string, readonly manifest: RunManifest) {}

  /** The run folder for `manifest` in `out`: made new, or an earlier run of the same to resume. */
  static open(out: string, manifest: RunManifest): RunFolder {
    const file = path.join(out, RUN, 'run.json');
    if (fs.existsSync(file)) {
      const earlier = RunFolder.read(out).manifest;
      const differs = (Object.keys(manifest) as (keyof RunManifest)[]).filter((k) => JSON.stringify(earlier[k]) !== JSON.stringify(manifest[k]));
      if (differs.length > 0) {
        throw new Error(
          `${out} holds another run (its ${differs.join(', ')} differ${differs.length === 1 ? 's' : ''}: ${differs.map((k) => `${JSON.stringify(earlier[k])} there`).join(', ')}): ` +
            'give another --out, or delete that folder to start over',
        );
      }
    } else {
      fs.mkdirSync(path.join(out, RUN, 'parts'), { recursive: true });
      writeFileAtomically(file, JSON.stringify(manifest, null, 1) + '\n');
    }
    return new RunFolder(out, manifest);
  }

  /** An existing run folder (a shard to merge). */
  static read(out: string): RunFolder {
    const file = path.join(out, RUN, 'run.json');
    if (!fs.existsSync(file)) throw new Error(`${out} holds no corpus run (no ${path.join(RUN, 'run.json')}): give the folders the shards were written to`);
    return new RunFolder(out, JSON.parse(fs.readFileSync(file, 'utf8')) as RunManifest);
  }

  /** The finished parts, in the order they were written (each a window of consecutive texts of the shard). */
  parts(): { meta: PartMeta; rows: string }[] {
    const dir = path.join(this.out, RUN, 'parts');
    return fs
      .readdirSync(dir)
      .filter((f) => /^part-\d+\.json$/.test(f))
      .sort()
      .map((f) => ({ meta: JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PartMeta, rows: path.join(dir, f.replace(/\.json$/, '.parquet')) }));
  }

  /** The indices of the texts already measured. */
  doneTexts(): Set<number> {
    return new Set(this.parts().flatMap((p) => p.meta.texts.map((t) => t.index)));
  }

  /** Stores a finished window of texts (in corpus order) and their head-share sums. */
  writePart(texts: TextNorms[], heads?: HeadShareAccumulator): void {
    const dir = path.join(this.out, RUN, 'parts');
    const name = `part-${String(texts[0].index).padStart(9, '0')}`;
    writeParquet(path.join(dir, `${name}.parquet`), [concatRows(texts.map((t) => t.rows))]);
    const sums = heads?.sums();
    const meta: PartMeta = {
      texts: texts.map((t) => ({ index: t.index, id: t.id, tokens: t.tokens, chunks: t.chunks, rows: t.rows.norm.length })),
      heads: sums && (Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Array.from(v as ArrayLike<number | string>)])) as PartMeta['heads']),
    };
    writeFileAtomically(path.join(dir, `${name}.json`), JSON.stringify(meta) + '\n');
  }
}

/** A part's head-share sums, as the accumulator reads them back. */
export function partHeads(meta: PartMeta): HeadShareAccumulator | undefined {
  if (!meta.heads) return undefined;
  const h = meta.heads as Record<string, number[] & string[]>;
  return HeadShareAccumulator.fromSums({
    text_index: Int32Array.from(h.text_index),
    text_id: h.text_id,
    layer: Int32Array.from(h.layer),
    head: Int32Array.from(h.head),
    share_sum: Float64Array.from(h.share_sum),
    tokens: Float64Array.from(h.tokens),
  });
}

const TYPES: Record<(typeof CORPUS_COLUMNS)[number], 'STRING' | 'INT32' | 'DOUBLE' | 'BOOLEAN'> = {
  text_id: 'STRING',
  chunk: 'INT32',
  layer: 'INT32',
  position: 'INT32',
  token_id: 'INT32',
  token: 'STRING',
  norm: 'DOUBLE',
  log_norm: 'DOUBLE',
  has_context: 'BOOLEAN',
  norm_without_bias: 'DOUBLE',
};

/** Rows per row group: fixed, so the file's bytes do not depend on how the rows arrived. */
const ROW_GROUP = 100_000;

const columnData = (rows: CorpusNorms): ColumnSource[] =>
  CORPUS_COLUMNS.map((name) => ({
    name,
    type: TYPES[name],
    nullable: false,
    data: name === 'has_context' ? Array.from(rows.has_context, (v) => v === 1) : (rows[name] as ColumnSource['data']),
  }));

const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: CORPUS_COLUMNS.length },
  ...CORPUS_COLUMNS.map((name): SchemaElement => {
    const type = TYPES[name];
    return type === 'STRING'
      ? { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }
      : { name, type, repetition_type: 'REQUIRED' };
  }),
];

/**
 * A Parquet file of corpus rows, written row group by row group as `write` is called (rows are
 * gathered into groups of ROW_GROUP), into `file`; `finish` ends it. (hyparquet-writer's own file
 * writer appends by path, so the file's bytes are written here, through a file descriptor.)
 */
export function parquetRowsWriter(file: string): { write(rows: CorpusNorms): void; finish(): void } {
  const fd = fs.openSync(file, 'w');
  const bytes = new ByteWriter();
  const flush = () => {
    fs.writeSync(fd, new Uint8Array(bytes.buffer, 0, bytes.index));
    bytes.index = 0;
  };
  const writer = new ParquetWriter({ writer: Object.assign(bytes, { flush }), schema: SCHEMA, createdBy: 'gpt2-least-squares-workbook' });
  let pending: CorpusNorms[] = [];
  let count = 0;
  const emit = (rows: CorpusNorms) => {
    writer.write({ columnData: columnData(rows), rowGroupSize: ROW_GROUP });
    flush();
  };
  return {
    write(rows: CorpusNorms) {
      pending.push(rows);
      count += rows.norm.length;
      while (count >= ROW_GROUP) {
        const all = concatRows(pending);
        emit(sliceRows(all, 0, ROW_GROUP));
        pending = [sliceRows(all, ROW_GROUP, all.norm.length)];
        count -= ROW_GROUP;
      }
    },
    finish() {
      try {
        if (count > 0 || writer.row_groups.length === 0) emit(concatRows(pending));
        writer.finish();
        flush();
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

function writeParquet(file: string, tables: CorpusNorms[]): void {
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    const writer = parquetRowsWriter(temporary);
    tables.forEach((t) => writer.write(t));
    writer.finish();
    fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

export function sliceRows(rows: CorpusNorms, begin: number, end: number): CorpusNorms {
  return Object.fromEntries(CORPUS_COLUMNS.map((name) => [name, rows[name].slice(begin, end)])) as unknown as CorpusNorms;
}

/** A Parquet file of corpus rows, read back. */
export async function readParquetRows(file: string): Promise<CorpusNorms> {
  const buffer = fs.readFileSync(file);
  const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
  const columns: Record<string, unknown[]> = {};
  await parquetRead({
    file: { byteLength: arrayBuffer.byteLength, slice: (start: number, end?: number) => arrayBuffer.slice(start, end) },
    onChunk: ({ columnName, columnData, rowStart }) => {
      const column = (columns[columnName] ??= []);
      Array.prototype.forEach.call(columnData, (v: unknown, i: number) => (column[rowStart + i] = v));
    },
  });
  const n = columns.norm?.length ?? 0;
  const rows = emptyRows(n);
  for (const name of CORPUS_COLUMNS) {
    const values = columns[name] ?? [];
    const target = rows[name] as unknown as unknown[];
    for (let i = 0; i < n; i++) target[i] = name === 'has_context' ? (values[i] ? 1 : 0) : values[i];
  }
  return rows;
}

/** The header line and each row of a corpus table as CSV lines. */
export function csvLines(rows: CorpusNorms, header: boolean): string {
  const lines = header ? [CORPUS_COLUMNS.join(',')] : [];
  for (let i = 0; i < rows.norm.length; i++) lines.push(CORPUS_COLUMNS.map((name) => csvField(rows[name][i])).join(','));
  return lines.length ? lines.join('\n') + '\n' : '';
}
