/**
 * Progress, as library code reports it: a callback that long work (a download, a corpus run, a
 * large model's pass) calls as it goes. The command line draws it as a bar, a notebook as one
 * display updated in place; the library draws nothing itself.
 */
export interface Progress {
  /** What is being done, e.g. `gpt2/model.safetensors` or `corpus`. */
  label: string;
  /** Units done so far, and in all when known. */
  done: number;
  total?: number;
  /** What is counted: bytes are shown as sizes, anything else as a count of this unit. */
  unit: 'bytes' | 'texts' | 'tokens' | 'blocks' | 'files';
  /** Set on the last call. */
  finished?: boolean;
  /** Something worth a line of its own, e.g. a dropped connection being resumed. */
  note?: string;
  /** A second count shown beside the first, e.g. `12 of 422 texts` beside the tokens. */
  detail?: string;
}

export type ProgressCallback = (progress: Progress) => void;
