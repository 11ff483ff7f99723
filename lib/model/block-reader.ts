/**
 * Reads a streamed block's weights on a worker thread: the file reads, the dtype conversion and
 * the transposes of the Conv1D weights (the costly part of streaming) run beside the main
 * thread's computation of the previous block. The worker runs the very functions the main thread
 * uses (their source is sent to it), so its values are identical to reading on the main thread.
 */
import { Worker } from 'worker_threads';
import { halfToFloat, toFloat32 } from '../weights/safetensors';
import { transposeMatrix } from './weight-loader';

export interface TensorLocation {
  path: string;
  /** absolute byte range in the file */
  begin: number;
  end: number;
  dtype: string;
  shape: number[];
}

export interface ReadRequest extends TensorLocation {
  name: string;
  transpose: boolean;
}

/** Key of a tensor in a read result: its name, with `:T` when it was transposed. */
export const readKey = (name: string, transpose: boolean) => (transpose ? `${name}:T` : name);

const WORKER_SOURCE = `
const { parentPort } = require('worker_threads');
const fs = require('fs');
const __name = (f) => f; // a no-op for the name-keeping helper some compilers insert
${halfToFloat.toString()}
${toFloat32.toString()}
${transposeMatrix.toString()}
let scratch = Buffer.allocUnsafeSlow(0); // reused for tensors that are transposed: less garbage, lower peak memory
parentPort.on('message', ({ id, requests }) => {
  try {
    const values = requests.map((r) => {
      const fd = fs.openSync(r.path, 'r');
      try {
        const size = r.end - r.begin;
        if (r.transpose && scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
        const bytes = r.transpose ? scratch.subarray(0, size) : Buffer.allocUnsafeSlow(size);
        for (let done = 0; done < bytes.length; ) {
          const n = fs.readSync(fd, bytes, done, Math.min(1 << 30, bytes.length - done), r.begin + done);
          if (n === 0) throw new Error(r.path + ': file ended while reading tensor "' + r.name + '" (was it truncated?)');
          done += n;
        }
        const v = ${toFloat32.name}(bytes, r.dtype);
        return r.transpose ? ${transposeMatrix.name}(v, r.shape[0], r.shape[1]) : v;
      } finally {
        fs.closeSync(fd);
      }
    });
    parentPort.postMessage({ id, values }, values.map((v) => v.buffer));
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});
`;

export class BlockReader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor() {
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', ({ id, values, error }: { id: number; values?: Float32Array[]; error?: string }) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
      if (error !== undefined) p?.reject(new Error(error));
      else p?.resolve(values!);
    });
    this.worker.on('error', (e) => this.failAll(e));
    this.worker.unref(); // an idle reader never keeps the process alive; a pending read does
  }

  /** Reads the requested tensors; the result is keyed by readKey(name, transpose). */
  async read(requests: ReadRequest[]): Promise<Map<string, Float32Array>> {
    const id = this.nextId++;
    const values = await new Promise<Float32Array[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, requests });
    });
    return new Map(requests.map((r, k) => [readKey(r.name, r.transpose), values[k]]));
  }

  close(): void {
    this.failAll(new Error('the block reader was closed'));
    void this.worker.terminate();
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
