/**
 * `npm run lab` (scripts/lab.js) passes SIGINT and SIGTERM on to the Jupyter server it started and
 * exits with the server's status, leaving no server behind.
 *
 * Needs Jupyter (the classic Notebook or JupyterLab): required when CI is set, skipped otherwise.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { isRunning, startLab } from './helpers/lab';

const probe = spawnSync('/usr/bin/python3', ['-m', 'notebook', '--version'], { encoding: 'utf8' });
const missing = probe.error || probe.status !== 0 ? 'Jupyter (apt-get install jupyter-notebook)' : '';

describe('npm run lab', () => {
  if (missing && !process.env.CI) {
    it.skip(`skipped: missing ${missing} (required when CI is set)`, () => undefined);
    return;
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`passes ${signal} on to the Jupyter server and exits with its status`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbook-lab-'));
      const lab = await startLab(dir);
      try {
        expect(isRunning(lab.serverPid), 'the server runs').toBe(true);
        lab.process.kill(signal);
        const exit = await lab.exited;
        expect(exit, lab.log()).toEqual({ code: 0, signal: null });
        expect(isRunning(lab.serverPid), `server ${lab.serverPid} stopped`).toBe(false);
      } finally {
        lab.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, 90_000);
  }
});
