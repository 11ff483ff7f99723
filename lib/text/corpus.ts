/**
 * A corpus: JSON Lines with `id` and `text` on each line, or a folder of `.txt` files (the id is
 * the file's name without `.txt`, in name order). And the chunks a text longer than the model's
 * context is cut into: windows of `window` tokens, each overlapping the one before by `overlap`
 * tokens, whose first `overlap` positions are there only as context (the same tokens were measured,
 * with more context, at the end of the chunk before).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface CorpusText {
  id: string;
  text: string;
}

export function readCorpus(source: string): CorpusText[] {
  if (!fs.existsSync(source)) throw new Error(`corpus ${source} does not exist: give a .jsonl file (one {"id", "text"} per line) or a folder of .txt files`);
  const texts = fs.statSync(source).isDirectory() ? readFolder(source) : readJsonLines(source);
  if (texts.length === 0) throw new Error(`corpus ${source} holds no texts: give at least one`);
  const seen = new Map<string, number>();
  texts.forEach((t, i) => {
    const before = seen.get(t.id);
    if (before !== undefined) throw new Error(`corpus ${source}: the id ${JSON.stringify(t.id)} is used by texts ${before + 1} and ${i + 1}: ids must be unique`);
    seen.set(t.id, i);
  });
  return texts;
}

function readJsonLines(file: string): CorpusText[] {
  const texts: CorpusText[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${file}, line ${i + 1}`;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (e) {
        throw new Error(`${where} is not JSON (${(e as Error).message}): each line must be one {"id": ..., "text": ...} object`);
      }
      const { id, text } = (value ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`${where} has no "id" (a string): give every text an id`);
      if (typeof text !== 'string' || text.trim() === '') throw new Error(`${where} (id ${JSON.stringify(id)}) has no "text", or an empty one`);
      texts.push({ id: String(id), text });
    });
  return texts;
}

function readFolder(dir: string): CorpusText[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  if (files.length === 0) throw new Error(`folder ${dir} has no .txt files: put one text per .txt file there, or give a .jsonl file`);
  return files.map((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8').replace(/\r?\n$/, '');
    if (text.trim() === '') throw new Error(`${path.join(dir, f)} is empty: remove it or put its text in`);
    return { id: f.slice(0, -'.txt'.length), text };
  });
}

export interface Chunk {
  /** 0, 1, ... within the text */
  chunk: number;
  /** where the chunk starts in the text's tokens */
  start: number;
  ids: number[];
  /** how many leading positions are context only (0 in the first chunk, `overlap` after) */
  contextOnly: number;
}

/** A text's token ids in chunks of at most `window` tokens, consecutive chunks sharing `overlap` tokens. */
export function chunkIds(ids: number[], window: number, overlap: number): Chunk[] {
  if (!Number.isInteger(window) || window < 1) throw new Error(`the chunk window must be a positive whole number of tokens, got ${window}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= window) {
    throw new Error(`the chunk overlap must be a whole number of tokens from 0 to ${window - 1} (less than the window), got ${overlap}`);
  }
  const chunks: Chunk[] = [];
  for (let start = 0; ; start += window - overlap) {
    const chunk = chunks.length;
    chunks.push({ chunk, start, ids: ids.slice(start, start + window), contextOnly: chunk === 0 ? 0 : overlap });
    if (start + window >= ids.length) return chunks;
  }
}
