/**
 * GPT-2's tokenizer (the r50k_base byte-pair encoding, via gpt-tokenizer): token ids, a display
 * string per token, and decode. No BOS token is prepended unless asked for.
 *
 * A token can hold part of a UTF-8 character (an emoji is often three tokens); such bytes cannot be
 * shown as text on their own, so the display string shows them as `\xNN` escapes, like Python's
 * bytes: "🎸" is displayed as "\xf0\x9f", "\x8e", "\xb8". Complete characters show as themselves.
 */
/// <reference path="../shims/gpt-tokenizer.d.ts" />
import { decode as decodeR50k, encode as encodeR50k } from 'gpt-tokenizer/encoding/r50k_base';
import bpeRanks from 'gpt-tokenizer/bpeRanks/r50k_base';

export const VOCAB_SIZE = 50257;
export const END_OF_TEXT = 50256; // `<|endoftext|>`, GPT-2's only special token, also its BOS
const END_OF_TEXT_TEXT = '<|endoftext|>';

export interface Tokens {
  ids: number[];
  /** Each token's text for display, one per id. */
  tokens: string[];
}

/** Token ids of `text` and each token's display string. `<|endoftext|>` in the text is the special token. */
export function tokenize(text: string, options: { prependBos?: boolean } = {}): Tokens {
  if (typeof text !== 'string') throw new Error(`tokenize expects a string, got ${typeof text}`);
  // split on the special token by hand: gpt-tokenizer's r50k_base encodes it as plain text when allowed
  const ids = text
    .split(END_OF_TEXT_TEXT)
    .flatMap((part, i) => (i === 0 ? [] : [END_OF_TEXT]).concat(part === '' ? [] : encodeR50k(part, { disallowedSpecial: new Set() })));
  if (options.prependBos) ids.unshift(END_OF_TEXT);
  return { ids, tokens: displayTokens(ids) };
}

/** The text of token ids (a character split across tokens is rejoined). */
export function decode(ids: number[]): string {
  checkIds(ids);
  return decodeR50k(ids);
}

/** Display strings for token ids (see the file's comment for bytes that are not whole characters). */
export function displayTokens(ids: number[]): string[] {
  checkIds(ids);
  return ids.map((id) => (id === END_OF_TEXT ? END_OF_TEXT_TEXT : displayBytes(tokenBytes(id))));
}

/** The bytes of token `id`. */
export function tokenBytes(id: number): Uint8Array {
  const entry = bpeRanks[id];
  return typeof entry === 'string' ? new TextEncoder().encode(entry) : Uint8Array.from(entry);
}

function checkIds(ids: number[]): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= VOCAB_SIZE) {
      throw new Error(`token id ${id} at position ${i} is not a GPT-2 token: ids are integers from 0 to ${VOCAB_SIZE - 1}`);
    }
  }
}

/** Complete UTF-8 characters as text, any other byte as `\xNN`. */
function displayBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      out += new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + length));
      i += length;
    } else {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** Length of the valid UTF-8 character starting at bytes[i], or 0 when there is none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead < 0xe0 ? 2 : lead >= 0xe0 && lead < 0xf0 ? 3 : lead >= 0xf0 && lead < 0xf5 ? 4 : 0;
  if (length === 0 || i + length > bytes.length) return 0;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + length));
    return length;
  } catch {
    return 0; // bad continuation bytes, overlong form or surrogate
  }
}
