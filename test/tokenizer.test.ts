import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { decode, displayTokens, tokenize } from '../lib/text';
import { GOLDENS } from './helpers/fixtures';


describe('GPT-2 tokenizer', () => {
  it('"Hello world" is [15496, 995]', () => {
    expect(tokenize('Hello world')).toEqual({ ids: [15496, 995], tokens: ['Hello', ' world'] });
  });

  for (const t of GOLDENS.texts as { name: string; text: string; ids: number[] }[]) {
    it(`ids of goldens.json's "${t.name}" text equal HuggingFace's, and decode back`, () => {
      const { ids, tokens } = tokenize(t.text);
      expect(ids).toEqual(t.ids);
      expect(tokens).toHaveLength(ids.length);
      expect(decode(ids)).toBe(t.text);
    });
  }

  it("the article's paragraph is 95 tokens and shows Illés whole", () => {
    const { tokens } = tokenize(GOLDENS.texts[0].text);
    expect(tokens).toHaveLength(95);
    expect(tokens.filter((s) => s === ' Ill')).toHaveLength(2);
    expect(tokens.filter((s) => s === 'és')).toHaveLength(2);
  });

  it('a character split across tokens shows as byte escapes, never empty or U+FFFD', () => {
    const { ids, tokens } = tokenize('🎸 Illés');
    expect(ids).toEqual([8582, 236, 116, 5821, 20954]);
    // 🎸 is U+1F3B8, UTF-8 f0 9f 8e b8, split by GPT-2's merges into three tokens
    expect(tokens).toEqual(['\\xf0\\x9f', '\\x8e', '\\xb8', ' Ill', 'és']);
    expect(decode(ids)).toBe('🎸 Illés');
  });

  it('<|endoftext|> is the special token, and a BOS is prepended only when asked', () => {
    expect(tokenize('a<|endoftext|>').ids).toEqual([64, 50256]);
    expect(tokenize('Hello', { prependBos: true })).toEqual({ ids: [50256, 15496], tokens: ['<|endoftext|>', 'Hello'] });
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => decode([15496, 50257])).toThrow(/token id 50257 at position 1 .* 0 to 50256/);
    expect(() => displayTokens([-1])).toThrow(/token id -1/);
  });
});
