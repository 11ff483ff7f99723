/**
 * `npm run data -- [--force] [--url <zip>] [--dest <workbook.xlsx>]`
 * The UCI Residential Building workbook (dataset 437, Rafiei & Adeli, CC BY 4.0), which part 3 reads,
 * ships in data/. This checks that copy, or downloads a fresh one from UCI when asked (--force) or when
 * the workbook is missing or unreadable: the zip goes beside the workbook, its workbook replaces the old
 * one only once it reads, and then the zip is removed.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_RESIDENTIAL_BUILDING_XLSX, readResidentialBuildingColumns, RESIDENTIAL_BUILDING_ENV } from '../lib/datasets/residential-building';
import { RESIDENTIAL_BUILDING_ZIP_URL, SHIPPED_WORKBOOK_SHA256, unpackWorkbook, workbookProblem } from '../lib/datasets/residential-building-unpack';
import { download } from '../lib/io/download';
import { parseCommandLine, runCommand } from './cli';
import { progressBar } from './progress-bar';
import { stopOnCtrlC } from './stop-on-ctrl-c';

const UCI_PAGE = 'https://archive.ics.uci.edu/dataset/437/residential+building+data+set';
const CITATION =
  'Rafiei, M. H. and Adeli, H. (2018). Residential Building [Dataset]. UCI Machine Learning Repository. ' +
  `${UCI_PAGE} (CC BY 4.0).`;
const BY_HAND =
  `download the zip from ${UCI_PAGE} yourself and unpack Residential-Building-Data-Set.xlsx into data/, ` +
  `or set ${RESIDENTIAL_BUILDING_ENV} to a copy of the workbook`;

const USAGE = `usage: npm run data -- [--force] [--url <zip>] [--dest <workbook.xlsx>]

The UCI Residential Building workbook ships in data/ (see data/Residential-Building-Data-Set.SOURCE.md).
Without --force this checks that it is there and reads; it is downloaded from UCI only when it is
missing or unreadable.

  --force          download a fresh copy from UCI even when the workbook is there
  --url <zip>      take the zip from a mirror (default ${RESIDENTIAL_BUILDING_ZIP_URL})
  --dest <file>    put the workbook there instead of data/ (then set ${RESIDENTIAL_BUILDING_ENV} to it)`;

export async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, {
    usage: USAGE,
    options: {
      force: { type: 'boolean', default: false },
      url: { type: 'string', default: RESIDENTIAL_BUILDING_ZIP_URL },
      dest: { type: 'string', default: DEFAULT_RESIDENTIAL_BUILDING_XLSX },
    },
  });
  if (!args) return;
  const workbook = path.resolve(args.values.dest);
  const shown = path.relative(process.cwd(), workbook) || workbook;

  if (fs.existsSync(workbook) && !args.values.force) {
    const problem = workbookProblem(workbook);
    if (problem === undefined) {
      console.log(`${shown} is already there: ${describe(workbook)}. \`npm run data -- --force\` downloads a fresh copy from UCI.`);
      return;
    }
    console.log(`${shown} cannot be read (${problem}): downloading a fresh copy from UCI.`);
  }

  const zip = path.join(path.dirname(workbook), 'residential-building-data-set.zip');
  const progress = progressBar();
  try {
    await stopOnCtrlC((signal) =>
      download(args.values.url, zip, {
        label: 'UCI Residential Building (dataset 437)',
        overwrite: true,
        onProgress: progress,
        signal,
        hints: {
          offline: `no connection to UCI: ${BY_HAND}`,
          'not-found': `UCI may have moved the file: ${BY_HAND}`,
          unauthorized: BY_HAND,
          http: BY_HAND,
        },
      }),
    );
  } finally {
    progress.stop();
  }
  const entry = unpackWorkbook(zip, workbook); // a zip that fails stays there to be looked at
  fs.rmSync(zip);
  console.log(`Unpacked ${entry} to ${shown}: ${describe(workbook)}.`);
  console.log(`Cite as: ${CITATION}`);
}

/** "372 projects (FloorArea, Interest, CPI, Price), the copy the repository ships" */
function describe(workbook: string): string {
  const columns = readResidentialBuildingColumns(workbook);
  const sha256 = createHash('sha256').update(fs.readFileSync(workbook)).digest('hex');
  const which = sha256 === SHIPPED_WORKBOOK_SHA256 ? 'the copy the repository ships' : `sha256 ${sha256}, not the copy the repository ships`;
  return `${columns.Price.length} projects (${Object.keys(columns).join(', ')}), ${which}`;
}

if (require.main === module) runCommand(main);
