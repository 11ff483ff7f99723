// `npm run data` end to end against a local server that serves a zip like UCI's, and offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { zipSync } from 'fflate';
import { UCI_WORKBOOK } from './helpers/fixtures';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = path.join(ROOT, 'scripts', 'download-data.ts');

let server: http.Server;
let base: string;
let scratch: string;
const workbookBytes = fs.readFileSync(UCI_WORKBOOK);

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'series-download-'));
  const zip = Buffer.from(zipSync({ 'Residential-Building-Data-Set.xlsx': new Uint8Array(workbookBytes) }));
  server = http.createServer((req, res) => {
    if (req.url === '/437.zip') {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
      res.end(zip);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server?.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function data(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [SCRIPT, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = e as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

describe('npm run data', () => {
  it('downloads the zip, unpacks the workbook and checks it reads', async () => {
    const dest = path.join(scratch, 'data', 'Residential-Building-Data-Set.xlsx');
    const result = await data('--url', `${base}/437.zip`, '--dest', dest);
    expect(result.stderr + result.stdout).toMatch(/Unpacked Residential-Building-Data-Set\.xlsx to .*: 372 projects/);
    expect(result.code).toBe(0);
    expect(Buffer.compare(fs.readFileSync(dest), workbookBytes)).toBe(0);

    const again = await data('--url', `${base}/437.zip`, '--dest', dest);
    expect(again.stdout).toMatch(/already there: 372 projects/);
  });

  it('says how to get the data by hand when offline', async () => {
    const dest = path.join(scratch, 'offline', 'book.xlsx');
    const result = await data('--url', 'http://127.0.0.1:1/437.zip', '--dest', dest);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no network.*archive\.ics\.uci\.edu\/dataset\/437.*RESIDENTIAL_BUILDING_XLSX/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('reports a missing file on the server', async () => {
    const result = await data('--url', `${base}/moved.zip`, '--dest', path.join(scratch, 'moved', 'book.xlsx'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/404.*UCI may have moved the file/);
  });
});
