/**
 * The data flows one way through lib/: text → weights → model → frames → figures → notebook, with statistics
 * on their own (they know nothing of GPT-2) and io (files, downloads) beneath everything. Each
 * folder may import only the folders listed for it here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures';

const ALLOWED: Record<string, string[]> = {
  io: [],
  text: [],
  stats: [],
  shims: [],
  weights: ['io'],
  model: ['text', 'weights', 'io'],
  frames: ['model', 'stats', 'text', 'io'],
  figures: ['frames', 'model', 'stats', 'io'],
  notebook: ['figures', 'frames', 'model', 'stats', 'io'],
  datasets: ['stats', 'io'],
  series: ['stats', 'datasets'],
};

/** Every lib/ folder each file of `folder` imports (by relative path), with the importing file. */
function importsOf(folder: string): { file: string; target: string }[] {
  const dir = path.join(ROOT, 'lib', folder);
  const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
  return files.flatMap((file) => {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    return [...source.matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)].map((m) => {
      const resolved = path.relative(path.join(ROOT, 'lib'), path.resolve(path.dirname(path.join(dir, file)), m[1]));
      return { file: `lib/${folder}/${file}`, target: resolved.split(path.sep)[0] };
    });
  });
}

describe('lib/ imports flow one way', () => {
  const folders = fs.readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  it('every folder under lib/ has its place in the order', () => {
    expect(folders.filter((f) => !(f in ALLOWED))).toEqual([]);
    expect(fs.readdirSync(path.join(ROOT, 'lib')).filter((f) => f.endsWith('.ts'))).toEqual([]); // no loose modules at the top
  });

  for (const folder of Object.keys(ALLOWED)) {
    it(`lib/${folder} imports only ${ALLOWED[folder].join(', ') || 'itself'}`, () => {
      const wrong = importsOf(folder).filter(({ target }) => target !== folder && !ALLOWED[folder].includes(target));
      expect(wrong.map(({ file, target }) => `${file} imports lib/${target}`)).toEqual([]);
    });
  }

  it('catches a wrong import (the check itself works)', () => {
    const imports = importsOf('model');
    expect(imports.some(({ target }) => target === 'weights')).toBe(true);
    expect(ALLOWED.weights.includes('model')).toBe(false);
  });
});
