/**
 * Committed notebooks carry no outputs or execution counts (outputs belong in out/notebooks/, written
 * by `npm run notebooks`), and they use the workbook's own kernel (jupyter/kernels/<KERNEL_NAME>).
 * Fix a dirty notebook with `npm run notebooks -- --strip`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { cellsWithOutputs, stripOutputs, KERNEL_NAME, KERNEL_SPEC } = require('../scripts/notebook-tools') as {
  cellsWithOutputs: (notebook: unknown) => string[];
  stripOutputs: (file: string) => boolean;
  KERNEL_NAME: string;
  KERNEL_SPEC: { display_name: string };
};

const ROOT = path.resolve(__dirname, '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const files = fs.existsSync(NOTEBOOKS) ? fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort() : [];

describe('committed notebooks', () => {
  it('the check sees outputs and execution counts, and --strip removes them', () => {
    const dirty = {
      cells: [
        { cell_type: 'markdown', source: 'x' },
        { cell_type: 'code', source: '1', execution_count: 3, outputs: [] },
        { cell_type: 'code', source: '2', execution_count: null, outputs: [{ output_type: 'stream', name: 'stdout', text: '2' }] },
        { cell_type: 'code', source: '3', execution_count: null, outputs: [] },
      ],
    };
    expect(cellsWithOutputs(dirty)).toEqual(['cell 1', 'cell 2']);
    const file = path.join(fs.mkdtempSync(path.join(require('os').tmpdir(), 'nb-')), 'dirty.ipynb');
    fs.writeFileSync(file, JSON.stringify(dirty));
    expect(stripOutputs(file)).toBe(true);
    expect(cellsWithOutputs(JSON.parse(fs.readFileSync(file, 'utf8')))).toEqual([]);
    expect(stripOutputs(file)).toBe(false);
  });

  for (const name of files) {
    it(`${name} has no outputs and runs on the workbook's kernel`, () => {
      const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, name), 'utf8'));
      expect(cellsWithOutputs(notebook), 'run `npm run notebooks -- --strip`').toEqual([]);
      expect(KERNEL_NAME).not.toBe('tslab'); // the name a global `tslab install` takes
      expect(notebook.metadata?.kernelspec).toEqual({ name: KERNEL_NAME, display_name: KERNEL_SPEC.display_name, language: 'typescript' });
    });
  }
});
