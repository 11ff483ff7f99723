/**
 * Nothing in the repository reads outside it: no code, notebook or document names a folder beside
 * the repository (the old `shared` one) or a machine's absolute path, and no path built from
 * `__dirname`, the repository root or a relative import climbs above the root. A fresh clone is
 * everything the tests, scripts, benchmarks and notebooks need.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures';

/** Folders that are not the repository's own text: installed packages, outputs, downloads, data. */
const SKIPPED = new Set(['.git', 'node_modules', 'out', 'weights', 'data', path.join('test', 'fixtures')]);
const TEXT = /\.(ts|mts|js|mjs|cjs|py|ipynb|json|md|sh)$/;

function repositoryFiles(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    const relative = path.relative(ROOT, file);
    if (entry.isDirectory()) return SKIPPED.has(relative) ? [] : repositoryFiles(file);
    return TEXT.test(entry.name) || relative === path.join('.ci', 'run') ? [relative] : [];
  });
}

// Written in pieces so that this file does not name them itself.
const FORBIDDEN = [['..', 'shared'].join('/'), ['shared', 'fixtures'].join('/'), ['shared', 'bench'].join('/'), ['', 'work', ''].join('/')];

/** String literals in a piece of code, with where they start. */
function literals(code: string): Array<{ value: string; index: number }> {
  return [...code.matchAll(/'([^'\n]*)'|"([^"\n]*)"|`([^`$\n]*)`/g)].map((m) => ({ value: m[1] ?? m[2] ?? m[3], index: m.index! }));
}

/** How far `segments` climb from a folder `depth` levels below the root: negative means above it. */
function depthAfter(depth: number, segments: string[]): number {
  let d = depth;
  for (const s of segments.flatMap((x) => x.split('/'))) {
    if (s === '..') d -= 1;
    else if (s !== '.' && s !== '') d += 1;
    if (d < 0) return d;
  }
  return d;
}

/** The places in `source` (a file at `file`, relative to the root) that reach outside the repository. */
export function readsOutside(file: string, source: string): string[] {
  const problems: string[] = [];
  const line = (index: number) => source.slice(0, index).split('\n').length;
  for (const name of FORBIDDEN) {
    let at = source.indexOf(name);
    while (at >= 0) {
      problems.push(`${file}:${line(at)} names ${name}`);
      at = source.indexOf(name, at + 1);
    }
  }
  const depth = path.dirname(file) === '.' ? 0 : path.dirname(file).split(path.sep).length;
  const code = file.endsWith('.ipynb') ? notebookCode(source) : source;
  // path.join / path.resolve (and Python's os.path.join) from __dirname, __file__'s folder, or the root
  for (const m of code.matchAll(/(?:path\.(?:join|resolve)|os\.path\.join)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g)) {
    const args = m[1];
    const from = /^\s*(__dirname|os\.path\.dirname\([^)]*__file__[^)]*\))/.test(args) ? depth : /^\s*(ROOT|root|REPO_ROOT)\b/.test(args) ? 0 : null;
    if (from === null) continue;
    if (depthAfter(from, literals(args).map((l) => l.value)) < 0) problems.push(`${file}:${line(m.index!)} climbs above the root: ${m[0]}`);
  }
  // relative imports and requires; in a notebook, paths are relative to the root (the kernel starts there)
  for (const m of code.matchAll(/(?:from\s+|require\(\s*|import\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g)) {
    if (depthAfter(file.endsWith('.ipynb') ? 0 : depth, [m[2]]) < 0) problems.push(`${file}:${line(m.index!)} imports from above the root: ${m[2]}`);
  }
  if (file.endsWith('.ipynb')) {
    for (const l of literals(code)) if (l.value.startsWith('../')) problems.push(`${file} reads ${l.value}, above the root`);
  }
  return problems;
}

function notebookCode(source: string): string {
  const notebook = JSON.parse(source) as { cells: Array<{ cell_type: string; source: string[] | string }> };
  return notebook.cells.filter((c) => c.cell_type === 'code').map((c) => ([] as string[]).concat(c.source).join('')).join('\n');
}

describe('the repository reads nothing outside itself', () => {
  it('the check finds what it looks for', () => {
    expect(readsOutside(path.join('bench', 'x.ts'), "const SHARED = path.join(ROOT, '..', 'other');")).toHaveLength(1);
    expect(readsOutside(path.join('lib', 'x.ts'), "path.resolve(__dirname, '../../weights')")).toHaveLength(1);
    expect(readsOutside(path.join('lib', 'weights', 'x.ts'), "path.resolve(__dirname, '../../weights')")).toEqual([]);
    expect(readsOutside(path.join('test', 'helpers', 'x.ts'), "import { a } from '../../../b';")).toHaveLength(1);
    expect(readsOutside(path.join('test', 'helpers', 'x.ts'), "import { a } from '../../lib/b';")).toEqual([]);
    expect(readsOutside(path.join('bench', 'x.py'), "open(os.path.join(os.path.dirname(__file__), '..', '..', 'x.json'))")).toHaveLength(1);
    expect(readsOutside('README.md', `see ${FORBIDDEN[0]}/fixtures`)).not.toEqual([]);
    const cell = JSON.stringify({ cells: [{ cell_type: 'code', source: ["fs.readFileSync('../data/x.txt')"] }] });
    expect(readsOutside(path.join('notebooks', 'x.ipynb'), cell)).toHaveLength(1);
  });

  it('no file names a place outside the repository or climbs above its root', () => {
    const files = repositoryFiles();
    expect(files).toContain(path.join('lib', 'weights', 'resolve.ts'));
    expect(files).toContain(path.join('notebooks', '04-gpt2-activations.ipynb'));
    expect(files).toContain(path.join('bench', 'torch_gpt2.py'));
    const self = path.relative(ROOT, __filename); // its samples above are meant to be caught
    const problems = files.filter((file) => file !== self).flatMap((file) => readsOutside(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
    expect(problems).toEqual([]);
  });
});
