// gpt-tokenizer is reachable only through package `exports`, which node10 module resolution (tslab's
// TypeScript 5.0) ignores, and its own .d.ts files use syntax TypeScript 5.0 cannot parse.
// These are the parts lib/text uses.
declare module 'gpt-tokenizer/encoding/r50k_base' {
  export function encode(text: string, options?: { allowedSpecial?: Set<string> | 'all'; disallowedSpecial?: Set<string> | 'all' }): number[];
  export function decode(ids: Iterable<number>): string;
}

declare module 'gpt-tokenizer/bpeRanks/r50k_base' {
  /** rank (token id) -> the token's text, or its bytes when they are not valid UTF-8 on their own */
  const ranks: (string | number[])[];
  export default ranks;
}
