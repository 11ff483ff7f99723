/**
 * Writes a safetensors file one tensor at a time (so a 6 GB checkpoint never sits in memory),
 * under a temporary name first and renamed when complete: a crash leaves no half-written file.
 */
import * as fs from 'fs';

export interface TensorToWrite {
  name: string;
  shape: number[];
  /** F32 values (computed when written if a function), or raw little-endian bytes of `dtype`. */
  data: Float32Array | Uint8Array | (() => Float32Array | Uint8Array);
  /** Defaults to F32; raw bytes (a Uint8Array) are written as they are. */
  dtype?: string;
}

const BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

export function writeSafetensors(path: string, tensors: TensorToWrite[], metadata: Record<string, string> = {}): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const dtype = t.dtype ?? 'F32';
    const bytesPerElement = BYTES[dtype];
    if (!bytesPerElement) throw new Error(`cannot write tensor "${t.name}": unknown dtype ${dtype}`);
    const size = t.shape.reduce((a, b) => a * b, 1) * bytesPerElement;
    header[t.name] = { dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // data starts 8-byte aligned
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));

  const temporary = `${path}.partial-${process.pid}`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, length);
    fs.writeSync(fd, json);
    for (const t of tensors) {
      const values = typeof t.data === 'function' ? t.data() : t.data;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const expected = (header[t.name] as { data_offsets: number[] }).data_offsets;
      if (bytes.length !== expected[1] - expected[0]) {
        throw new Error(`cannot write tensor "${t.name}": ${bytes.length} bytes of data for shape ${JSON.stringify(t.shape)} (${expected[1] - expected[0]} expected)`);
      }
      for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done, Math.min(1 << 30, bytes.length - done));
    }
    fs.closeSync(fd);
    fs.renameSync(temporary, path);
  } catch (e) {
    try { fs.closeSync(fd); } catch { /* already closed */ }
    fs.rmSync(temporary, { force: true });
    throw e;
  }
}
