/**
 * `npm run weights -- <gpt2|gpt2-medium|gpt2-large|gpt2-xl>... [--dir <folder>] [--force]`
 * Fetches config.json and model.safetensors from the HuggingFace hub into weights/<name>/, with a
 * progress bar, resume after an interruption (Ctrl-C included), and a sha256 check.
 */
import { describeWeights, downloadWeights, HUB_MODELS, isHubModel } from '../lib/weights/hub';
import { parseCommandLine, runCommand, UsageError } from './cli';
import { progressBar } from './progress-bar';
import { stopOnCtrlC } from './stop-on-ctrl-c';

const USAGE = `usage: npm run weights -- <${HUB_MODELS.join('|')}>... [--dir <folder>] [--force]

Downloads config.json and model.safetensors from the HuggingFace hub (openai-community/<name>) into
weights/<name>/. An interrupted download resumes where it stopped; the model is checked against the
hub's sha256 before it is kept; files already there are not downloaded again.

  --dir <folder>  put the model folders in <folder> instead of the repository's weights/
  --force         download again even when the files are there

Environment: HF_ENDPOINT (a mirror of the hub), HF_TOKEN (sent to the hub, never to its CDN).`;

export async function main(argv: string[]): Promise<void> {
  const args = parseCommandLine(argv, {
    usage: USAGE,
    options: { dir: { type: 'string' }, force: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (!args) return;
  const names = args.positionals;
  if (names.length === 0) throw new UsageError(`name a model: ${USAGE.split('\n')[0]}`);
  for (const name of names) {
    if (!isHubModel(name)) throw new UsageError(`unknown model ${JSON.stringify(name)}: choose one of ${HUB_MODELS.join(', ')}`);
  }
  if (args.values.dir === '') throw new UsageError(`--dir needs a folder: ${USAGE.split('\n')[0]}`);

  const progress = progressBar();
  try {
    await stopOnCtrlC(async (signal) => {
      for (const name of names) {
        const result = await downloadWeights(name, { dir: args.values.dir, force: args.values.force, onProgress: progress, signal });
        console.log(describeWeights(result));
      }
    });
  } finally {
    progress.stop();
  }
}

if (require.main === module) runCommand(main);
