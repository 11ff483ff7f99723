/**
 * `npx tsx scripts/make-corpus.ts [--deb r-cran-janeaustenr_1.0.0-1_all.deb]`
 *
 * Makes the shipped corpora from Jane Austen's six novels as Debian 12 packages them for R
 * (r-cran-janeaustenr 1.0.0-1, downloaded with `apt-get download` unless --deb gives the file):
 *   data/corpus/austen.jsonl          70 paragraphs of 40-250 GPT-2 tokens from each novel, evenly
 *                                     spaced through it, and every paragraph over 1,024 tokens
 *   test/fixtures/corpus/tiny.jsonl   12 paragraphs of Pride and Prejudice: the first 10 of 40-100
 *                                     tokens and the first 2 of 300-600 (longer than the tiny model's
 *                                     256 positions)
 * One JSON object a line, {"id", "text"}: the id names novel, volume, chapter and the paragraph's
 * place in the chapter (`emma-v2-ch3-p14`, `persuasion-ch1-p2`); the text is the paragraph with its
 * whitespace collapsed and the transcription's `_italic_` underscores removed.
 * The same package always gives the same files (data/corpus/SOURCE.md).
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync, inflateSync } from 'zlib';
import { tokenize } from '../lib/text/tokenizer';
import { writeFileAtomically } from '../lib/io/write-file-atomically';
import { parseCommandLine, runCommand, UsageError } from './cli';

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = 'r-cran-janeaustenr';
const VERSION = '1.0.0-1';
const DEB_SHA256 = 'df6bddf211906d1ff404f8ff662c21b34e6660e7f54a311084e749050c019c95';
const DATA_DIR = 'usr/lib/R/site-library/janeaustenr/data';

/** In publication order; `chapters` is checked, so a changed transcription cannot slip through. */
const NOVELS = [
  { name: 'sensesensibility', slug: 'sense-and-sensibility', chapters: 50 },
  { name: 'prideprejudice', slug: 'pride-and-prejudice', chapters: 61 },
  { name: 'mansfieldpark', slug: 'mansfield-park', chapters: 48 },
  { name: 'emma', slug: 'emma', chapters: 55 },
  { name: 'northangerabbey', slug: 'northanger-abbey', chapters: 31 },
  { name: 'persuasion', slug: 'persuasion', chapters: 24 },
];
const PER_NOVEL = 70;
const SHORT = { min: 40, max: 250 };
const LONG = 1024;

const USAGE = `usage: npx tsx scripts/make-corpus.ts [--deb ${PACKAGE}_${VERSION}_all.deb]`;

interface Paragraph {
  id: string;
  text: string;
  tokens: number;
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseCommandLine(argv, { usage: USAGE, options: { deb: { type: 'string' } } });
  if (!parsed) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'make-corpus-'));
  try {
    const deb = parsed.values.deb ? path.resolve(parsed.values.deb) : downloadDeb(work);
    checkSha256(deb);
    execFileSync('dpkg-deb', ['-x', deb, work]);
    const books = readLazyLoadData(path.join(work, DATA_DIR));
    const novels = NOVELS.map((novel) => paragraphs(novel, books[novel.name]));

    const corpus = novels.flatMap((all) => {
      const short = all.filter((p) => p.tokens >= SHORT.min && p.tokens <= SHORT.max);
      const picked = new Set(Array.from({ length: PER_NOVEL }, (_, i) => short[Math.floor(((i + 0.5) * short.length) / PER_NOVEL)]));
      return all.filter((p) => picked.has(p) || p.tokens > LONG);
    });
    const pride = novels[1];
    const tiny = pride.filter((p) => pride.filter((q) => q.tokens >= 40 && q.tokens <= 100).slice(0, 10).includes(p) || pride.filter((q) => q.tokens >= 300 && q.tokens <= 600).slice(0, 2).includes(p));

    write(path.join(ROOT, 'data', 'corpus', 'austen.jsonl'), corpus);
    write(path.join(ROOT, 'test', 'fixtures', 'corpus', 'tiny.jsonl'), tiny);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function downloadDeb(folder: string): string {
  try {
    execFileSync('apt-get', ['download', `${PACKAGE}=${VERSION}`], { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const why = String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim().split('\n').pop();
    throw new Error(`apt-get download ${PACKAGE}=${VERSION} failed (${why}): run on Debian 12 after apt-get update, or pass the .deb with --deb`);
  }
  return path.join(folder, `${PACKAGE}_${VERSION}_all.deb`);
}

function checkSha256(deb: string): void {
  if (!fs.existsSync(deb)) throw new UsageError(`${deb} does not exist: pass ${PACKAGE}_${VERSION}_all.deb with --deb, or omit --deb to download it`);
  const sha = createHash('sha256').update(fs.readFileSync(deb)).digest('hex');
  if (sha !== DEB_SHA256) throw new UsageError(`${deb} has sha256 ${sha}, not ${DEB_SHA256}: it is not ${PACKAGE} ${VERSION}; use that exact package`);
}

/** A novel's paragraphs (blank-line separated) from its first chapter to its end, with ids. */
function paragraphs(novel: (typeof NOVELS)[number], lines: string[]): Paragraph[] {
  const blocks = lines.join('\n').split(/\n\s*\n/).map((b) => b.replace(/\s+/g, ' ').trim()).filter((b) => b !== '');
  const out: Paragraph[] = [];
  let volume = 0;
  let chapter = 0;
  let chapters = 0;
  let inChapter = 0;
  for (const block of blocks) {
    const heading = /^(VOLUME|CHAPTER|Chapter) ([IVXLC]+|\d+)$/.exec(block);
    if (heading) {
      if (heading[1] === 'VOLUME') volume = arabic(heading[2]);
      else [chapter, chapters, inChapter] = [arabic(heading[2]), chapters + 1, 0];
      continue;
    }
    if (/^(THE END|FINIS|Finis|A NOTE ON THE TEXT)$/.test(block)) break;
    if (chapter === 0) continue; // title page, the author's advertisement
    inChapter += 1;
    const text = block.replace(/_([^_]+)_/g, '$1');
    if (text.includes('_')) throw new Error(`${novel.slug}: an unpaired _ in "${text.slice(0, 60)}"`);
    const id = `${novel.slug}${volume ? `-v${volume}` : ''}-ch${chapter}-p${inChapter}`;
    out.push({ id, text, tokens: tokenize(text).ids.length });
  }
  if (chapters !== novel.chapters) throw new Error(`${novel.slug}: found ${chapters} chapters, expected ${novel.chapters}: the transcription changed`);
  return out;
}

function arabic(numeral: string): number {
  if (/^\d+$/.test(numeral)) return Number(numeral);
  const value: Record<string, number> = { I: 1, V: 5, X: 10, L: 50, C: 100 };
  return [...numeral].reduce((sum, c, i) => sum + (value[c] < (value[numeral[i + 1]] ?? 0) ? -value[c] : value[c]), 0);
}

function write(file: string, texts: Paragraph[]): void {
  writeFileAtomically(file, texts.map(({ id, text }) => JSON.stringify({ id, text }) + '\n').join(''));
  const tokens = texts.map((t) => t.tokens);
  const long = tokens.filter((n) => n > LONG).length;
  console.log(
    `${path.relative(ROOT, file)}: ${texts.length} texts, ${tokens.reduce((a, b) => a + b, 0)} tokens (${Math.min(...tokens)}-${Math.max(...tokens)}, ` +
      `${long} over ${LONG}), ${fs.statSync(file).size} bytes`,
  );
}

/**
 * The objects of an R package's lazy-load database (`data/Rdata.rdx` index, `Rdata.rdb` records),
 * read by hand: no npm package reads R's serialization, and janeaustenr's objects are plain
 * character vectors, so only the few types below occur (R Internals, "Serialization formats").
 */
function readLazyLoadData(folder: string): Record<string, string[]> {
  const index = unserialize(gunzipSync(fs.readFileSync(path.join(folder, 'Rdata.rdx')))) as { variables: Record<string, number[]> };
  const db = fs.readFileSync(path.join(folder, 'Rdata.rdb'));
  const out: Record<string, string[]> = {};
  for (const [name, [offset, length]] of Object.entries(index.variables)) {
    out[name] = unserialize(inflateSync(db.subarray(offset + 4, offset + length))) as string[]; // 4 bytes: the inflated length
  }
  return out;
}

/** R's XDR serialization (version 2 or 3): strings, integer and generic vectors, pairlists, symbols; names become object keys. */
function unserialize(buf: Buffer): unknown {
  if (buf.toString('latin1', 0, 2) !== 'X\n') throw new Error('not an R XDR serialization');
  let at = 2;
  const int = (): number => ((at += 4), buf.readInt32BE(at - 4));
  const version = int();
  at += 8; // writer's and minimal reader's R versions
  if (version === 3) at += 4 + int(); // native encoding
  const symbols: string[] = [];
  const item = (): unknown => {
    const flags = int();
    const type = flags & 0xff;
    if (type === 254) return null; // NILVALUE
    if (type === 255) return symbols[(flags >> 8) - 1]; // a symbol seen before
    if (type === 1) return symbols[symbols.push(item() as string) - 1]; // SYMSXP
    if (type === 9) {
      const n = int(); // CHARSXP, -1 is NA
      return n < 0 ? null : buf.toString('utf8', (at += n) - n, at);
    }
    if (type === 2) {
      // LISTSXP: tagged cells until NILVALUE
      const cells: Record<string, unknown> = {};
      for (let cell = flags; ; cell = int()) {
        if ((cell & 0xff) === 254) return cells;
        if (cell & 0x200) item();
        const tag = cell & 0x400 ? (item() as string) : String(Object.keys(cells).length);
        cells[tag] = item();
      }
    }
    if (type !== 10 && type !== 13 && type !== 16 && type !== 19) throw new Error(`R type ${type} is not read here`);
    const values = Array.from({ length: int() }, () => (type === 10 || type === 13 ? int() : item()));
    const attributes = flags & 0x200 ? (item() as { names?: string[] }) : {};
    return attributes.names ? Object.fromEntries(attributes.names.map((n, i) => [n, values[i]])) : values;
  };
  return item();
}

if (require.main === module) runCommand(main);
