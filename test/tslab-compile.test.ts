/**
 * Notebooks import lib/ through tslab, which compiles with its own TypeScript 5.0.4, node10 module
 * resolution (package `exports` ignored), only the ES2022 library (no DOM) and declaration output,
 * then loads each compiled file by name. Compile lib/ and a notebook-like cell the same way: what
 * fails here fails in a notebook cell.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts = require(path.join(ROOT, 'node_modules', '@tslab', 'typescript-for-tslab')) as typeof import('typescript');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** tslab 1.0.22's compiler options (dist/converter.js), without emitting. */
function tslabDiagnostics(files: string[]): string[] {
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
    outDir: path.join(os.tmpdir(), 'tslab-compile-check'),
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/**
 * Relative imports that name a folder: they compile, but fail when the cell runs ("Cannot find
 * module"), because tslab looks for `<path>.js` and never for an index file. Import `../text/index`.
 */
function folderImports(dir: string): string[] {
  const problems: string[] = [];
  for (const file of tsFiles(dir).filter((f) => !f.endsWith('.d.ts'))) {
    const source = fs.readFileSync(file, 'utf8');
    for (const m of source.matchAll(/(?:from|import|require\()\s*['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const target = path.resolve(path.dirname(file), m[1]);
      if (!['.ts', '.d.ts', '.js', '.json'].some((ext) => fs.existsSync(target + ext))) {
        problems.push(`${path.relative(dir, file)}: '${m[1]}' is not a file`);
      }
    }
  }
  return problems;
}

describe("lib/ under tslab's compiler", () => {
  it('is TypeScript 5.0.4', () => {
    expect(ts.version).toBe('5.0.4');
  });

  it('compiles every file under lib/ with no errors', () => {
    const files = tsFiles(path.join(ROOT, 'lib'));
    expect(files.length).toBeGreaterThan(5);
    expect(tslabDiagnostics(files)).toEqual([]);
  });

  it('compiles a cell that uses the model, the statistics, danfojs and the notebook display', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tslab-cell-'));
    const cell = path.join(dir, 'cell.ts');
    const lib = (p: string) => JSON.stringify(path.join(ROOT, 'lib', p));
    fs.writeFileSync(cell, [
      `import { DataFrame } from 'danfojs';`,
      `import { loadModel, attentionAdjustmentNorms } from ${lib('model/index')};`,
      `import { ols, olsFormula, histogram, normal, addConstant } from ${lib('stats/index')};`,
      `import { normsFrame } from ${lib('frames/norms')};`,
      `import { markdown, show } from ${lib('notebook/show')};`,
      `import { progressDisplay } from ${lib('notebook/progress')};`,
      `const df = new DataFrame({ y: [1, 2, 4, 3, 5], x: [0, 1, 2, 3, 4] });`,
      `const text: string = olsFormula('y ~ x', df).summary() + ols([1, 2, 4, 3], addConstant([[0], [1], [2], [3]])).summary();`,
      `const edges: number[] = histogram(normal(1).sample(10), 'fd').edges;`,
      `export const run = async () => normsFrame(await attentionAdjustmentNorms(await loadModel('synthetic:tiny'), 'Hello'));`,
      `export const display = () => { show(df); show(df['y']); show(markdown('**x**')); progressDisplay()({ label: 'a', done: 1, unit: 'files' }); };`,
      `export { text, edges };`,
    ].join('\n'));
    try {
      expect(tslabDiagnostics([cell])).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds a folder import and passes file imports', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
    fs.mkdirSync(path.join(dir, 'b'));
    fs.writeFileSync(path.join(dir, 'b', 'index.ts'), 'export const b = 1;');
    fs.writeFileSync(path.join(dir, 'c.ts'), 'export const c = 1;');
    fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nimport { c } from './c';\nimport { d } from './b/index';");
    try {
      expect(folderImports(dir)).toEqual(["a.ts: './b' is not a file"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a file in every relative import under lib/', () => {
    expect(folderImports(path.join(ROOT, 'lib'))).toEqual([]);
  });
});
