/**
 * The corpus run sharded on Slurm (scripts/slurm/): a job array of shards, then the merge that
 * depends on it, on a real one-node cluster. The merged folder must hold what one process writes
 * for the whole corpus. Needs Slurm (slurm-wlm, munge) and root to start a private cluster, or
 * SLURM_CONF naming a running one: required when CI is set, skipped otherwise.
 */
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRecord, SlurmCluster, run, sbatch, slurmMissing, startSlurm, waitForJobs } from './helpers/slurm';

const ROOT = path.resolve(__dirname, '..');
const SUBMIT = path.join(ROOT, 'scripts', 'slurm', 'submit-corpus.sh');
const TINY_CORPUS = path.join(ROOT, 'test', 'fixtures', 'corpus', 'tiny.jsonl');
const OUTPUTS = ['norms.csv', 'norms.parquet', 'regressions.csv', 'head_shares.csv', 'report.html'];
const JOB_TIMEOUT = 240_000;

const missing = slurmMissing();
const required = Boolean(process.env.CI);

/** Every output file under `dir`, relative, leaving out the shard folders and logs a sharded run keeps there, and a run's own work (.corpus-run). */
function outputFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => !/^(shard-\d+|logs|\.corpus-run)(\/|$)/.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

/** report.html without what differs between runs: durations and clock times. */
function withoutTimings(html: string): string {
  return html.replace(/\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?Z?/g, '<time>').replace(/\d+(\.\d+)?\s?(ms|s|sec|seconds?|min|minutes?)\b/g, '<duration>');
}

/** The job ids submit-corpus.sh printed: shards, then merge. */
function submittedJobs(stdout: string): { shards: string; merge: string } {
  const shards = /^shards: job (\d+)/m.exec(stdout)?.[1];
  const merge = /^merge: +job (\d+)/m.exec(stdout)?.[1];
  if (!shards || !merge) throw new Error(`submit-corpus.sh printed no job ids: ${stdout}`);
  return { shards, merge };
}

function describeJobs(records: JobRecord[], logs: string): string {
  const states = records.map((j) => `${j.JobId}${j.ArrayTaskId ? `[${j.ArrayTaskId}]` : ''} ${j.JobState} ${j.ExitCode} (${j.Reason})`).join(', ');
  const text = fs.existsSync(logs) ? fs.readdirSync(logs).map((f) => `--- ${f}\n${fs.readFileSync(path.join(logs, f), 'utf8').slice(-2000)}`).join('\n') : 'no logs';
  return `${states}\n${text}`;
}

describe('the corpus run sharded on Slurm', () => {
  if (missing && !required) {
    it.skip(`skipped: ${missing} (required when CI is set)`, () => undefined);
    return;
  }

  let cluster: SlurmCluster | undefined;
  let work = '';
  beforeAll(() => {
    if (missing) return; // the first test reports it
    cluster = startSlurm();
    fs.mkdirSync(path.join(ROOT, 'out'), { recursive: true });
    work = fs.mkdtempSync(path.join(ROOT, 'out', 'slurm-test-')); // in the repository: a real cluster's nodes see it
  }, 120_000);

  afterAll(() => {
    cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('has a cluster (CI installs Slurm; the test starts a one-node cluster)', () => {
    expect(missing, 'CI is set, so Slurm is required').toBeNull();
    const info = run('sinfo', ['-h', '-o', '%T'], cluster!.env);
    expect(info.stdout.split('\n'), `${cluster!.description}: ${info.stderr}`).toContain('idle');
  });

  it('runs every task of a job array, then the job that depends on it', async () => {
    const dir = path.join(work, 'array');
    fs.mkdirSync(dir);
    const env = cluster!.env;
    const array = sbatch(['--array=0-2', `--output=${dir}/%a.log`, '--wrap', `echo "$SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT" > ${dir}/task-$SLURM_ARRAY_TASK_ID`], env);
    const after = sbatch([`--dependency=afterok:${array}`, `--output=${dir}/after.log`, '--wrap', `cat ${dir}/task-* > ${dir}/seen-by-dependent`], env);
    const jobs = await waitForJobs([array, after], env, JOB_TIMEOUT);

    expect(jobs.get(array)!.map((j) => [j.ArrayTaskId, j.JobState, j.ExitCode])).toEqual([
      ['0', 'COMPLETED', '0:0'],
      ['1', 'COMPLETED', '0:0'],
      ['2', 'COMPLETED', '0:0'],
    ]);
    expect(jobs.get(after)!.map((j) => j.JobState)).toEqual(['COMPLETED']);
    expect(fs.readFileSync(path.join(dir, 'seen-by-dependent'), 'utf8')).toBe('0 3\n1 3\n2 3\n');
  });

  it('a shard that fails cancels the merge, and its log says why', async () => {
    const out = path.join(work, 'failing');
    const submit = run(SUBMIT, [TINY_CORPUS, 'synthetic:no-such-size', out, '2'], cluster!.env, work);
    expect(submit.status, submit.stderr).toBe(0);
    const { shards, merge } = submittedJobs(submit.stdout);
    const jobs = await waitForJobs([shards, merge], cluster!.env, JOB_TIMEOUT);
    const records = [...jobs.get(shards)!, ...jobs.get(merge)!];

    expect(jobs.get(shards)!.map((j) => j.JobState), describeJobs(records, path.join(out, 'logs'))).toEqual(['FAILED', 'FAILED']);
    expect(jobs.get(merge)!.map((j) => [j.JobState, j.Reason])).toEqual([['CANCELLED', 'DependencyNeverSatisfied']]);
    for (const k of [0, 1]) {
      const log = fs.readFileSync(path.join(out, 'logs', `shard-${k}.log`), 'utf8');
      expect(log).toContain(`shard ${k}/2 of ${TINY_CORPUS}`);
      const errors = log.split('\n').filter((line) => line.startsWith('error: '));
      expect(errors, log.slice(-2000)).toHaveLength(1);
      expect(errors[0], 'the error names the model that does not exist').toContain('no-such-size');
    }
  });

  it('merges three shards of the tiny corpus into what one run over it writes', async () => {
    const single = path.join(work, 'single');
    const sharded = path.join(work, 'sharded');
    const one = run('npm', ['start', '--', '--corpus', TINY_CORPUS, '--model', 'synthetic:tiny', '--out', single]);
    expect(one.status, `npm start -- --corpus ... failed: ${one.stderr.slice(-2000)}`).toBe(0);

    const submit = run(SUBMIT, [path.relative(work, TINY_CORPUS), 'synthetic:tiny', 'sharded', '3'], cluster!.env, work); // relative paths, another folder
    expect(submit.status, submit.stderr).toBe(0);
    const { shards, merge } = submittedJobs(submit.stdout);
    const jobs = await waitForJobs([shards, merge], cluster!.env, JOB_TIMEOUT);
    const records = [...jobs.get(shards)!, ...jobs.get(merge)!];
    expect(records.map((j) => j.JobState), describeJobs(records, path.join(sharded, 'logs'))).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);

    for (const k of [0, 1, 2]) expect(fs.existsSync(path.join(sharded, `shard-${k}`)), `shard-${k}`).toBe(true);
    const files = outputFiles(single);
    expect(files).toEqual(expect.arrayContaining(OUTPUTS));
    expect(outputFiles(sharded)).toEqual(files);
    for (const file of files) {
      const [a, b] = [fs.readFileSync(path.join(single, file)), fs.readFileSync(path.join(sharded, file))];
      if (file === 'report.html') expect(withoutTimings(b.toString('utf8')), file).toBe(withoutTimings(a.toString('utf8')));
      else expect(b.equals(a), `${file} of the merged shards differs from the single run's`).toBe(true);
    }
  });
});
