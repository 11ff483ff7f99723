/**
 * `npm run weights -- <gpt2|gpt2-medium|gpt2-large|gpt2-xl> [--dir <folder>] [--force]`
 * Fetches config.json and model.safetensors from the HuggingFace hub into weights/<name>/,
 * with a progress bar, resume after an interruption, and a sha256 check. Honours HF_ENDPOINT and HF_TOKEN.
 */
import { DownloadError } from '../lib/io/download-error';
import { describeWeights, downloadWeights, HUB_MODELS, isHubModel } from '../lib/weights/hub';
import { progressBar } from './progress-bar';

const usage = `usage: npm run weights -- <${HUB_MODELS.join('|')}> [--dir <folder>] [--force]`;

interface Args {
  names: string[];
  dir?: string;
  force: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (a === '--force') args.force = true;
    else if (a === '--dir') args.dir = argv[++i];
    else if (a.startsWith('--dir=')) args.dir = a.slice('--dir='.length);
    else if (a.startsWith('-')) fail(`unknown option ${a}; ${usage}`);
    else args.names.push(a);
  }
  if (args.names.length === 0) fail(`name a model: ${usage}`);
  if (args.dir === '') fail(`--dir needs a folder; ${usage}`);
  for (const name of args.names) {
    if (!isHubModel(name)) fail(`unknown model ${JSON.stringify(name)}: choose one of ${HUB_MODELS.join(', ')}`);
  }
  return args;
}

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Ctrl-C leaves the .part file in place; say so instead of a stack trace.
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: the partial download stays as *.part; run the same command again to resume\n');
    process.exit(130);
  });
  const progress = progressBar();
  try {
    for (const name of args.names) {
      const result = await downloadWeights(name, { dir: args.dir, force: args.force, onProgress: progress });
      console.log(describeWeights(result));
    }
  } finally {
    progress.stop();
  }
}

main().catch((e: unknown) => {
  if (e instanceof DownloadError) fail(e.message);
  fail(e instanceof Error ? e.stack ?? e.message : String(e));
});
