/**
 * UCI serves dataset 437 as a zip holding the workbook; this takes the workbook out of it. The
 * workbook is written to a temporary name and read as part 3 reads it before it replaces anything,
 * so neither an interrupted unpack nor a zip holding something else spoils a good copy.
 */
import * as fs from 'fs';
import { unzipSync } from 'fflate';
import { writeFileAtomically } from '../io/write-file-atomically';
import { readResidentialBuildingColumns, RESIDENTIAL_BUILDING_ENV } from './residential-building';

/** UCI's download of dataset 437 ("Residential Building"). */
export const RESIDENTIAL_BUILDING_ZIP_URL =
  'https://archive.ics.uci.edu/static/public/437/residential+building+data+set.zip';

/** sha256 of the workbook the repository ships in data/ (see its SOURCE.md). */
export const SHIPPED_WORKBOOK_SHA256 = '56ccbc261b0f1ceb50e10e3f0cd02794f8cdd16a3ffb9788eeb505e706642655';

/**
 * Writes the zip's only .xlsx entry to `workbookPath` once it reads as the UCI workbook; returns the
 * entry's name inside the zip. On any failure `workbookPath` is left as it was.
 */
export function unpackWorkbook(zipPath: string, workbookPath: string): string {
  if (!fs.existsSync(zipPath)) {
    throw new Error(`No zip at ${zipPath} to unpack; run \`npm run data\` to download it.`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    // the filter skips inflating everything but workbooks (and macOS' __MACOSX shadow copies)
    entries = unzipSync(new Uint8Array(fs.readFileSync(zipPath)), {
      filter: (file) => file.name.toLowerCase().endsWith('.xlsx') && !file.name.startsWith('__MACOSX/'),
    });
  } catch (cause) {
    throw new Error(
      `${zipPath} is not a readable zip (${(cause as Error).message}). Delete it and run \`npm run data\` again.`,
    );
  }
  const names = Object.keys(entries);
  if (names.length !== 1) {
    throw new Error(
      `${zipPath} should hold exactly one .xlsx workbook but holds ${names.length}` +
        (names.length ? ` (${names.join(', ')})` : '') +
        `. Unpack it by hand and set ${RESIDENTIAL_BUILDING_ENV} to the workbook's path.`,
    );
  }
  const unpacked = `${workbookPath}.unpacked`;
  try {
    writeFileAtomically(unpacked, entries[names[0]]);
    const problem = workbookProblem(unpacked);
    if (problem !== undefined) {
      throw new Error(
        `${names[0]} in ${zipPath} is not the UCI Residential Building workbook (${problem.replaceAll(unpacked, names[0])}); ` +
          `${workbookPath} was left as it was. Check where the zip came from, or set ${RESIDENTIAL_BUILDING_ENV} to a copy of the workbook.`,
      );
    }
    fs.renameSync(unpacked, workbookPath);
  } finally {
    fs.rmSync(unpacked, { force: true });
  }
  return names[0];
}

/** Why `workbook` cannot be read as part 3 reads it (the reader's first sentence), or undefined when it can. */
export function workbookProblem(workbook: string): string | undefined {
  try {
    readResidentialBuildingColumns(workbook);
    return undefined;
  } catch (e) {
    return (e as Error).message.split(/\.\s/)[0]; // the reader's own advice ("run npm run data") follows
  }
}
