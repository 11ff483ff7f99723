// What scripts/lab.js, scripts/run-notebooks.js and the tests share about notebooks and the kernel.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const KERNELS_DIR = path.join(ROOT, 'jupyter'); // holds kernels/<KERNEL_NAME>/kernel.json
const NOTEBOOKS_DIR = path.join(ROOT, 'notebooks');
/** The workbook's kernelspec: its own name, so a global `tslab install` cannot shadow it. */
const KERNEL_NAME = 'gpt2-workbook';
const KERNEL_SPEC = JSON.parse(fs.readFileSync(path.join(KERNELS_DIR, 'kernels', KERNEL_NAME, 'kernel.json'), 'utf8'));

/** The environment with JUPYTER_PATH leading to the workbook's kernelspec (ahead of any global one). */
function jupyterEnv(base = process.env) {
  const paths = [KERNELS_DIR, ...(base.JUPYTER_PATH ? base.JUPYTER_PATH.split(path.delimiter) : [])];
  return { ...base, JUPYTER_PATH: paths.join(path.delimiter) };
}

/** The named notebooks (checked to exist), or every notebooks/*.ipynb in order. */
function listNotebooks(names = []) {
  if (names.length === 0) {
    return fs
      .readdirSync(NOTEBOOKS_DIR)
      .filter((f) => f.endsWith('.ipynb'))
      .sort()
      .map((f) => path.join(NOTEBOOKS_DIR, f));
  }
  return names.map((name) => {
    const file = path.resolve(name);
    if (!fs.existsSync(file) || !file.endsWith('.ipynb')) {
      throw new Error(`No notebook at ${name}: name .ipynb files, e.g. notebooks/04-gpt2-activations.ipynb`);
    }
    return file;
  });
}

/** Cells that carry outputs or execution counts, as "cell N" strings (empty when clean). */
function cellsWithOutputs(notebook) {
  const dirty = [];
  notebook.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if ((cell.outputs && cell.outputs.length > 0) || cell.execution_count != null) dirty.push(`cell ${i}`);
  });
  return dirty;
}

/** Clears outputs and execution counts in place; true when the file changed. */
function stripOutputs(file) {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (cellsWithOutputs(notebook).length === 0) return false;
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, JSON.stringify(notebook, null, 1) + '\n');
  fs.renameSync(temporary, file);
  return true;
}

module.exports = { ROOT, KERNELS_DIR, NOTEBOOKS_DIR, KERNEL_NAME, KERNEL_SPEC, jupyterEnv, listNotebooks, cellsWithOutputs, stripOutputs };
