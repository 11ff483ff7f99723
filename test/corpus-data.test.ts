/** The shipped corpora (data/corpus/austen.jsonl, test/fixtures/corpus/tiny.jsonl) are what their SOURCE.md says. */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../lib/text/tokenizer';

const ROOT = path.resolve(__dirname, '..');

function readJsonl(file: string): { id: string; text: string }[] {
  const content = fs.readFileSync(path.join(ROOT, file), 'utf8');
  expect(content.endsWith('\n') && !content.endsWith('\n\n')).toBe(true);
  return content.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

const ID = /^(sense-and-sensibility|pride-and-prejudice|mansfield-park|emma-v[123]|northanger-abbey|persuasion)-ch\d+-p\d+$/;

describe.each(['data/corpus/austen.jsonl', 'test/fixtures/corpus/tiny.jsonl'])('%s', (file) => {
  const texts = readJsonl(file);

  it('holds one {id, text} paragraph a line, ids unique, whitespace normalised', () => {
    for (const t of texts) {
      expect(Object.keys(t)).toEqual(['id', 'text']);
      expect(t.id).toMatch(ID);
      expect(t.text).toBe(t.text.replace(/\s+/g, ' ').trim());
      expect(t.text).not.toContain('_');
    }
    expect(new Set(texts.map((t) => t.id)).size).toBe(texts.length);
  });
});

describe('data/corpus/austen.jsonl', () => {
  const texts = readJsonl('data/corpus/austen.jsonl');
  const lengths = texts.map((t) => tokenize(t.text).ids.length);

  it('has a few hundred paragraphs of 40 to 250 tokens from every novel, and some over 1,024 tokens', () => {
    expect(texts.length).toBeGreaterThanOrEqual(300);
    expect(texts.length).toBeLessThanOrEqual(500);
    expect(lengths.every((n) => (n >= 40 && n <= 250) || n > 1024)).toBe(true);
    expect(lengths.filter((n) => n > 1024).length).toBeGreaterThanOrEqual(2);
    const novels = new Set(texts.map((t) => t.id.replace(/(-v\d)?-ch\d+-p\d+$/, '')));
    expect([...novels]).toEqual(['sense-and-sensibility', 'pride-and-prejudice', 'mansfield-park', 'emma', 'northanger-abbey', 'persuasion']);
    expect(fs.statSync(path.join(ROOT, 'data/corpus/austen.jsonl')).size).toBeLessThan(3_000_000);
  });
});

describe('test/fixtures/corpus/tiny.jsonl', () => {
  const texts = readJsonl('test/fixtures/corpus/tiny.jsonl');

  it('has 12 texts, two of them longer than the tiny model\'s 256 positions', () => {
    const lengths = texts.map((t) => tokenize(t.text).ids.length);
    expect(texts.length).toBe(12);
    expect(lengths.filter((n) => n > 256).length).toBe(2);
    expect(lengths.every((n) => n >= 40 && n <= 600)).toBe(true);
  });

  it('is the novel\'s text: the second paragraph of Pride and Prejudice', () => {
    expect(texts[0]).toEqual({
      id: 'pride-and-prejudice-ch1-p2',
      text:
        'However little known the feelings or views of such a man may be on his first entering a neighbourhood, ' +
        'this truth is so well fixed in the minds of the surrounding families, that he is considered the rightful ' +
        'property of some one or other of their daughters.',
    });
  });
});
