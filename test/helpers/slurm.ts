/**
 * A Slurm cluster for tests: the one SLURM_CONF names, or else a private one-node cluster on
 * localhost that `.ci/slurm-up` starts (as root, with slurm-wlm and munge installed) and
 * `.ci/slurm-down` stops when the test ends. The test owns its cluster, so nothing outlives it, and
 * the cluster's own munge socket and free ports keep it apart from any other on the machine.
 *
 * Jobs are followed with `scontrol show job`: without an accounting database (none here) sacct
 * knows nothing, and the controller keeps finished jobs for MinJobAge (600 s in slurm-up's config).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface SlurmCluster {
  /** The environment to run sbatch, squeue and scontrol in (SLURM_CONF set). */
  env: NodeJS.ProcessEnv;
  /** What it is, for messages. */
  description: string;
  stop(): void;
}

export interface JobRecord {
  JobId: string;
  ArrayJobId?: string;
  ArrayTaskId?: string;
  JobState: string;
  Reason: string;
  ExitCode: string;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY']);

/** Runs `command args` and returns its exit status and output. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? String(result.error ?? '') };
}

function onPath(tool: string): boolean {
  return ['/usr/sbin', ...(process.env.PATH ?? '').split(':')].some((dir) => dir && fs.existsSync(path.join(dir, tool)));
}

/** Why no cluster can be had here (a sentence), or null when one can. */
export function slurmMissing(): string | null {
  if (process.env.SLURM_CONF) return null;
  const absent = ['sbatch', 'slurmctld', 'slurmd', 'munged'].filter((tool) => !onPath(tool));
  if (absent.length > 0) return `Slurm is not installed (no ${absent.join(', ')}): apt-get install -y --no-install-recommends slurm-wlm munge, or set SLURM_CONF to a cluster's slurm.conf`;
  if (process.getuid?.() !== 0) return 'not root: the test starts its own one-node cluster as root; run as root or set SLURM_CONF to a cluster\'s slurm.conf';
  return null;
}

/** The cluster SLURM_CONF names, or a private one started now (stop it when done). */
export function startSlurm(): SlurmCluster {
  if (process.env.SLURM_CONF) {
    const info = run('sinfo', ['-h', '-o', '%P %T %D']);
    if (info.status !== 0) throw new Error(`SLURM_CONF=${process.env.SLURM_CONF} but sinfo fails (${info.stderr.trim()}): start that cluster or unset SLURM_CONF`);
    return { env: process.env, description: `the cluster of ${process.env.SLURM_CONF}`, stop: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slurm-test-'));
  const up = run('bash', [path.join(ROOT, '.ci', 'slurm-up'), dir]);
  if (up.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`.ci/slurm-up could not start a local cluster: ${up.stderr.trim()}`);
  }
  return {
    env: { ...process.env, SLURM_CONF: path.join(dir, 'slurm.conf') },
    description: `a local cluster in ${dir}`,
    stop() {
      const down = run('bash', [path.join(ROOT, '.ci', 'slurm-down'), dir]);
      if (down.status !== 0) throw new Error(`.ci/slurm-down ${dir} failed: ${down.stderr.trim()}`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `sbatch --parsable ...`: the job id. */
export function sbatch(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): string {
  const result = run('sbatch', ['--parsable', ...args], env, cwd);
  if (result.status !== 0) throw new Error(`sbatch ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim().split(';')[0];
}

/** One record per job, or per array task once the array has been split into tasks. */
export function jobRecords(id: string, env: NodeJS.ProcessEnv): JobRecord[] {
  const result = run('scontrol', ['show', 'job', '-o', id], env);
  if (result.status !== 0) throw new Error(`scontrol show job ${id} failed: ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('JobId='))
    .map((line) => Object.fromEntries(line.split(' ').map((field) => field.split(/=(.*)/s, 2))) as JobRecord);
}

/** Waits until every job (and every task of an array job) has finished; their records, sorted by array task. */
export async function waitForJobs(ids: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Map<string, JobRecord[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = new Map(ids.map((id) => [id, jobRecords(id, env).sort((a, b) => Number(a.ArrayTaskId ?? 0) - Number(b.ArrayTaskId ?? 0))]));
    const all = [...records.values()].flat();
    if (all.every((job) => FINISHED.has(job.JobState))) return records;
    if (Date.now() > deadline) {
      const states = all.map((j) => `${j.JobId}${j.ArrayTaskId ? `[${j.ArrayTaskId}]` : ''} ${j.JobState} (${j.Reason})`).join(', ');
      throw new Error(`jobs ${ids.join(', ')} not finished after ${timeoutMs / 1000} s: ${states}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
