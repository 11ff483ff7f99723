// npm run data [-- --force] [--url <zip>] [--dest <workbook.xlsx>]
//   Downloads the UCI Residential Building data (dataset 437, Rafiei & Adeli, CC BY 4.0) into data/
//   and unpacks its workbook to data/Residential-Building-Data-Set.xlsx, which part 3 reads.
//   An existing workbook is kept unless --force is given; --url takes the zip from a mirror and
//   --dest puts the workbook elsewhere (point RESIDENTIAL_BUILDING_XLSX at it then).
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import { download } from '../lib/io/download';
import { DownloadError } from '../lib/io/download-error';
import {
  DEFAULT_RESIDENTIAL_BUILDING_XLSX,
  readResidentialBuildingColumns,
  RESIDENTIAL_BUILDING_ENV,
} from '../lib/datasets/residential-building';
import { RESIDENTIAL_BUILDING_ZIP_URL, unpackWorkbook } from '../lib/datasets/residential-building-unpack';
import { progressBar } from './progress-bar';

const UCI_PAGE = 'https://archive.ics.uci.edu/dataset/437/residential+building+data+set';
const CITATION =
  'Rafiei, M. H. and Adeli, H. (2018). Residential Building [Dataset]. UCI Machine Learning Repository. ' +
  `${UCI_PAGE} (CC BY 4.0).`;

const BY_HAND =
  `download the zip from ${UCI_PAGE} yourself and unpack Residential-Building-Data-Set.xlsx into data/, ` +
  `or set ${RESIDENTIAL_BUILDING_ENV} to a copy of the workbook`;

function describe(workbook: string): string {
  const columns = readResidentialBuildingColumns(workbook);
  return `${columns.Price.length} projects (FloorArea, Interest, CPI, Price)`;
}

function parseArguments() {
  try {
    return parseArgs({
      options: {
        force: { type: 'boolean', default: false },
        url: { type: 'string', default: RESIDENTIAL_BUILDING_ZIP_URL },
        dest: { type: 'string', default: DEFAULT_RESIDENTIAL_BUILDING_XLSX },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message.split('.')[0]}. Usage: npm run data -- [--force] [--url <zip>] [--dest <workbook.xlsx>]`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArguments();
  const force = values.force === true;
  const workbook = path.resolve(values.dest as string);
  const zip = path.join(path.dirname(workbook), 'residential-building-data-set.zip');
  const shown = path.relative(process.cwd(), workbook);

  if (fs.existsSync(workbook) && !force) {
    console.log(`${shown} is already there: ${describe(workbook)}. Use --force to download it again.`);
    return;
  }
  await download(values.url as string, zip, {
    label: 'UCI Residential Building (dataset 437)',
    overwrite: force,
    onProgress: progressBar(),
    hints: {
      offline: `no connection to UCI: ${BY_HAND}`,
      'not-found': `UCI may have moved the file: ${BY_HAND}`,
      unauthorized: BY_HAND,
      http: BY_HAND,
    },
  });
  const entry = unpackWorkbook(zip, workbook);
  console.log(`Unpacked ${entry} to ${shown}: ${describe(workbook)}.`);
  console.log(`Cite as: ${CITATION}`);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`npm run data: ${error instanceof DownloadError ? `download failed: ${message}` : message}`);
  process.exit(1);
});
