/**
 * UCI serves dataset 437 as a zip holding the workbook; this takes the workbook out of it. The write
 * goes to a temporary name first, so an interrupted unpack never leaves a half-written .xlsx behind.
 */
import * as fs from 'fs';
import { unzipSync } from 'fflate';
import { writeFileAtomically } from '../io/write-file-atomically';

/** UCI's download of dataset 437 ("Residential Building"). */
export const RESIDENTIAL_BUILDING_ZIP_URL =
  'https://archive.ics.uci.edu/static/public/437/residential+building+data+set.zip';

/** Writes the zip's only .xlsx entry to `workbookPath`; returns the entry's name inside the zip. */
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
        `. Unpack it by hand and set RESIDENTIAL_BUILDING_XLSX to the workbook's path.`,
    );
  }
  writeFileAtomically(workbookPath, entries[names[0]]);
  return names[0];
}
