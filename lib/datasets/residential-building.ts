/**
 * The UCI Residential Building data (Rafiei & Adeli, UCI dataset 437, CC BY 4.0), read the way part 3
 * of the series reads it: `pd.read_excel(f, skiprows=1, usecols='F,V,AA,DD')`, then the columns renamed
 * FloorArea, Interest, CPI, Price.
 *
 * The sheet "Data" has two header rows: row 1 groups the variables, row 2 holds their ids (V-2, V-20,
 * ...); the 372 projects follow from row 3. Skipping row 1 makes row 2 the header, so we check that
 * row 2 holds the ids we expect: a different workbook fails here rather than in a regression.
 */
/// <reference path="../shims/danfojs.d.ts" />
import * as fs from 'fs';
import * as path from 'path';
import * as XLSX from 'xlsx';
import { DataFrame } from 'danfojs';

/** The environment variable that points at the workbook (a copy ships in data/). */
export const RESIDENTIAL_BUILDING_ENV = 'RESIDENTIAL_BUILDING_XLSX';

/** Where `npm run data` puts the workbook. */
export const DEFAULT_RESIDENTIAL_BUILDING_XLSX = path.resolve(
  __dirname,
  '..',
  '..',
  'data',
  'Residential-Building-Data-Set.xlsx',
);

export type ResidentialBuildingColumn = 'FloorArea' | 'Interest' | 'CPI' | 'Price';

/** The four columns the article keeps: sheet column, variable id in row 2, our name, its meaning. */
export const ARTICLE_COLUMNS: ReadonlyArray<{
  letter: string;
  id: string;
  name: ResidentialBuildingColumn;
  meaning: string;
}> = [
  { letter: 'F', id: 'V-2', name: 'FloorArea', meaning: 'total floor area of the building (m²)' },
  { letter: 'V', id: 'V-20', name: 'Interest', meaning: 'interest rate for a loan, time lag 1 (%)' },
  { letter: 'AA', id: 'V-25', name: 'CPI', meaning: 'consumer price index in the base year, lag 1' },
  { letter: 'DD', id: 'V-9', name: 'Price', meaning: 'actual sales price (10000 IRRm)' },
];

const DATA_SHEET = 'Data';
const HEADER_ROW = 2; // 1-based sheet row after skipping the group headers in row 1

export type ResidentialBuildingColumns = Record<ResidentialBuildingColumn, number[]>;

/** The workbook's path: the argument, else $RESIDENTIAL_BUILDING_XLSX, else data/ in the repository. */
export function residentialBuildingPath(explicitPath?: string): string {
  const chosen = explicitPath ?? process.env[RESIDENTIAL_BUILDING_ENV] ?? DEFAULT_RESIDENTIAL_BUILDING_XLSX;
  return path.resolve(chosen);
}

/** The four article columns as plain arrays, one value per project (372 in the UCI file). */
export function readResidentialBuildingColumns(workbookPath?: string): ResidentialBuildingColumns {
  const file = residentialBuildingPath(workbookPath);
  if (!fs.existsSync(file)) {
    throw new Error(
      `The Residential Building workbook is not at ${file}. ` +
        `Run \`npm run data\` to download it from UCI into data/, ` +
        `or set ${RESIDENTIAL_BUILDING_ENV} to the path of Residential-Building-Data-Set.xlsx.`,
    );
  }
  let workbook: XLSX.WorkBook;
  try {
    workbook = XLSX.read(fs.readFileSync(file), { type: 'buffer' });
  } catch (cause) {
    throw new Error(
      `${file} could not be read as an Excel workbook (${(cause as Error).message}). ` +
        `Delete it and run \`npm run data\` to download it again.`,
    );
  }
  const sheet = workbook.Sheets[DATA_SHEET];
  if (sheet === undefined || sheet['!ref'] === undefined) {
    throw new Error(
      `${file} has no sheet "${DATA_SHEET}" (its sheets: ${workbook.SheetNames.join(', ') || 'none'}). ` +
        `It is not the UCI Residential Building workbook; run \`npm run data\` to download that.`,
    );
  }

  for (const column of ARTICLE_COLUMNS) {
    const address = `${column.letter}${HEADER_ROW}`;
    const header = sheet[address]?.v;
    if (header !== column.id) {
      throw new Error(
        `${file}: cell ${address} should hold the variable id "${column.id}" (${column.meaning}) ` +
          `but holds ${JSON.stringify(header ?? null)}. It is not the UCI Residential Building workbook; ` +
          `run \`npm run data\` to download that.`,
      );
    }
  }

  const lastRow = XLSX.utils.decode_range(sheet['!ref']).e.r + 1; // decode_range is 0-based
  const columns: ResidentialBuildingColumns = { FloorArea: [], Interest: [], CPI: [], Price: [] };
  for (let row = HEADER_ROW + 1; row <= lastRow; row++) {
    for (const column of ARTICLE_COLUMNS) {
      const address = `${column.letter}${row}`;
      const value = sheet[address]?.v;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new Error(
          `${file}: cell ${address} (${column.name}, ${column.id}) should be a number but is ` +
            `${JSON.stringify(value ?? null)}. The workbook looks damaged; run \`npm run data\` to download it again.`,
        );
      }
      columns[column.name].push(value);
    }
  }
  if (columns.Price.length === 0) {
    throw new Error(`${file}: sheet "${DATA_SHEET}" has no data rows below its header row ${HEADER_ROW}.`);
  }
  return columns;
}

/** The article's DataFrame: columns FloorArea, Interest, CPI, Price, one row per project. */
export function readResidentialBuilding(workbookPath?: string): DataFrame {
  const columns = readResidentialBuildingColumns(workbookPath);
  return new DataFrame(columns, { columns: ARTICLE_COLUMNS.map((c) => c.name) });
}
