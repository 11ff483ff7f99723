// Part 3's data: the Residential Building reader, its errors, the unpacking of UCI's zip, and the
// article's outlier screen. Expected values come from SOURCE.txt's pandas run on the same workbook.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as XLSX from 'xlsx';
import { zipSync } from 'fflate';
import { DataFrame } from 'danfojs';
import {
  readResidentialBuilding,
  readResidentialBuildingColumns,
  residentialBuildingPath,
  RESIDENTIAL_BUILDING_ENV,
  DEFAULT_RESIDENTIAL_BUILDING_XLSX,
} from '../lib/datasets/residential-building';
import { withArticleTransforms, withoutOutliers, zScores } from '../lib/datasets/residential-building-features';
import { unpackWorkbook } from '../lib/datasets/residential-building-unpack';
import { UCI_WORKBOOK } from './helpers/fixtures';

const ROOT = path.resolve(__dirname, '..');

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'series-data-'));
});
afterEach(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A workbook shaped like UCI's (two header rows, data from row 3) with the given cells overridden. */
function writeWorkbook(file: string, cells: Record<string, unknown>, sheetName = 'Data'): void {
  const sheet: XLSX.WorkSheet = {};
  const defaults: Record<string, unknown> = { F2: 'V-2', V2: 'V-20', AA2: 'V-25', DD2: 'V-9', F3: 3150, V3: 15, AA3: 67.81, DD3: 2200 };
  for (const [address, value] of Object.entries({ ...defaults, ...cells })) {
    if (value === undefined) continue;
    sheet[address] = typeof value === 'number' ? { t: 'n', v: value } : { t: 's', v: String(value) };
  }
  sheet['!ref'] = 'A1:DE3';
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, sheetName);
  XLSX.writeFile(book, file);
}

describe('readResidentialBuilding', () => {
  it('reads the four article columns of all 372 projects', () => {
    const df = readResidentialBuilding(UCI_WORKBOOK);
    expect(df.shape).toEqual([372, 4]);
    expect(df.columns).toEqual(['FloorArea', 'Interest', 'CPI', 'Price']);

    const c = readResidentialBuildingColumns(UCI_WORKBOOK);
    expect(Math.min(...c.FloorArea)).toBe(200);
    expect(Math.max(...c.FloorArea)).toBe(15670);
    expect(mean(c.FloorArea)).toBeCloseTo(1729.04, 2);
    expect(Math.min(...c.Interest)).toBe(11);
    expect(Math.max(...c.Interest)).toBe(15);
    expect(c.Interest.filter((rate) => rate > 14.5)).toHaveLength(240);
    expect(Math.min(...c.CPI)).toBeCloseTo(11.62, 10);
    expect(Math.max(...c.CPI)).toBeCloseTo(204.7, 10);
    expect(mean(c.CPI)).toBeCloseTo(88.38, 2);
    expect(Math.min(...c.Price)).toBe(50);
    expect(Math.max(...c.Price)).toBe(6800);
    expect(mean(c.Price)).toBeCloseTo(1387.43, 2);
    // the first project (sheet row 3)
    expect([c.FloorArea[0], c.Interest[0], c.CPI[0], c.Price[0]]).toEqual([3150, 15, 67.81, 2200]);
  });

  it('takes the path from the argument, then the environment, then data/', () => {
    const saved = process.env[RESIDENTIAL_BUILDING_ENV];
    try {
      delete process.env[RESIDENTIAL_BUILDING_ENV];
      expect(residentialBuildingPath()).toBe(DEFAULT_RESIDENTIAL_BUILDING_XLSX);
      expect(DEFAULT_RESIDENTIAL_BUILDING_XLSX).toBe(path.join(ROOT, 'data', 'Residential-Building-Data-Set.xlsx'));
      process.env[RESIDENTIAL_BUILDING_ENV] = UCI_WORKBOOK;
      expect(residentialBuildingPath()).toBe(UCI_WORKBOOK);
      expect(readResidentialBuilding().shape).toEqual([372, 4]);
      expect(residentialBuildingPath('/elsewhere/book.xlsx')).toBe('/elsewhere/book.xlsx');
    } finally {
      if (saved === undefined) delete process.env[RESIDENTIAL_BUILDING_ENV];
      else process.env[RESIDENTIAL_BUILDING_ENV] = saved;
    }
  });

  it('says to run npm run data when the workbook is missing', () => {
    const missing = path.join(scratch, 'nothing-here.xlsx');
    expect(() => readResidentialBuilding(missing)).toThrow(/not at .*nothing-here\.xlsx.*npm run data.*RESIDENTIAL_BUILDING_XLSX/);
  });

  it('rejects a file that is not a workbook', () => {
    const file = path.join(scratch, 'broken.xlsx');
    fs.writeFileSync(file, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]));
    expect(() => readResidentialBuilding(file)).toThrow(/broken\.xlsx/);
  });

  it('rejects a workbook without the Data sheet, naming the sheets it has', () => {
    const file = path.join(scratch, 'other.xlsx');
    writeWorkbook(file, {}, 'Prices');
    expect(() => readResidentialBuilding(file)).toThrow(/no sheet "Data" \(its sheets: Prices\)/);
  });

  it('rejects a workbook whose header row holds other variables', () => {
    const file = path.join(scratch, 'shifted.xlsx');
    writeWorkbook(file, { V2: 'V-19' });
    expect(() => readResidentialBuilding(file)).toThrow(/cell V2 should hold the variable id "V-20".*"V-19"/);
  });

  it('names the cell when a value is not a number', () => {
    const file = path.join(scratch, 'text-cell.xlsx');
    writeWorkbook(file, { AA3: 'n/a' });
    expect(() => readResidentialBuilding(file)).toThrow(/cell AA3 \(CPI, V-25\) should be a number but is "n\/a"/);
  });
});

describe('the article outlier screen', () => {
  it('removes 4 of 372 rows: 1 by log-Price, 3 by log-FloorArea, none by CPI', () => {
    const df = withArticleTransforms(readResidentialBuilding(UCI_WORKBOOK));
    expect(df.columns).toEqual(['FloorArea', 'Interest', 'CPI', 'Price', 'log-Price', 'log-FloorArea', 'bin-Interest']);
    const screen = withoutOutliers(df);
    expect(screen.flaggedBy).toEqual({ 'log-Price': 1, 'log-FloorArea': 3, CPI: 0 });
    expect(screen.removedRows).toBe(4);
    expect(screen.kept.shape).toEqual([368, 7]);
    expect(screen.kept.index).toEqual(Array.from({ length: 368 }, (_, i) => i));
  });

  it('computes z-scores with the sample standard deviation', () => {
    const z = zScores(new DataFrame({ a: [1, 2, 3, 4] }), ['a']);
    // mean 2.5, sample sd sqrt(5/3)
    expect(z['a'].values[0]).toBeCloseTo(-1.5 / Math.sqrt(5 / 3), 12);
  });

  it('refuses the log of a non-positive value, naming the row', () => {
    const df = new DataFrame({ FloorArea: [10, 0], Interest: [15, 11], CPI: [1, 2], Price: [5, 6] });
    expect(() => withArticleTransforms(df)).toThrow(/log\(FloorArea\) needs positive values, but row 1 holds 0/);
  });
});

describe('unpackWorkbook', () => {
  it('writes the zip’s workbook byte for byte', () => {
    const bytes = new Uint8Array(fs.readFileSync(UCI_WORKBOOK));
    const zip = path.join(scratch, 'uci.zip');
    fs.writeFileSync(zip, zipSync({ 'Residential-Building-Data-Set.xlsx': bytes, '__MACOSX/._Residential-Building-Data-Set.xlsx': new Uint8Array([0]) }));
    const dest = path.join(scratch, 'data', 'Residential-Building-Data-Set.xlsx');
    expect(unpackWorkbook(zip, dest)).toBe('Residential-Building-Data-Set.xlsx');
    expect(Buffer.compare(fs.readFileSync(dest), Buffer.from(bytes))).toBe(0);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['Residential-Building-Data-Set.xlsx']);
  });

  it('says what the zip holds when there is no workbook in it', () => {
    const zip = path.join(scratch, 'empty.zip');
    fs.writeFileSync(zip, zipSync({ 'README.txt': new Uint8Array([104, 105]) }));
    expect(() => unpackWorkbook(zip, path.join(scratch, 'out.xlsx'))).toThrow(/exactly one \.xlsx workbook but holds 0/);
    expect(fs.existsSync(path.join(scratch, 'out.xlsx'))).toBe(false);
  });

  it('rejects a file that is not a zip', () => {
    const zip = path.join(scratch, 'page.zip');
    fs.writeFileSync(zip, '<html>offline</html>');
    expect(() => unpackWorkbook(zip, path.join(scratch, 'out.xlsx'))).toThrow(/page\.zip is not a readable zip/);
  });
});
