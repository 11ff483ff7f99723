/** A report and its tables are written all or none, and a folder is checked before long work. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { checkWritableFolder, writeFilesTogether } from '../lib/io/write-files-together';

const tempFolder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'together-'));

/** What `dir` holds, name → contents. */
const contents = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

describe('writeFilesTogether', () => {
  it('writes every file, creating the folder', () => {
    const dir = path.join(tempFolder(), 'a', 'b');
    const written = writeFilesTogether(dir, { 'report.html': '<p>new</p>', 'norms.csv': 'x\n1\n' });
    expect(written).toEqual([path.join(dir, 'report.html'), path.join(dir, 'norms.csv')]);
    expect(contents(dir)).toEqual({ 'norms.csv': 'x\n1\n', 'report.html': '<p>new</p>' });
  });

  it('on a full disk leaves the old files as they were and no temporary files', () => {
    const dir = tempFolder();
    fs.writeFileSync(path.join(dir, 'report.html'), 'old report');
    fs.writeFileSync(path.join(dir, 'norms.csv'), 'old norms');
    let writes = 0;
    const fullAfterTwo = (file: string, data: string | Uint8Array) => {
      if (++writes > 2) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
      fs.writeFileSync(file, data);
    };
    expect(() =>
      writeFilesTogether(dir, { 'norms.csv': 'new norms', 'regressions.csv': 'new', 'report.html': 'new report' }, fullAfterTwo),
    ).toThrow(`cannot write norms.csv, regressions.csv, report.html into ${dir}: the disk is full (ENOSPC); none of them was written`);
    expect(contents(dir)).toEqual({ 'norms.csv': 'old norms', 'report.html': 'old report' });
  });

  it('refuses a folder where a file should go, before writing any', () => {
    const dir = tempFolder();
    fs.mkdirSync(path.join(dir, 'report.html'));
    expect(() => writeFilesTogether(dir, { 'norms.csv': 'new', 'report.html': 'new' })).toThrow(/report\.html is a folder; none of them was written/);
    expect(fs.readdirSync(dir)).toEqual(['report.html']);
  });
});

describe('checkWritableFolder', () => {
  it('accepts a folder, or one still to be made, and leaves nothing behind', () => {
    const dir = tempFolder();
    checkWritableFolder(dir);
    checkWritableFolder(path.join(dir, 'not', 'yet'));
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a file, and a folder under a file', () => {
    const file = path.join(tempFolder(), 'report.html');
    fs.writeFileSync(file, '');
    expect(() => checkWritableFolder(file)).toThrow(`${file} is a file, not a folder`);
    expect(() => checkWritableFolder(path.join(file, 'sub'))).toThrow(`${file} is a file, so ${path.join(file, 'sub')} cannot be a folder`);
  });

  it('refuses a folder nobody may write into, saying why', () => {
    // sysfs refuses new files even to root, as a read-only mount would
    expect(() => checkWritableFolder('/sys/part4-out')).toThrow(/^cannot write into \/sys: (permission denied \(EACCES\)|the file system is read-only \(EROFS\))$/);
  });
});
