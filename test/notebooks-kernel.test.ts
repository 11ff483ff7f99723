/**
 * The workbook's kernel under Jupyter's own conformance suite (python3-jupyter-kernel-test), run by
 * test/python/kernel_conformance.py with TypeScript samples. Every test of the suite passes, except the
 * two for features the kernel lacks (a pager, clear_output), which the suite skips.
 *
 * Needs /usr/bin/python3 with jupyter_kernel_test: required when CI is set, skipped with the reason otherwise.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { describe, expect, it } from 'vitest';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { jupyterEnv, KERNEL_NAME, ROOT } = require('../scripts/notebook-tools') as {
  jupyterEnv: () => NodeJS.ProcessEnv;
  KERNEL_NAME: string;
  ROOT: string;
};
const PYTHON = process.env.NOTEBOOK_PYTHON || '/usr/bin/python3';

const EXPECTED: Record<string, 'ok' | 'skipped'> = {
  // jupyter_kernel_test.KernelTests
  test_kernel_info: 'ok',
  test_execute_stdout: 'ok',
  test_execute_stderr: 'ok',
  test_completion: 'ok',
  test_is_complete: 'ok',
  test_pager: 'skipped', // no pager (IPython's `?` help)
  test_error: 'ok',
  test_execute_result: 'ok',
  test_display_data: 'ok',
  test_history: 'ok',
  test_inspect: 'ok',
  test_clear_output: 'skipped', // no call that sends clear_output
  // the workbook's own
  test_kernel_info_names_the_typescript_that_runs: 'ok',
  test_compile_error_is_an_error_message: 'ok',
  test_runtime_error_carries_its_name_message_and_stack: 'ok',
  test_error_aborts_the_requests_queued_behind_it_only: 'ok',
  test_silent_execution_broadcasts_nothing: 'ok',
  test_show_sends_every_representation_in_one_message: 'ok',
  test_progress_redraws_one_display_in_place: 'ok',
};

/** Each test's outcome from unittest's verbose output: `test_x (module.Class.test_x) ... ok`. */
function outcomes(output: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of output.matchAll(/^(test_\w+) \([\w.]+\) \.\.\. (ok|skipped|FAIL|ERROR)/gm)) found[m[1]] = m[2];
  return found;
}

const probe = spawnSync(PYTHON, ['-c', 'import jupyter_kernel_test'], { encoding: 'utf8' });
const missing = probe.error || probe.status !== 0 ? `${PYTHON} with jupyter_kernel_test (apt-get install python3-jupyter-kernel-test)` : '';

describe("the workbook's kernel under jupyter_kernel_test", () => {
  it('reads unittest outcomes, subtests aside', () => {
    const sample = [
      'test_error (__main__.K.test_error) ... ok',
      "test_pager (__main__.K.test_pager) ... skipped ''",
      'test_history (__main__.K.test_history) ... ',
      "  test_history (__main__.K.test_history) (hist_access_type='tail') ... ERROR",
      'test_kernel_info (__main__.K.test_kernel_info) ... FAIL',
    ].join('\n');
    expect(outcomes(sample)).toEqual({ test_error: 'ok', test_pager: 'skipped', test_kernel_info: 'FAIL' });
  });

  if (missing && !process.env.CI) {
    it.skip(`skipped: missing ${missing} (required when CI is set)`, () => undefined);
    return;
  }

  it('passes every test, skipping only the features the kernel lacks', () => {
    expect(missing, 'CI is set, so this is required').toBe('');
    const run = spawnSync(PYTHON, [path.join(ROOT, 'test', 'python', 'kernel_conformance.py')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...jupyterEnv(), WORKBOOK_KERNEL: KERNEL_NAME },
      timeout: 300_000,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(outcomes(output), output.slice(-6000)).toEqual(EXPECTED);
    expect(run.status, output.slice(-6000)).toBe(0);
  }, 320_000);
});
