/**
 * Ctrl-C during long work (a download) stops it through an AbortSignal, so the work can end in its
 * own words ("5.2 MB kept in model.safetensors.part: run again to resume") instead of dying mid-line.
 * A second Ctrl-C ends the process at once, as usual.
 */

/** Runs `work` with a signal that the first Ctrl-C fires; the handler is removed when `work` settles. */
export async function stopOnCtrlC<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort(new Error('stopped by Ctrl-C'));
  process.once('SIGINT', stop);
  try {
    return await work(controller.signal);
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
