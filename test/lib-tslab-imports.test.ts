/**
 * Notebooks import lib/ through tslab, which compiles the imported .ts files itself and then loads
 * them by file name: an import of `./x` must be the file `x.ts`. An import of a folder (`../text` for
 * `../text/index.ts`) compiles, but fails when the cell runs ("Cannot find module"), because tslab
 * does not look for index files. Import `../text/index` instead.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '..', 'lib');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports in the .ts files under `dir` that name a folder (with an index.ts), not a file. */
function folderImports(dir: string): string[] {
  const problems: string[] = [];
  for (const file of tsFiles(dir)) {
    const source = fs.readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (!fs.existsSync(`${target}.ts`) && fs.existsSync(path.join(target, 'index.ts'))) {
        problems.push(`${path.relative(dir, file)}: '${match[1]}' is a folder; import '${match[1]}/index'`);
      }
    }
  }
  return problems;
}

describe('lib/ imports that tslab can load', () => {
  it('the check finds a folder import and passes file imports', () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'imports-'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'b', 'index.ts'), 'export const b = 1;');
    fs.writeFileSync(path.join(dir, 'c.ts'), 'export const c = 1;');
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nimport { c } from './c';\nimport { d } from './b/index';");
    expect(folderImports(dir)).toEqual(["a.ts: './b' is a folder; import './b/index'"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('every relative import in lib/ names a .ts file, not a folder', () => {
    expect(folderImports(LIB)).toEqual([]);
  });
});
