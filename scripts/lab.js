#!/usr/bin/env node
// npm run lab: opens the notebooks in JupyterLab when it is installed, else in the classic Notebook,
// with the workbook's TypeScript kernel (jupyter/kernels/<KERNEL_NAME>, found through JUPYTER_PATH).
// Extra arguments go to Jupyter, e.g. `npm run lab -- --no-browser --port 8890`.
// SIGINT and SIGTERM are passed on to Jupyter, and this exits with Jupyter's status.
'use strict';
const { spawn, spawnSync } = require('child_process');
const os = require('os');
const path = require('path');
const { jupyterEnv, KERNEL_SPEC, NOTEBOOKS_DIR, ROOT } = require('./notebook-tools');

const env = jupyterEnv();

/** The first of `jupyter lab`, `jupyter notebook` that runs, with the interpreter it runs under. */
function findJupyter() {
  const candidates = [
    ['jupyter', ['lab']],
    ['/usr/bin/python3', ['-m', 'jupyterlab']],
    ['jupyter', ['notebook']],
    ['/usr/bin/python3', ['-m', 'notebook']],
  ];
  for (const [command, args] of candidates) {
    const probe = spawnSync(command, [...args, '--version'], { env, encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return { command, args };
  }
  return null;
}

const jupyter = findJupyter();
if (!jupyter) {
  console.error(
    'Neither JupyterLab nor the classic Notebook was found.\n' +
      'Install JupyterLab with `pip install jupyterlab`, or on Debian/Ubuntu the classic Notebook with\n' +
      '`sudo apt-get install jupyter-notebook`; then run `npm run lab` again.',
  );
  process.exit(2);
}
console.log(`Starting ${[jupyter.command, ...jupyter.args].join(' ')} in ${NOTEBOOKS_DIR} (kernel: ${KERNEL_SPEC.display_name})`);

// The server serves plotly.js at <base>static/plotly.min.js, where a figure saved in a notebook loads it
// when no earlier output on the page carries it (lib/figures/html.ts). The classic Notebook 6 reads
// NotebookApp's setting, Jupyter Server (JupyterLab, Notebook 7) ServerApp's; each ignores the other.
const plotlyDir = path.join(ROOT, 'node_modules', 'plotly.js-dist-min');
const extra = [
  `--NotebookApp.extra_static_paths=${plotlyDir}`,
  `--ServerApp.extra_static_paths=${plotlyDir}`,
  ...process.argv.slice(2),
];
// Jupyter refuses to start as root (containers often run as root) unless told that it is meant.
if (typeof process.getuid === 'function' && process.getuid() === 0 && !extra.includes('--allow-root')) {
  console.log('Running as root: passing --allow-root to Jupyter.');
  extra.push('--allow-root');
}
const child = spawn(jupyter.command, [...jupyter.args, ...extra], {
  stdio: 'inherit',
  env,
  cwd: NOTEBOOKS_DIR,
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
// A server ended by a signal exits as a shell reports it: 128 + the signal's number.
child.on('exit', (code, signal) => process.exit(code !== null ? code : 128 + (os.constants.signals[signal] || 0)));
