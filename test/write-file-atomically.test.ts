import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../lib/io/write-file-atomically';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));
afterEach(() => {
  for (const f of fs.readdirSync(dir)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
});

describe('writeFileAtomically', () => {
  it('writes text and bytes, creating the folder, and replaces an old file whole', () => {
    const file = path.join(dir, 'sub', 'a.csv');
    writeFileAtomically(file, 'old contents that are longer');
    writeFileAtomically(file, 'x,y\n1,2\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('x,y\n1,2\n');
    writeFileAtomically(path.join(dir, 'b.bin'), new Uint8Array([0, 255, 7]));
    expect([...fs.readFileSync(path.join(dir, 'b.bin'))]).toEqual([0, 255, 7]);
    expect(fs.readdirSync(path.join(dir, 'sub'))).toEqual(['a.csv']);
  });

  it('leaves no temporary file and no half-written target when the rename fails', () => {
    const target = path.join(dir, 'taken');
    fs.mkdirSync(path.join(target, 'inside'), { recursive: true }); // a non-empty folder cannot be replaced by a file
    expect(() => writeFileAtomically(target, 'text')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['taken']);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });
});
