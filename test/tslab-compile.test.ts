/**
 * Notebooks import lib/ through tslab, which compiles with its own TypeScript 5.0.4, node10 module
 * resolution (package `exports` ignored), only the ES2022 library (no DOM) and declaration output.
 * Compile every file under lib/ the same way: a file that fails here fails in a notebook cell.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(path.join(ROOT, 'node_modules', '@tslab', 'typescript-for-tslab')) as typeof import('typescript');

function libFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? libFiles(full) : /\.ts$/.test(e.name) ? [full] : [];
  });
}

describe("lib/ under tslab's compiler", () => {
  it('is TypeScript 5.0.4', () => {
    expect(ts.version).toBe('5.0.4');
  });

  it('compiles every file with node10 resolution and no errors', () => {
    const files = libFiles(path.join(ROOT, 'lib'));
    expect(files.length).toBeGreaterThan(5);
    // the options tslab 1.0.22 uses (dist/converter.js), without emitting
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      declaration: true,
      emitDeclarationOnly: true,
      experimentalDecorators: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      rootDir: ROOT,
      outDir: path.join(ROOT, 'out', 'tslab-compile-check'),
    });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const messages = diagnostics.map((d) => {
      const where = d.file ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(messages).toEqual([]);
  });

  it('names a file in every relative import (tslab resolves no directory index at run time)', () => {
    const bad: string[] = [];
    for (const file of libFiles(path.join(ROOT, 'lib'))) {
      const source = fs.readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        if (!['.ts', '.d.ts', '.js', '.json', ''].some((ext) => fs.existsSync(target + ext) && fs.statSync(target + ext).isFile())) {
          bad.push(`${path.relative(ROOT, file)}: '${m[1]}'`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
