#!/usr/bin/env node
// npm run notebooks [-- notebooks/04-gpt2-activations.ipynb ...]
//   Executes the notebooks headlessly with the workbook's kernel (all of notebooks/*.ipynb when
//   none are named), fails on any error or stderr output, and writes executed copies to
//   out/notebooks/<name>.ipynb and .html.
// npm run notebooks -- --strip [notebooks...]
//   Removes outputs and execution counts in place (committed notebooks carry no outputs).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { stripOutputs, jupyterEnv, listNotebooks, ROOT } = require('./notebook-tools');

const PYTHON = process.env.NOTEBOOK_PYTHON || '/usr/bin/python3';
const OUT_DIR = path.join(ROOT, 'out', 'notebooks');

function checkPython() {
  const probe = spawnSync(PYTHON, ['-c', 'import nbclient, nbconvert, nbformat'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error(
      `Cannot run notebooks: ${PYTHON} with nbclient and nbconvert is needed ` +
        `(${probe.error ? probe.error.message : probe.stderr.trim().split('\n').pop()}).\n` +
        'Install them with: apt-get install -y --no-install-recommends jupyter-notebook jupyter-nbconvert ' +
        'python3-nbclient python3-ipykernel   (or pip install nbclient nbconvert and set NOTEBOOK_PYTHON).',
    );
    process.exit(2);
  }
}

function main() {
  const args = process.argv.slice(2);
  const strip = args.includes('--strip');
  let notebooks;
  try {
    notebooks = listNotebooks(args.filter((a) => a !== '--strip'));
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (strip) {
    for (const file of notebooks) {
      const changed = stripOutputs(file);
      console.log(`${changed ? 'stripped' : 'clean   '} ${path.relative(ROOT, file)}`);
    }
    return;
  }
  checkPython();
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = Date.now();
  const run = spawnSync(PYTHON, [path.join(__dirname, 'run_notebooks.py'), OUT_DIR, ...notebooks], {
    stdio: 'inherit',
    env: jupyterEnv(),
    cwd: ROOT,
  });
  console.log(`npm run notebooks: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  process.exit(run.status === null ? 1 : run.status);
}

main();
