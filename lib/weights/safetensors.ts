/**
 * A safetensors file, read by offset: the header is parsed and checked when the file is opened,
 * and each tensor is read from disk only when asked for, as float32 (F32, F16, BF16 and F64 are
 * converted). Nothing in the file is trusted before it is checked: the header's length, its JSON,
 * every dtype, shape and byte range (inside the data, of the size the shape implies, not
 * overlapping another tensor). Format: https://github.com/huggingface/safetensors
 *
 * Written by hand because the npm packages for safetensors either load the whole file into memory
 * or do not validate; GPT-2 xl (6 GB) must be read one tensor at a time.
 */
import * as fs from 'fs';
import * as os from 'os';

/** Bytes per element of every dtype the format defines. */
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'];
/** The format's own bound on the header (100 MB); anything larger is a corrupt length field. */
export const MAX_HEADER_BYTES = 100_000_000;
/** A safetensors header nests three levels ({tensor: {shape: [...]}}); deeper JSON is not a header (and costs time and memory to parse). */
const MAX_HEADER_DEPTH = 8;
/** fs.readSync reads at most 2 GiB - 1 bytes per call. */
const MAX_READ_CHUNK = 1 << 30;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file, [begin, end). */
  begin: number;
  end: number;
}

export class SafetensorsFile {
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    readonly entries: Map<string, SafetensorsEntry>,
    readonly metadata: Record<string, string>,
  ) {
    this.fd = fd;
  }

  /** Opens `path` and checks its header; throws an error naming the file and the problem. */
  static open(path: string): SafetensorsFile {
    if (os.endianness() !== 'LE') throw new Error('safetensors reading needs a little-endian machine');
    let fd: number;
    try {
      if (!fs.statSync(path).isFile()) throw new Error('it is not a regular file (a folder, pipe or device): point at the .safetensors file itself');
      fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); // non-blocking: a pipe put in its place since cannot hang the open
    } catch (e) {
      throw new Error(`cannot open safetensors file ${path}: ${(e as Error).message}`);
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new Error(`cannot open safetensors file ${path}: it is not a regular file`);
      const { entries, metadata } = readHeader(fd, stat.size, path);
      return new SafetensorsFile(path, fd, entries, metadata);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): SafetensorsEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.path} has no tensor named "${name}"`);
    return e;
  }

  /** Reads tensor `name` now, converted to float32. */
  read(name: string): Float32Array {
    const e = this.floatEntry(name);
    const bytes = Buffer.allocUnsafeSlow(e.end - e.begin); // unpooled: its own 8-aligned ArrayBuffer
    this.readBytes(e, bytes);
    return toFloat32(bytes, e.dtype);
  }

  private readBytes(e: SafetensorsEntry, bytes: Uint8Array): void {
    for (let done = 0; done < bytes.length; ) {
      const n = fs.readSync(this.openFd(), bytes, done, Math.min(MAX_READ_CHUNK, bytes.length - done), e.begin + done);
      if (n === 0) throw new Error(`${this.path}: file ended while reading tensor "${e.name}" (was it truncated?)`);
      done += n;
    }
  }

  /** Reads tensor `name` into `out` (float32, its exact size): F32 data goes straight from disk into `out`. */
  readInto(name: string, out: Float32Array): void {
    const e = this.floatEntry(name);
    const n = e.shape.reduce((a, b) => a * b, 1);
    if (out.length !== n) throw new Error(`tensor "${name}" has ${n} values, the destination holds ${out.length}`);
    if (e.dtype === 'F32') this.readBytes(e, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    else out.set(this.read(name));
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private floatEntry(name: string): SafetensorsEntry {
    const e = this.entry(name);
    if (!FLOAT_DTYPES.includes(e.dtype)) {
      throw new Error(`${this.path}: tensor "${name}" has dtype ${e.dtype}; only ${FLOAT_DTYPES.join(', ')} can be read as float32`);
    }
    return e;
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`${this.path} was closed; open it again to read from it`);
    return this.fd;
  }
}

function readHeader(fd: number, fileSize: number, path: string) {
  if (fileSize < 8) throw new Error(`${path} is ${fileSize} bytes long: too short to be a safetensors file (the 8-byte header length is missing)`);
  const lengthBytes = Buffer.alloc(8);
  fs.readSync(fd, lengthBytes, 0, 8, 0);
  const headerLength = Number(lengthBytes.readBigUInt64LE(0));
  if (headerLength > MAX_HEADER_BYTES) {
    throw new Error(`${path}: header length ${headerLength} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes (corrupt file?)`);
  }
  if (8 + headerLength > fileSize) {
    throw new Error(`${path}: header length ${headerLength} runs past the end of the ${fileSize}-byte file (truncated or corrupt)`);
  }
  const headerBytes = Buffer.alloc(headerLength);
  fs.readSync(fd, headerBytes, 0, headerLength, 8);
  return parseHeader(headerBytes.toString('utf8'), 8 + headerLength, fileSize, path);
}

/**
 * Checks the header JSON; `dataStart` is where the data buffer begins in a file of `fileSize` bytes.
 * The tensors' byte ranges must tile the data exactly (no gap, overlap or trailing byte), as the
 * format's reference reader requires: a length field that is off by a few bytes then cannot pass.
 */
export function parseHeader(json: string, dataStart: number, fileSize: number, path = 'safetensors') {
  checkShape(json, path);
  let header: unknown;
  try {
    header = JSON.parse(json);
  } catch (e) {
    throw new Error(`${path}: header is not valid JSON (${(e as Error).message})`);
  }
  const dataLength = fileSize - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: __metadata__ must be an object of strings`);
      metadata = value as Record<string, string>;
      continue;
    }
    entries.set(name, checkEntry(name, value, dataStart, dataLength, path));
  }
  const byStart = [...entries.values()].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = dataStart;
  for (let i = 0; i < byStart.length; i++) {
    const [prev, cur] = [byStart[i - 1], byStart[i]];
    if (cur.begin > covered) {
      throw new Error(
        `${path}: ${cur.begin - covered} bytes of the data before tensor "${cur.name}" belong to no tensor (a wrong header length or offsets?): the file is corrupt; download it again`,
      );
    }
    covered = Math.max(covered, cur.end);
    if (prev && cur.begin < prev.end) {
      throw new Error(
        `${path}: tensors "${prev.name}" and "${cur.name}" overlap (bytes ${prev.begin - dataStart}-${prev.end - dataStart} and ${cur.begin - dataStart}-${cur.end - dataStart} of the data)`,
      );
    }
  }
  if (covered < fileSize) {
    throw new Error(`${path}: the last ${fileSize - covered} bytes of the file belong to no tensor (a wrong header length or offsets?): the file is corrupt; download it again`);
  }
  return { entries, metadata };
}

/** The header must be a JSON object nesting at most MAX_HEADER_DEPTH levels: checked by one pass over the text, before parsing. */
function checkShape(json: string, path: string): void {
  const start = json.search(/\S/);
  if (json[start] !== '{') throw new Error(`${path}: header must be a JSON object of tensors, got ${start < 0 ? 'nothing' : JSON.stringify(json.slice(start, start + 20))} (not a safetensors file?)`);
  let depth = 0;
  let inString = false;
  for (let i = start; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_HEADER_DEPTH) throw new Error(`${path}: header nests deeper than ${MAX_HEADER_DEPTH} levels: not a safetensors header (corrupt file?)`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function checkEntry(name: string, value: unknown, dataStart: number, dataLength: number, path: string): SafetensorsEntry {
  const where = `${path}: tensor "${name}"`;
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: expected an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(DTYPE_BYTES, dtype)) {
    throw new Error(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${where}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
    throw new Error(`${where}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  if (end > dataLength) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} run past the end of the data (${dataLength} bytes; truncated file?)`);
  }
  const expectedBytes = (shape as number[]).reduce((a, b) => a * b, 1) * DTYPE_BYTES[dtype];
  if (end - begin !== expectedBytes) {
    throw new Error(`${where}: data_offsets ${JSON.stringify(offsets)} hold ${end - begin} bytes, but ${dtype} of shape ${JSON.stringify(shape)} needs ${expectedBytes}`);
  }
  return { name, dtype, shape: shape as number[], begin: dataStart + begin, end: dataStart + end };
}

/** Raw little-endian bytes of `dtype` to float32. */
export function toFloat32(bytes: Uint8Array, dtype: string): Float32Array {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes); // typed views need alignment
  const { buffer, byteOffset, byteLength } = aligned;
  switch (dtype) {
    case 'F32':
      return new Float32Array(buffer, byteOffset, byteLength / 4);
    case 'F64':
      return Float32Array.from(new Float64Array(buffer, byteOffset, byteLength / 8));
    case 'BF16': {
      // bfloat16 is the top half of a float32's bits
      const half = new Uint16Array(buffer, byteOffset, byteLength / 2);
      const out = new Uint32Array(half.length);
      for (let i = 0; i < half.length; i++) out[i] = half[i] << 16;
      return new Float32Array(out.buffer);
    }
    case 'F16': {
      const half = new Uint16Array(buffer, byteOffset, byteLength / 2);
      const out = new Float32Array(half.length);
      for (let i = 0; i < half.length; i++) out[i] = halfToFloat(half[i]);
      return out;
    }
    default:
      throw new Error(`dtype ${dtype} cannot be converted to float32`);
  }
}

/** IEEE 754 binary16 bits to a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
