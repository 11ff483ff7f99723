/**
 * `npm start -- [--model gpt2] [--text-file data/rock-music-in-hungary.txt] [--out out/part4/]`
 *
 * Part 4 without Jupyter: runs GPT-2 on the text with every block's `hook_attn_out` tapped, takes the
 * log L2 norm of each token's attention adjustment, fits log‖a_t‖ on log‖a_t−1‖ and log‖a_t−2‖ in
 * every layer, and writes to --out:
 *   report.html      figures 1 and 2, the token table, layer 0's summary, betas by layer, findings
 *   norms.csv        layer,position,token_id,token,norm,log_norm (every token, 0 included)
 *   regressions.csv  layer,term,coef,std_err,t,p,ci_low,ci_high,r2,adj_r2,nobs (terms const,lag1,lag2)
 *   summary-L0.txt   layer 0's regression summary, as statsmodels prints it
 * A hub model (gpt2 ... gpt2-xl) whose weights are missing is downloaded first, with progress.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DownloadError } from '../lib/io/download-error';
import { attentionNormsFigure } from '../lib/figures/attention-norms';
import { betasByLayerFigure } from '../lib/figures/betas-by-layer';
import { writeFileAtomically } from '../lib/io/write-file-atomically';
import { part4ReportHtml } from '../lib/figures/part4-report';
import { frameToCsv } from '../lib/frames/csv';
import { findingSentences, sweepFindings } from '../lib/frames/findings';
import { lagFrame, normsFrame } from '../lib/frames/norms';
import { fitAllLayers, regressionRows, regressionTable } from '../lib/frames/regressions';
import { GPT2Model, attentionAdjustmentNorms, loadModel } from '../lib/model';
import { downloadWeights, isHubModel } from '../lib/weights/hub';
import { resolveWeights } from '../lib/weights/resolve';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_TEXT = path.join(ROOT, 'data', 'rock-music-in-hungary.txt');
const USAGE = 'usage: npm start -- [--model gpt2|gpt2-medium|gpt2-large|gpt2-xl|synthetic:<size>|<path>] [--text-file <file>] [--out <folder>]';

/** A problem with what the user asked for: printed without a stack trace. */
class UsageError extends Error {}

interface Args {
  model: string;
  textFile: string;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { model: 'gpt2', textFile: DEFAULT_TEXT, out: path.join('out', 'part4') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value; ${USAGE}`);
      return v;
    };
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === '--model') args.model = value();
    else if (flag === '--text-file') args.textFile = value();
    else if (flag === '--out') args.out = value();
    else throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
  }
  return args;
}

/** The text of `file`, without the final line break editors add (it would be one more token). */
export function readText(file: string): string {
  if (!fs.existsSync(file)) {
    throw new UsageError(`text file ${file} does not exist: pass an existing file with --text-file (default ${path.relative(process.cwd(), DEFAULT_TEXT)})`);
  }
  if (fs.statSync(file).isDirectory()) throw new UsageError(`--text-file ${file} is a folder: pass a text file`);
  const text = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (text.trim().length === 0) {
    throw new UsageError(`text file ${file} is empty: put the text to analyse in it (the regressions need at least 5 tokens)`);
  }
  return text;
}

function step(message: string): () => void {
  const started = Date.now();
  process.stdout.write(`${message} ... `);
  return () => console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The model, downloading a hub model's weights first when they are missing. */
async function openModel(spec: string): Promise<GPT2Model> {
  if (isHubModel(spec)) {
    let present = true;
    try {
      resolveWeights(spec).source.close();
    } catch {
      present = false;
    }
    if (!present) {
      console.log(`${spec}: weights not found locally; downloading them from the HuggingFace hub into weights/${spec}/`);
      try {
        await downloadWeights(spec);
      } catch (e) {
        if (e instanceof DownloadError && e.kind === 'offline') {
          throw new UsageError(
            `cannot download ${spec}: the HuggingFace hub is unreachable (offline?). ${e.message}\n` +
              `Run on synthetic weights of the same shape instead: npm start -- --model synthetic:${spec}`,
          );
        }
        throw e;
      }
    }
  }
  return loadModel(spec);
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = parseArgs(process.argv.slice(2));
  const text = readText(args.textFile);

  let done = step(`loading ${args.model}`);
  const model = await openModel(args.model);
  done();
  const label = { model: model.spec, synthetic: model.synthetic };
  if (model.synthetic) console.log('note: synthetic weights; the numbers test the pipeline and say nothing about GPT-2');

  let ids: number[];
  try {
    ids = model.ids(text);
  } catch (e) {
    throw new UsageError(`${args.textFile}: ${(e as Error).message}`);
  }
  if (ids.length < 5) {
    throw new UsageError(`${args.textFile} is ${ids.length} tokens: the regressions on t−1 and t−2 (token 0 left out) need at least 5`);
  }

  done = step(`running ${model.config.nLayer} blocks on ${ids.length} tokens with hook_attn_out tapped`);
  const norms = await attentionAdjustmentNorms(model, ids);
  done();

  done = step('fitting the regressions of every layer');
  const frame = normsFrame(norms);
  const fits = fitAllLayers(lagFrame(frame));
  const rows = regressionRows(fits);
  const findings = findingSentences(sweepFindings(rows, label));
  done();

  done = step(`writing ${args.out}`);
  const out = path.resolve(args.out);
  fs.mkdirSync(out, { recursive: true });
  writeFileAtomically(path.join(out, 'norms.csv'), frameToCsv(frame));
  writeFileAtomically(path.join(out, 'regressions.csv'), frameToCsv(regressionTable(fits)));
  const summaryL0 = fits[0].result.summary();
  writeFileAtomically(path.join(out, 'summary-L0.txt'), summaryL0 + '\n');
  writeFileAtomically(
    path.join(out, 'report.html'),
    part4ReportHtml({
      label,
      text,
      source: path.resolve(args.textFile) === DEFAULT_TEXT ? 'Lead of Wikipedia\'s "Rock music in Hungary", CC BY-SA 4.0.' : undefined,
      ids: norms.ids,
      tokens: norms.tokens,
      architecture: model.architecture(),
      figures: [
        { caption: 'Figure 1: log norms of the attention adjustments, by layer', figure: attentionNormsFigure(norms, label) },
        { caption: 'Figure 2: betas by layer', figure: betasByLayerFigure(rows, label) },
      ],
      summaryL0,
      rows,
      findings,
      seconds: (Date.now() - started) / 1000,
    }),
  );
  done();
  model.dispose();

  console.log(findings.map((s) => `- ${s}`).join('\n'));
  for (const file of ['report.html', 'norms.csv', 'regressions.csv', 'summary-L0.txt']) {
    const written = path.join(out, file);
    const relative = path.relative(process.cwd(), written);
    console.log(`wrote ${relative.startsWith('..') ? written : relative}`);
  }
  console.log(`part 4 on ${label.model}: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
}

main().catch((e) => {
  if (e instanceof UsageError || e instanceof DownloadError) {
    console.error(`\nerror: ${e.message}`);
  } else {
    console.error('\n', e);
  }
  process.exit(1);
});
