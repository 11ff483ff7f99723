/**
 * Checkpoints made to mislead: every one is refused with a clear error before a number comes out
 * of it. Crafted files are written by the tests; a fast-check property mutates a valid file at
 * random and requires the same values or a clear error, each within a second.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../lib/model';
import { GPT2_SIZES } from '../lib/weights/config';
import { SafetensorsFile } from '../lib/weights/safetensors';
import { writeSyntheticCheckpoint } from '../lib/weights/synthetic';
import { tinyCheckpoint } from './helpers/fixtures';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'weights-hardening-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));
let counter = 0;
const tmpFile = (bytes: Uint8Array) => {
  const file = path.join(TMP, `file-${counter++}.safetensors`);
  fs.writeFileSync(file, bytes);
  return file;
};

/** A valid small file: three tensors, header padded with spaces to 8 bytes, as the hub's writer pads it. */
function validFile(): { bytes: Buffer; values: Record<string, number[]> } {
  const values = { a: [1, 2, 3, 4], b: [-0.5, 0.25], c: [7] };
  let json = JSON.stringify({ a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: 'F32', shape: [2], data_offsets: [16, 24] }, c: { dtype: 'F32', shape: [1], data_offsets: [24, 28] } });
  json += ' '.repeat(16 - ((8 + json.length) % 8)); // at least 8 spaces of padding
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return { bytes: Buffer.concat([length, Buffer.from(json), Buffer.from(new Float32Array([...values.a, ...values.b, ...values.c]).buffer)]), values };
}

function withLength(bytes: Buffer, length: number): Buffer {
  const copy = Buffer.from(bytes);
  copy.writeBigUInt64LE(BigInt(length));
  return copy;
}

describe('the data section is covered exactly', () => {
  it('a header-length field a few bytes short of the padded header is refused (the data would be read early)', () => {
    const { bytes } = validFile();
    const file = tmpFile(withLength(bytes, Number(bytes.readBigUInt64LE(0)) - 4));
    expect(() => SafetensorsFile.open(file)).toThrow(/the last 4 bytes of the file belong to no tensor .*corrupt/);
  });

  it('a gap between tensors and bytes after the last are refused', () => {
    const gap = JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } });
    const make = (json: string, data: number) => {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(json.length));
      return tmpFile(Buffer.concat([length, Buffer.from(json), Buffer.alloc(data)]));
    };
    expect(() => SafetensorsFile.open(make(gap, 12))).toThrow(/4 bytes of the data before tensor "b" belong to no tensor/);
    expect(() => SafetensorsFile.open(make(JSON.stringify({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), 6))).toThrow(/the last 2 bytes of the file belong to no tensor/);
  });
});

describe('the header is parsed only when it can be a header', () => {
  it('deeply nested arrays are refused at once, without parsing', () => {
    const json = '{"a":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}';
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    const file = tmpFile(Buffer.concat([length, Buffer.from(json)]));
    const start = performance.now();
    expect(() => SafetensorsFile.open(file)).toThrow(/header nests deeper than 8 levels/);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('a header that does not start with { is refused', () => {
    const json = '[{"a": 1}]';
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(json.length));
    expect(() => SafetensorsFile.open(tmpFile(Buffer.concat([length, Buffer.from(json)])))).toThrow(/header must be a JSON object of tensors, got "\[\{/);
  });

  it('dtype names that are properties of every object are unknown dtypes', () => {
    for (const dtype of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const json = JSON.stringify({ w: { dtype, shape: [1], data_offsets: [0, 4] } });
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(json.length));
      expect(() => SafetensorsFile.open(tmpFile(Buffer.concat([length, Buffer.from(json), Buffer.alloc(4)])))).toThrow(new RegExp(`unknown dtype "${dtype}"`));
    }
  });
});

describe('a checkpoint and its config must agree', () => {
  const folderWith = (name: string, config: Record<string, unknown>) => {
    const dir = path.join(TMP, name);
    fs.mkdirSync(dir);
    fs.copyFileSync(tinyCheckpoint(), path.join(dir, 'model.safetensors'));
    const original = JSON.parse(fs.readFileSync(path.join(path.dirname(tinyCheckpoint()), 'config.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...original, ...config }).replace('"EPS"', '1e999'));
    return dir;
  };

  it('tensors of layers the config does not have are an error, not a shorter model', async () => {
    await expect(loadModel(folderWith('two-layers', { n_layer: 2 }))).rejects.toThrow(/it holds 12 tensors the config does not describe \("h.2.attn.c_attn.bias", .*\), of layer 2: the config says 2 layers/);
  });

  it('layer_norm_epsilon must be positive and finite', async () => {
    await expect(loadModel(folderWith('eps-zero', { layer_norm_epsilon: 0 }))).rejects.toThrow(/layer_norm_epsilon must be a positive finite number, got 0/);
    await expect(loadModel(folderWith('eps-negative', { layer_norm_epsilon: -1e-5 }))).rejects.toThrow(/got -0.00001/);
    await expect(loadModel(folderWith('eps-infinite', { layer_norm_epsilon: 'EPS' }))).rejects.toThrow(/layer_norm_epsilon must be a positive finite number/);
  });

  for (const engine of ['onnx', 'tfjs'] as const) {
    it(`a NaN in a weight is named on ${engine}, never a number from it`, async () => {
      const dir = path.join(TMP, `nan-${engine}`);
      const file = writeSyntheticCheckpoint(GPT2_SIZES.tiny, dir);
      const st = SafetensorsFile.open(file);
      const where = st.entry('h.1.mlp.c_fc.weight').begin + 4 * 100;
      st.close();
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, Buffer.from(new Float32Array([NaN]).buffer), 0, 4, where);
      fs.closeSync(fd);
      const run = async () => {
        const model = await loadModel(dir, { engine });
        try {
          await model.run('Hello world', ['blocks.2.hook_attn_out']);
        } finally {
          model.dispose();
        }
      };
      await expect(run()).rejects.toThrow(/the checkpoint holds non-finite values \(NaN or infinity\) in h.1.mlp.c_fc.weight .*download it again/);
    });
  }
});

describe('files that are not files', () => {
  it.skipIf(process.platform === 'win32')('a FIFO named model.safetensors is refused at once instead of blocking', async () => {
    const dir = path.join(TMP, 'fifo');
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [path.join(dir, 'model.safetensors')]);
    fs.copyFileSync(path.join(path.dirname(tinyCheckpoint()), 'config.json'), path.join(dir, 'config.json'));
    expect(() => SafetensorsFile.open(path.join(dir, 'model.safetensors'))).toThrow(/not a regular file/);
    await expect(loadModel(dir)).rejects.toThrow(/not a regular file/);
  });
});

describe('random damage to a valid file', () => {
  const { bytes, values } = validFile();
  /** Opens and reads every tensor: the values, or the error's message. */
  const readAll = (file: string): Record<string, number[]> | string => {
    try {
      const st = SafetensorsFile.open(file);
      try {
        return Object.fromEntries(st.names().map((n) => [n, Array.from(st.read(n))]));
      } finally {
        st.close();
      }
    } catch (e) {
      return (e as Error).message;
    }
  };
  const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
  // (a changed byte in the data is a different value, which no reader can tell: damage goes to the length field and the header)
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(headerEnd - 1), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('length' as const), delta: fc.integer({ min: -64, max: 64 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(bytes.length) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(bytes.length), extra: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
    fc.record({ kind: fc.constant('nest' as const), at: fc.integer({ min: 8, max: 60 }), depth: fc.integer({ min: 1, max: 100_000 }) }),
  );

  it('loads the same values or says clearly what is wrong, in under a second each', () => {
    fc.assert(
      fc.property(mutation, (m) => {
        let damaged: Buffer;
        if (m.kind === 'byte') (damaged = Buffer.from(bytes))[m.at] = m.value;
        else if (m.kind === 'length') damaged = withLength(bytes, Math.max(0, Number(bytes.readBigUInt64LE(0)) + m.delta));
        else if (m.kind === 'truncate') damaged = bytes.subarray(0, m.at);
        else if (m.kind === 'insert') damaged = Buffer.concat([bytes.subarray(0, m.at), Buffer.from(m.extra), bytes.subarray(m.at)]);
        else damaged = Buffer.concat([bytes.subarray(0, m.at), Buffer.from('['.repeat(m.depth)), bytes.subarray(m.at)]);
        const file = tmpFile(damaged);
        const start = performance.now();
        const result = readAll(file);
        fs.rmSync(file);
        expect(performance.now() - start).toBeLessThan(1000);
        if (typeof result === 'string') {
          expect(result.startsWith(file) || result.startsWith(`cannot open safetensors file ${file}`), result).toBe(true);
          expect(result).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack
        } else {
          expect(result).toEqual(values);
        }
      }),
      { numRuns: 600, seed: 20261203 },
    );
  });
});
