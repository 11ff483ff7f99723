/**
 * `npm run merge -- <out> <shard folder> <shard folder> ...`: the outputs of a corpus run from its
 * shards (each written by `npm start -- --corpus ... --shard K/N`), exactly as one run over the
 * whole corpus writes them.
 */
import { writeCorpusOutputs } from './corpus-outputs';
import { RunFolder } from './corpus-store';
import { UsageError, parseCommandLine, runCommand } from './cli';

const USAGE = [
  'usage: npm run merge -- <out> <shard folder>...',
  '',
  '  <out>           where the outputs go (it may hold the shard folders)',
  '  <shard folder>  each folder a shard wrote (--out of npm start -- --corpus ... --shard K/N), all N of them',
  '  --no-csv        write norms.parquet only',
  '  -h, --help      this text',
].join('\n');

export async function main(argv: string[], output: Pick<NodeJS.WritableStream, 'write'> = process.stdout): Promise<void> {
  const parsed = parseCommandLine(argv, { usage: USAGE, options: { 'no-csv': { type: 'boolean', default: false } }, allowPositionals: true });
  if (!parsed) return;
  const [out, ...shards] = parsed.positionals;
  if (!out || shards.length === 0) throw new UsageError(`give the output folder and the shard folders; ${USAGE.split('\n')[0]}`);
  let folders: RunFolder[];
  try {
    folders = shards.map((dir) => RunFolder.read(dir));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const files = await writeCorpusOutputs(out, folders, { csv: !parsed.values['no-csv'] });
  output.write(`merged ${shards.length} shard${shards.length > 1 ? 's' : ''} of ${folders[0].manifest.corpus.name} into ${out}\n`);
  for (const file of files) output.write(`wrote ${file}\n`);
}

if (require.main === module) runCommand(main);
