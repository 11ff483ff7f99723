/**
 * `npm run lab` as a test starts it: scripts/lab.js on a free port, no browser, a known token, serving
 * `notebookDir`, with Jupyter's runtime, data and config folders fresh (nothing of the user's is read
 * or written). `stop()` ends the server and lab.js whatever state a test left them in.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Lab {
  process: ChildProcess;
  /** The Jupyter server, lab.js's child. */
  serverPid: number;
  /** http://127.0.0.1:<port>/ */
  url: string;
  token: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log(): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startLab(notebookDir: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<Lab> {
  const port = await freePort();
  const token = `workbook-test-${process.pid}`;
  const home = fs.mkdtempSync(path.join(notebookDir, '.jupyter-'));
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts', 'lab.js'), '--no-browser', `--port=${port}`, '--ip=127.0.0.1',
      `--NotebookApp.token=${token}`, `--ServerApp.token=${token}`, `--notebook-dir=${notebookDir}`],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
        JUPYTER_DATA_DIR: path.join(home, 'data'),
        JUPYTER_CONFIG_DIR: path.join(home, 'config'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}/`;
  const log = () => output.join('').slice(-8000);

  let serverPid = 0;
  const stop = () => {
    for (const pid of [serverPid, child.pid]) {
      if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm run lab exited (${child.exitCode}) before serving: ${log()}`);
    const response = await fetch(`${url}api/status?token=${token}`).catch(() => null);
    if (response && response.ok) break;
    if (Date.now() > deadline) {
      stop();
      throw new Error(`Jupyter did not answer at ${url} within ${timeoutMs} ms: ${log()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  serverPid = Number(fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { process: child, serverPid, url, token, exited, log, stop };
}
