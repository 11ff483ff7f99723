// `npm run data` (scripts/download-data.ts) in-process through its exported main(argv), against a
// loopback server that serves a zip like UCI's; no request leaves 127.0.0.1.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as XLSX from 'xlsx';
import { zipSync } from 'fflate';
import { main } from '../scripts/download-data';
import { ROOT, UCI_WORKBOOK } from './helpers/fixtures';

const workbookBytes = fs.readFileSync(UCI_WORKBOOK);
const ucisZip = Buffer.from(zipSync({ 'Residential-Building-Data-Set.xlsx': new Uint8Array(workbookBytes) }));
/** A zip holding some other workbook: a sheet "Data" without the article's variable ids. */
const otherZip = (() => {
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['group'], ['V-1'], [1]]), 'Data');
  const bytes = XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
  return Buffer.from(zipSync({ 'Residential-Building-Data-Set.xlsx': new Uint8Array(bytes) }));
})();

let server: http.Server;
let base: string;
let scratch: string;
let dest: string;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    const zip = req.url === '/437.zip' ? ucisZip : req.url === '/other.zip' ? otherZip : undefined;
    if (!zip) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length });
    res.end(zip);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'series-download-'));
  dest = path.join(scratch, 'data', 'Residential-Building-Data-Set.xlsx');
});
afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** `npm run data -- <args>`: what it printed, its progress (stderr, not a terminal), and the message it failed with. */
async function data(...args: string[]): Promise<{ stdout: string; stderr: string; error?: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ') + '\n'));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const wasTTY = process.stderr.isTTY;
  process.stderr.isTTY = false;
  try {
    await main(args);
    return { stdout: out.join(''), stderr: err.join('') };
  } catch (e) {
    return { stdout: out.join(''), stderr: err.join(''), error: (e as Error).message };
  } finally {
    process.stderr.isTTY = wasTTY;
    log.mockRestore();
    write.mockRestore();
  }
}

const shown = (file: string) => path.relative(process.cwd(), file);
const described = '372 projects (FloorArea, Interest, CPI, Price), the copy the repository ships';

describe('npm run data', () => {
  it('finds the workbook the repository ships in data/ and downloads nothing', async () => {
    const r = await data('--url', `${base}/437.zip`);
    expect(r.error).toBeUndefined();
    const shipped = path.join(ROOT, 'data', 'Residential-Building-Data-Set.xlsx');
    expect(r.stdout).toBe(`${shown(shipped)} is already there: ${described}. \`npm run data -- --force\` downloads a fresh copy from UCI.\n`);
    expect(requests).toEqual([]);
  });

  it('downloads the zip, unpacks the workbook, checks it reads, and leaves only the workbook', async () => {
    const r = await data('--url', `${base}/437.zip`, '--dest', dest);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`Unpacked Residential-Building-Data-Set.xlsx to ${shown(dest)}: ${described}.\n`);
    expect(r.stdout).toMatch(/Cite as: Rafiei, M\. H\. and Adeli, H\. \(2018\)/);
    expect(r.stderr).toMatch(/^UCI Residential Building \(dataset 437\): starting, [\d.]+ kB\n/);
    expect(Buffer.compare(fs.readFileSync(dest), workbookBytes)).toBe(0);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['Residential-Building-Data-Set.xlsx']);

    const again = await data('--url', `${base}/437.zip`, '--dest', dest);
    expect(again.stdout).toMatch(/is already there: 372 projects/);
    expect(requests).toEqual(['/437.zip']); // the second run asked for nothing
  });

  it('downloads a fresh copy over the workbook with --force', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(UCI_WORKBOOK, dest);
    const r = await data('--url', `${base}/437.zip`, '--dest', dest, '--force');
    expect(r.error).toBeUndefined();
    expect(r.stdout).toContain(`Unpacked Residential-Building-Data-Set.xlsx to ${shown(dest)}: ${described}.\n`);
    expect(requests).toEqual(['/437.zip']);
  });

  it('replaces a workbook that cannot be read, saying why', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, 'not a workbook');
    const r = await data('--url', `${base}/437.zip`, '--dest', dest);
    expect(r.error).toBeUndefined();
    expect(r.stdout).toMatch(/^.*Residential-Building-Data-Set\.xlsx cannot be read \(.*has no sheet "Data".*\): downloading a fresh copy from UCI\.\n/);
    expect(Buffer.compare(fs.readFileSync(dest), workbookBytes)).toBe(0);
  });

  it('keeps the workbook it has when the zip holds some other workbook', async () => {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(UCI_WORKBOOK, dest);
    const r = await data('--url', `${base}/other.zip`, '--dest', dest, '--force');
    const zip = path.join(path.dirname(dest), 'residential-building-data-set.zip');
    expect(r.error).toBe(
      `Residential-Building-Data-Set.xlsx in ${zip} is not the UCI Residential Building workbook ` +
        `(Residential-Building-Data-Set.xlsx: cell F2 should hold the variable id "V-2" (total floor area of the building (m²)) but holds null); ` +
        `${dest} was left as it was. Check where the zip came from, or set RESIDENTIAL_BUILDING_XLSX to a copy of the workbook.`,
    );
    expect(Buffer.compare(fs.readFileSync(dest), workbookBytes)).toBe(0);
    expect(fs.readdirSync(path.dirname(dest)).sort()).toEqual(['Residential-Building-Data-Set.xlsx', 'residential-building-data-set.zip']);
  });

  it('says how to get the data by hand when offline', async () => {
    const r = await data('--url', 'http://127.0.0.1:1/437.zip', '--dest', dest);
    expect(r.error).toMatch(/^no network: cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\): no connection to UCI: download the zip from https:\/\/archive\.ics\.uci\.edu\/dataset\/437\/.* or set RESIDENTIAL_BUILDING_XLSX to a copy of the workbook$/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('reports a missing file on the server', async () => {
    const r = await data('--url', `${base}/moved.zip`, '--dest', dest);
    expect(r.error).toMatch(/^HTTP 404 Not Found: http:\/\/127\.0\.0\.1:\d+\/moved\.zip does not exist: UCI may have moved the file: download the zip/);
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('--help prints the usage; a wrong option is one line ending with it', async () => {
    const help = await data('--help');
    expect(help.stdout).toMatch(/^usage: npm run data -- \[--force\] \[--url <zip>\] \[--dest <workbook\.xlsx>\]\n\nThe UCI Residential Building workbook ships in data\//);
    const wrong = await data('--frobnicate');
    expect(wrong.error).toBe("Unknown option '--frobnicate'; usage: npm run data -- [--force] [--url <zip>] [--dest <workbook.xlsx>]");
    expect(requests).toEqual([]);
  });
});
