// lib/stats and the danfojs declarations must compile under tslab's own TypeScript 5.0.4 with the
// options tslab uses (node10 resolution, ES modules then CommonJS, esModuleInterop).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

describe("tslab's TypeScript", () => {
  it('compiles lib/stats and a cell using it with danfojs types', () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const ts = require(path.join(root, 'node_modules/@tslab/typescript-for-tslab'));
    expect(ts.version).toBe('5.0.4');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tslab-stats-'));
    const cell = path.join(dir, 'cell.ts');
    fs.writeFileSync(
      cell,
      [
        `/// <reference path="${path.join(root, 'lib/shims/danfojs.d.ts')}" />`,
        `import { DataFrame } from 'danfojs';`,
        `import { ols, olsFormula, histogram, normal, addConstant } from '${path.join(root, 'lib/stats')}';`,
        `const df = new DataFrame({ y: [1, 2, 4, 3, 5], x: [0, 1, 2, 3, 4] });`,
        `const fit = olsFormula('y ~ x', df);`,
        `const text: string = fit.summary() + ols([1, 2, 4, 3], addConstant([[0], [1], [2], [3]])).summary();`,
        `const edges: number[] = histogram(normal(1).sample(10), 'fd').edges;`,
        `const shape: number[] = df.shape;`,
        `export { text, edges, shape };`,
      ].join('\n'),
    );
    const program = ts.createProgram([cell], {
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      declaration: true,
      experimentalDecorators: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      noEmit: true,
      typeRoots: [path.join(root, 'node_modules/@types')],
    });
    const messages = ts
      .getPreEmitDiagnostics(program)
      .map((d: { file?: { fileName: string }; messageText: unknown }) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(messages).toEqual([]);
  });
});
