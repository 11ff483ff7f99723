/**
 * Where a model's weights come from: a safetensors file read by offset, or the synthetic formula.
 * Names are the hub's without the `transformer.` prefix (`h.0.attn.c_attn.weight`); values are
 * float32 in row-major order, whatever the file stored.
 */
export interface WeightSource {
  /** Human-readable origin for messages: a file path or `synthetic:gpt2`. */
  readonly description: string;
  has(name: string): boolean;
  shape(name: string): number[];
  /** Reads one tensor now; each call returns fresh memory the caller may keep or drop. */
  read(name: string): Float32Array;
  /** Reads one tensor into `out` (its exact size), saving an allocation, when the source can. */
  readInto?(name: string, out: Float32Array): void;
  /** Where tensor `name` lies in a file, for sources backed by one (so another thread can read it). */
  locate?(name: string): { path: string; begin: number; end: number; dtype: string; shape: number[] };
  /** Releases the file handle, if any. */
  close(): void;
}

/** The first of `names` (tensors of `source`) holding a NaN or an infinity, read one at a time. */
export function firstNonFinite(source: WeightSource, names: string[]): string | undefined {
  return names.find((name) => !source.read(name).every(Number.isFinite));
}

/** The error for a checkpoint tensor holding NaN or infinity. */
export function nonFiniteError(source: WeightSource, name: string): Error {
  return new Error(`the checkpoint holds non-finite values (NaN or infinity) in ${name} (${source.description}): the file is corrupt; download it again`);
}
