/**
 * `npm start -- [--model gpt2] [--xl-model gpt2-xl] [--text-file data/rock-music-in-hungary.txt] [--out out/part4/]
 *               [--cov nonrobust|HC0|HC1|HC2|HC3|HAC] [--maxlags N]`
 *
 * Part 4 without Jupyter: runs GPT-2 on the text with every block's `hook_attn_out` tapped, takes the
 * log L2 norm of each token's attention adjustment, fits log‖a_t‖ on log‖a_t−1‖ and log‖a_t−2‖ in
 * every layer with the standard errors --cov names (HAC: Newey-West at --maxlags lags, by default
 * floor(4 (n/100)^(2/9)) for n rows per layer), tests lag1 = lag2 in every layer, and writes to --out,
 * all files or none:
 *   report.html      figures 1 and 2 (and 3 with --xl-model), the token table, layer 0's summary,
 *                    betas by layer with their errors and the test of lag1 = lag2, findings (with
 *                    robust errors, also what they change against nonrobust ones)
 *   norms.csv        layer,position,token_id,token,norm,log_norm (every token, 0 included)
 *   regressions.csv  layer,term,coef,std_err,t,p,ci_low,ci_high,r2,adj_r2,nobs,cov_type,maxlags
 *                    (terms const,lag1,lag2; maxlags empty unless HAC)
 *   summary-L0.txt   layer 0's regression summary, as statsmodels prints it
 *   norms-xl.csv, regressions-xl.csv   the same for --xl-model, when given
 * Everything a user can get wrong (arguments, the text, --out, the model's name) is checked before a
 * model is loaded. A hub model (gpt2 ... gpt2-xl) whose files are absent is downloaded first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DownloadError } from '../lib/io/download-error';
import { attentionNormsFigure } from '../lib/figures/attention-norms';
import { betasByLayerFigure } from '../lib/figures/betas-by-layer';
import { part4ReportHtml } from '../lib/figures/part4-report';
import { frameToCsv } from '../lib/frames/csv';
import { ModelLabel, covarianceFindings, covarianceName, covarianceSentences, findingSentences, sweepFindings } from '../lib/frames/findings';
import { lagFrame, normsFrame } from '../lib/frames/norms';
import {
  CovarianceChoice,
  LAYER_COV_TYPES,
  LayerCovType,
  LayerFit,
  RegressionRow,
  WaldRow,
  fitAllLayers,
  minimumTokens,
  regressionRows,
  regressionTable,
  rowsPerLayer,
  waldTests,
} from '../lib/frames/regressions';
import { neweyWestMaxlags } from '../lib/stats/stattools';
import { checkWritableFolder, writeFilesTogether } from '../lib/io/write-files-together';
import { GPT2Model, attentionAdjustmentNorms, loadModel } from '../lib/model/index';
import { GPT2_SIZES } from '../lib/weights/config';
import type { GPT2Config } from '../lib/weights/config';
import type { AttentionNorms, WeightRow } from '../lib/model/index';
import { tokenize } from '../lib/text/index';
import { downloadWeights, isHubModel } from '../lib/weights/hub';
import { weightsPresent } from '../lib/weights/present';
import { resolveWeights } from '../lib/weights/resolve';
import { UsageError, parseCommandLine, runCommand } from './cli';
import { isCorpusRun, main as corpusMain } from './corpus';
import { progressBar } from './progress-bar';
import { stopOnCtrlC } from './stop-on-ctrl-c';

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_TEXT = path.join(ROOT, 'data', 'rock-music-in-hungary.txt');
const USAGE = [
  'usage: npm start -- [--model <model>] [--xl-model <model>] [--text-file <file>] [--out <folder>] [--cov <type>] [--maxlags <n>]',
  '',
  '  --model <model>     the model of figures 1 and 2 (default gpt2): gpt2, gpt2-medium, gpt2-large, gpt2-xl,',
  '                      a checkpoint folder or .safetensors file, or synthetic:<size> (untrained, offline)',
  '  --xl-model <model>  also sweep this model for figure 3 (the article uses gpt2-xl; synthetic:gpt2-xl offline)',
  '  --text-file <file>  the text to analyse (default data/rock-music-in-hungary.txt)',
  '  --out <folder>      where the report and tables go (default out/part4)',
  '  --cov <type>        standard errors of the betas: nonrobust (default), HC0, HC1, HC2, HC3 (heteroscedasticity',
  '                      robust) or HAC (Newey-West: robust to errors correlated across nearby tokens too)',
  '  --maxlags <n>       with --cov HAC: lags in the Newey-West window (default floor(4 (n/100)^(2/9)), n rows per layer)',
  '  -h, --help          this text',
  '',
  'A corpus instead of one text: npm start -- --corpus <file.jsonl|folder> ... (npm start -- --corpus --help)',
].join('\n');

export type Output = Pick<NodeJS.WritableStream, 'write'>;

/** The text of `file`, without the final line break editors add (it would be one more token). */
export function readText(file: string): string {
  if (!fs.existsSync(file)) {
    throw new UsageError(`text file ${file} does not exist: pass an existing file with --text-file (default ${shown(DEFAULT_TEXT)})`);
  }
  if (fs.statSync(file).isDirectory()) throw new UsageError(`--text-file ${file} is a folder: pass a text file`);
  const text = fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (text.trim().length === 0) {
    throw new UsageError(`text file ${file} is empty: put the text to analyse in it (at least ${minimumTokens()} tokens)`);
  }
  return text;
}

/** The model's config, known without loading it (a hub model's files may not be here yet). */
export function configOf(spec: string, flag: string): GPT2Config {
  if (isHubModel(spec)) return GPT2_SIZES[spec];
  try {
    const resolved = resolveWeights(spec);
    resolved.source.close();
    return resolved.config;
  } catch (e) {
    throw new UsageError(`${flag} ${spec}: ${(e as Error).message}`);
  }
}

/** Checks that the text has enough tokens for a fit with residual degrees of freedom, and fits the context. */
function checkLength(text: string, file: string, spec: string, config: GPT2Config): number {
  const count = tokenize(text).ids.length;
  if (count > config.nPositions) {
    throw new UsageError(
      `${file} is ${count} tokens, longer than ${spec}'s context of ${config.nPositions} tokens: shorten it to at most ${config.nPositions} tokens`,
    );
  }
  const needed = minimumTokens();
  if (count < needed) {
    throw new UsageError(
      `${file} is ${count} tokens: the regressions of each token on the two before it (token 0 left out) need at least ${needed} ` +
        `tokens, so that 3 parameters are fitted on more than 3 rows; use a longer text`,
    );
  }
  return count;
}

const COV_LIST = LAYER_COV_TYPES.join(', ');

/** --cov as statsmodels spells it (any case accepted), checked before anything runs. */
function parseCovType(value: string, maxlags: string | undefined): LayerCovType {
  const covType = LAYER_COV_TYPES.find((c) => c.toLowerCase() === value.toLowerCase());
  if (covType === undefined) {
    const why = value.toLowerCase() === 'cluster' ? ' here: clustered errors need groups of observations, and one text has none' : '';
    throw new UsageError(`--cov ${value} is not a covariance type${why}; use one of ${COV_LIST}`);
  }
  if (maxlags !== undefined && covType !== 'HAC') {
    throw new UsageError(`--maxlags ${maxlags} applies to Newey-West errors only, not --cov ${covType}: add --cov HAC, or leave --maxlags out`);
  }
  return covType;
}

/** The covariance for regressions of `rows` rows each: --maxlags checked against them, or the Newey-West rule. */
function covarianceFor(covType: LayerCovType, maxlags: string | undefined, rows: number): CovarianceChoice {
  if (covType !== 'HAC') return { covType };
  const rule = neweyWestMaxlags(rows);
  if (maxlags === undefined) return { covType, maxlags: rule };
  const lags = /^\d+$/.test(maxlags.trim()) ? Number(maxlags) : NaN;
  if (!Number.isSafeInteger(lags)) {
    throw new UsageError(`--maxlags ${maxlags} is not a whole number of lags: pass an integer from 0 to ${rows - 1} (the Newey-West rule gives ${rule} for ${rows} rows)`);
  }
  if (lags >= rows) {
    throw new UsageError(
      `--maxlags ${maxlags} reaches past the ${rows} rows each layer's regression has: pass at most ${rows - 1} (the Newey-West rule gives ${rule})`,
    );
  }
  return { covType, maxlags: lags };
}

/** Downloads a hub model's files when, and only when, they are absent (broken files are the loader's to report). */
export async function downloadIfAbsent(spec: string, say: (line: string) => void): Promise<void> {
  if (!isHubModel(spec) || weightsPresent(spec)) return;
  say(`${spec}: weights not found locally; downloading them from the HuggingFace hub into weights/${spec}/`);
  const bar = progressBar();
  try {
    await stopOnCtrlC((signal) => downloadWeights(spec, { onProgress: bar, signal }));
  } catch (e) {
    if (e instanceof DownloadError && e.kind === 'offline') {
      throw new UsageError(
        `cannot download ${spec}: the HuggingFace hub is unreachable (offline?): ${e.message}. ` +
          `Run on synthetic weights of the same shape instead: npm start -- --model synthetic:${spec}`,
      );
    }
    throw e;
  } finally {
    bar.stop();
  }
}

/** Progress on the command line: one line per step, `... done in 1.2 s` (or `failed`) at its end. */
export function progressLines(output: Output) {
  let open = false;
  const end = (text: string) => {
    if (open) output.write(`${text}\n`);
    open = false;
  };
  return {
    say(line: string) {
      end('');
      output.write(`${line}\n`);
    },
    step(message: string) {
      end('');
      const begun = Date.now();
      output.write(`${message} ... `);
      open = true;
      return () => end(`done in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    },
    failed: () => end('failed'),
  };
}

export type Progress = ReturnType<typeof progressLines>;

interface Sweep {
  label: ModelLabel;
  norms: AttentionNorms;
  /** The fits with the chosen errors, and with nonrobust ones when those were not chosen. */
  fits: LayerFit[];
  nonrobust: LayerFit[];
  architecture: WeightRow[];
}

/** The model `spec`, downloaded first when its files are absent; a load that fails says what to do. */
export async function openModel(spec: string, { say, step }: Pick<Progress, 'say' | 'step'>): Promise<GPT2Model> {
  await downloadIfAbsent(spec, say);
  const done = step(`loading ${spec}`);
  try {
    const model = await loadModel(spec);
    done();
    return model;
  } catch (e) {
    const advice = isHubModel(spec)
      ? `remove the broken files and run \`npm run weights -- ${spec}\` to download them again, or point GPT2_WEIGHTS at good ones`
      : `check the checkpoint ${spec}, or run on synthetic weights (--model synthetic:<size>)`;
    throw new UsageError(`cannot load ${spec}: ${(e as Error).message}; ${advice}`);
  }
}

/** One model's pass over the text and its per-layer fits; the model is freed afterwards. */
async function sweep(spec: string, text: string, covariance: CovarianceChoice, { say, step }: Progress): Promise<Sweep> {
  const model = await openModel(spec, { say, step });
  let done: () => void;
  try {
    if (model.synthetic) say(`note: ${model.spec} has synthetic weights; its numbers test the pipeline and say nothing about GPT-2`);
    const ids = model.ids(text);
    done = step(`running ${model.config.nLayer} blocks of ${model.spec} on ${ids.length} tokens with hook_attn_out tapped`);
    const norms = await attentionAdjustmentNorms(model, ids);
    done();
    const errors = covariance.covType === 'HAC' ? covarianceName('HAC', covariance.maxlags!) : covariance.covType;
    done = step(`fitting the regressions of every layer of ${model.spec} with ${errors} errors`);
    const lagged = lagFrame(normsFrame(norms));
    const fits = fitAllLayers(lagged, covariance);
    const nonrobust = covariance.covType === 'nonrobust' ? fits : fitAllLayers(lagged);
    done();
    return { label: { model: model.spec, synthetic: model.synthetic }, norms, fits, nonrobust, architecture: model.architecture() };
  } finally {
    model.dispose();
  }
}

/**
 * A sweep's findings: what its betas show, where lag1 = lag2 is rejected and, with robust errors,
 * what they change against nonrobust ones, in a section of its own.
 */
function findingSections(s: Sweep, rows: RegressionRow[], equality: WaldRow[], heading: string): Array<{ heading: string; sentences: string[] }> {
  const robust = s.fits !== s.nonrobust;
  const baseline = robust ? { rows: regressionRows(s.nonrobust), wald: waldTests(s.nonrobust) } : null;
  const errors = covarianceFindings({ rows, wald: equality }, baseline);
  const sweepSentences = findingSentences(sweepFindings(rows, s.label));
  if (!robust) return [{ heading, sentences: [...sweepSentences, ...covarianceSentences(errors)] }];
  return [
    { heading, sentences: sweepSentences },
    { heading: `What ${errors.chosen} errors change (${s.label.model})`, sentences: covarianceSentences(errors) },
  ];
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

export async function main(argv: string[], output: Output = process.stdout): Promise<void> {
  const progress = progressLines(output);
  try {
    // a corpus run is its own command (scripts/corpus.ts), reached through the same npm start
    if (isCorpusRun(argv)) await corpusMain(argv, output);
    else await part4(argv, progress);
  } catch (e) {
    progress.failed();
    // One line, whatever the library said.
    if (e instanceof Error) e.message = e.message.replace(/\s*\n\s*/g, ' ');
    throw e;
  }
}

async function part4(argv: string[], progress: Progress): Promise<void> {
  const started = Date.now();
  const parsed = parseCommandLine(argv, {
    usage: USAGE,
    options: {
      model: { type: 'string', default: 'gpt2' },
      'xl-model': { type: 'string' },
      'text-file': { type: 'string', default: DEFAULT_TEXT },
      out: { type: 'string', default: path.join('out', 'part4') },
      cov: { type: 'string', default: 'nonrobust' },
      maxlags: { type: 'string' },
    },
  });
  if (!parsed) return;
  const { model: spec, 'xl-model': xlSpec, 'text-file': textFile, out, cov, maxlags } = parsed.values;
  const { say, step } = progress;
  const covType = parseCovType(cov, maxlags);

  try {
    checkWritableFolder(out);
  } catch (e) {
    throw new UsageError(`--out ${out}: ${(e as Error).message}; pass a folder you can write to`);
  }
  const text = readText(textFile);
  let tokens = 0;
  for (const [flag, value] of [['--model', spec], ['--xl-model', xlSpec]] as const) {
    if (value !== undefined) tokens = checkLength(text, textFile, value, configOf(value, flag));
  }
  const covariance = covarianceFor(covType, maxlags, rowsPerLayer(tokens));

  const primary = await sweep(spec, text, covariance, progress);
  const xl = xlSpec === undefined ? undefined : await sweep(xlSpec, text, covariance, progress);

  const done = step(`writing ${shown(path.resolve(out))}`);
  const rows = regressionRows(primary.fits);
  const equality = waldTests(primary.fits);
  const findings = findingSections(primary, rows, equality, `What this run shows (${primary.label.model})`);
  const summaryL0 = primary.fits[0].result.summary();
  const figures = [
    { caption: 'Figure 1: log norms of the attention adjustments, by layer', figure: attentionNormsFigure(primary.norms, primary.label) },
    { caption: 'Figure 2: betas by layer', figure: betasByLayerFigure(rows, primary.label) },
  ];
  const files: Record<string, string> = {
    'norms.csv': frameToCsv(normsFrame(primary.norms)),
    'regressions.csv': frameToCsv(regressionTable(primary.fits)),
    'summary-L0.txt': summaryL0 + '\n',
  };
  if (xl) {
    const xlRows = regressionRows(xl.fits);
    const caption = `Figure 3: betas by layer on ${xl.label.model}`;
    figures.push({ caption, figure: betasByLayerFigure(xlRows, xl.label, { title: caption }) });
    findings.push(...findingSections(xl, xlRows, waldTests(xl.fits), `What the ${xl.label.model} sweep shows`));
    files['norms-xl.csv'] = frameToCsv(normsFrame(xl.norms));
    files['regressions-xl.csv'] = frameToCsv(regressionTable(xl.fits));
  }
  files['report.html'] = part4ReportHtml({
    label: primary.label,
    text,
    source: path.resolve(textFile) === DEFAULT_TEXT ? 'Lead of Wikipedia\'s "Rock music in Hungary", CC BY-SA 4.0.' : undefined,
    ids: primary.norms.ids,
    tokens: primary.norms.tokens,
    architecture: primary.architecture,
    figures,
    summaryL0,
    rows,
    equality,
    findings,
    seconds: (Date.now() - started) / 1000,
  });
  let written: string[];
  try {
    written = writeFilesTogether(path.resolve(out), files);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}: free some space, or pass another folder with --out`);
  }
  done();

  for (const { heading, sentences } of findings) say(`${heading}:\n${sentences.map((s) => `- ${s}`).join('\n')}`);
  for (const file of written) say(`wrote ${shown(file)}`);
  say(`part 4 on ${[primary, xl].flatMap((s) => (s ? [s.label.model] : [])).join(' and ')}: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
}

if (require.main === module) runCommand(main);
