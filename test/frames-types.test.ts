/**
 * frames/ and figures/ take the shapes they read from where those are made (`import type`), so a
 * field renamed in the model or the regression table cannot leave a stale copy behind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures';

interface Declared {
  file: string;
  name: string;
  fields: string;
  /** How many fields are not optional (a bag of options has none). */
  required: number;
}

function interfacesIn(folder: string): Declared[] {
  const dir = path.join(ROOT, 'lib', folder);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const source = fs.readFileSync(path.join(dir, f), 'utf8');
    return [...source.matchAll(/^export interface (\w+)[^{]*\{([\s\S]*?)^\}/gm)].map(([, name, body]) => {
      const fields = [...body.matchAll(/^ {2}(\w+)(\??):/gm)];
      return {
        file: `lib/${folder}/${f}`,
        name,
        fields: fields.map((m) => m[1]).sort().join(','),
        required: fields.filter((m) => m[2] === '').length,
      };
    });
  });
}

/** A data shape (three or more required fields) whose every field another declaration has. */
function repeats(own: Declared, other: Declared): boolean {
  const theirs = new Set(other.fields.split(','));
  return own.required >= 3 && own.fields.split(',').every((f) => theirs.has(f));
}

describe('the types frames and figures read', () => {
  const everywhere = fs.readdirSync(path.join(ROOT, 'lib')).flatMap((folder) =>
    fs.statSync(path.join(ROOT, 'lib', folder)).isDirectory() ? interfacesIn(folder) : [],
  );

  it('finds the declarations it compares (the scan works)', () => {
    expect(everywhere.find((d) => d.name === 'AttentionNorms')?.fields).toBe('ids,norms,tokens');
    expect(everywhere.find((d) => d.name === 'RegressionRow')?.file).toBe('lib/frames/regressions.ts');
  });

  it('are not declared a second time under any name, whole or in part', () => {
    const copies = [...interfacesIn('frames'), ...interfacesIn('figures')].flatMap((own) =>
      everywhere
        .filter((other) => (other.file !== own.file || other.name !== own.name) && repeats(own, other))
        .map((other) => `${own.file} ${own.name} repeats ${other.file} ${other.name} (${own.fields})`),
    );
    expect(copies).toEqual([]);
  });
});
