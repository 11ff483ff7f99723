/**
 * OLS benchmark: n = 1,000,000 rows, k = 10 columns (a constant and 9 regressors), fit plus
 * summary, ours against statsmodels on the same data in the same run (when /usr/bin/python3 has it).
 * Prints the times (best of REPEATS) and the ratio ours / statsmodels. Measures only; no assertions.
 *
 *   npm run bench:ols            (N=200000 npm run bench:ols for a quicker run)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normal, ols } from '../lib/stats';

const N = Number(process.env.N ?? 1_000_000);
const K = 10;
const REPEATS = Number(process.env.REPEATS ?? 3);
const PYTHON = '/usr/bin/python3';

function makeData(): { y: number[]; X: number[][] } {
  const draw = normal(2026);
  const beta = Array.from({ length: K }, (_, j) => (j === 0 ? 1 : draw(0, 1)));
  const X: number[][] = new Array(N);
  const y: number[] = new Array(N);
  for (let i = 0; i < N; i++) {
    const row = new Array<number>(K);
    row[0] = 1;
    let mean = beta[0];
    for (let j = 1; j < K; j++) {
      row[j] = draw(0, 1);
      mean += beta[j] * row[j];
    }
    X[i] = row;
    y[i] = mean + draw(0, 1) * (1 + 0.5 * Math.abs(row[1])); // heteroscedastic, like real data
  }
  return { y, X };
}

function best(times: number[]): number {
  return Math.min(...times);
}

function timeOurs(y: number[], X: number[][]): { seconds: number[]; params: number[] } {
  const seconds: number[] = [];
  let params: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    const res = ols(y, X);
    res.summary();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
    params = res.params;
  }
  return { seconds, params };
}

function timeStatsmodels(y: number[], X: number[][]): { seconds: number[]; params: number[] } | string {
  const probe = spawnSync(PYTHON, ['-c', 'import statsmodels'], { encoding: 'utf8' });
  if (probe.status !== 0) return `statsmodels is not available through ${PYTHON}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ols-'));
  const file = path.join(dir, 'data.f64');
  const buffer = new Float64Array(N * (K + 1));
  buffer.set(y, 0);
  for (let i = 0; i < N; i++) buffer.set(X[i], N + i * K);
  fs.writeFileSync(file, Buffer.from(buffer.buffer));
  const run = spawnSync(PYTHON, [path.join(__dirname, 'ols_statsmodels.py'), file, String(N), String(K), String(REPEATS)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (run.status !== 0) return `statsmodels run failed: ${run.stderr}`;
  const out = JSON.parse(run.stdout);
  return { seconds: out.fit_summary_seconds, params: out.params };
}

function main(): void {
  console.log(`OLS fit + summary, n = ${N.toLocaleString('en-US')}, k = ${K}, best of ${REPEATS} (Node ${process.version}, ${os.cpus().length} cores shared)`);
  let start = process.hrtime.bigint();
  const { y, X } = makeData();
  console.log(`  data generated in ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(2)} s`);
  const ours = timeOurs(y, X);
  console.log(`  ours:        ${best(ours.seconds).toFixed(3)} s   (runs: ${ours.seconds.map((s) => s.toFixed(3)).join(', ')})`);
  start = process.hrtime.bigint();
  const theirs = timeStatsmodels(y, X);
  if (typeof theirs === 'string') {
    console.log(`  statsmodels: skipped (${theirs})`);
    return;
  }
  console.log(`  statsmodels: ${best(theirs.seconds).toFixed(3)} s   (runs: ${theirs.seconds.map((s) => s.toFixed(3)).join(', ')}; process incl. loading ${(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1)} s)`);
  const agreement = Math.max(...ours.params.map((p, i) => Math.abs(p - theirs.params[i]) / Math.abs(theirs.params[i])));
  console.log(`  estimates agree to ${agreement.toExponential(1)} relative`);
  console.log(`  ratio ours / statsmodels: ${(best(ours.seconds) / best(theirs.seconds)).toFixed(2)} (target <= 2)`);
}

main();
