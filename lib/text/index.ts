export { END_OF_TEXT, VOCAB_SIZE, decode, displayTokens, tokenBytes, tokenize } from './tokenizer';
export type { Tokens } from './tokenizer';
