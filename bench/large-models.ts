/**
 * The big checkpoints within the wasm heap. For each size, synthetic weights are written to a
 * temporary safetensors file (so the file path is exercised), then a fresh process loads it
 * ('auto' residency: gpt2-large and gpt2-xl are streamed block by block on wasm) and runs the article's
 * 95 tokens with every `hook_attn_out` tap; it reports load time, pass times and its peak RSS.
 * Last, loading GPT-2 small from a file: time and peak RSS against the file's size.
 *
 *   npm run bench:large [-- gpt2-medium gpt2-xl]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GPT2_SIZES, GPT2Size, expectedWeights, loadModel } from '../lib/model';
import { writeSafetensors } from '../lib/weights/safetensors-writer';
import { syntheticTensor } from '../lib/weights/synthetic';

const ROOT = path.resolve(__dirname, '..');
const GOLDENS = path.join(ROOT, 'test', 'fixtures', 'gpt2', 'goldens.json');
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const round = (x: number) => Math.round(x);

/** Writes `synthetic:<size>` as `<dir>/model.safetensors` + `config.json`, like a hub download. */
function writeCheckpoint(size: GPT2Size, dir: string): string {
  const c = GPT2_SIZES[size];
  fs.mkdirSync(dir, { recursive: true });
  const config = { model_type: 'gpt2', vocab_size: c.vocabSize, n_positions: c.nPositions, n_embd: c.nEmbd, n_layer: c.nLayer, n_head: c.nHead, n_inner: null, activation_function: 'gelu_new', layer_norm_epsilon: c.layerNormEpsilon };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  const file = path.join(dir, 'model.safetensors');
  writeSafetensors(file, expectedWeights(c).map((w) => ({ name: w.name, shape: w.shape, data: () => syntheticTensor(w.name, w.shape) })), { format: 'pt' });
  return file;
}

/** In a fresh process: load `dir` and run (or only load), print one JSON line. */
async function child(dir: string, loadOnly: boolean) {
  const ids: number[] = JSON.parse(fs.readFileSync(GOLDENS, 'utf8')).texts[0].ids;
  let t0 = performance.now();
  const model = await loadModel(dir, { backend: 'wasm' });
  const loadMs = performance.now() - t0;
  const result: Record<string, unknown> = { residency: model.residency, load_ms: round(loadMs) };
  if (!loadOnly) {
    const taps = Array.from({ length: model.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
    const passes: number[] = [];
    for (let r = 0; r < 2; r++) {
      t0 = performance.now();
      const out = await model.run(ids, taps);
      Object.values(out).forEach((t) => t.dataSync());
      passes.push(round(performance.now() - t0));
      Object.values(out).forEach((t) => t.dispose());
    }
    result.forward_ms = passes;
  }
  result.peak_rss_mb = peakRssMb();
  model.dispose();
  console.log(JSON.stringify(result));
}

function runChild(dir: string, loadOnly: boolean): Record<string, unknown> {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [__filename, '--child', dir, ...(loadOnly ? ['--load-only'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`the run on ${dir} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main() {
  const i = process.argv.indexOf('--child');
  if (i >= 0) return child(process.argv[i + 1], process.argv.includes('--load-only'));

  const sizes = process.argv.slice(2).filter((a) => a in GPT2_SIZES) as GPT2Size[];
  const results: Record<string, unknown>[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-large-bench-'));
  try {
    for (const size of sizes.length ? sizes : (['gpt2-medium', 'gpt2-large', 'gpt2-xl'] as GPT2Size[])) {
      const dir = path.join(tmp, size);
      const t0 = performance.now();
      const file = writeCheckpoint(size, dir);
      const fileMb = Math.round(fs.statSync(file).size / 2 ** 20);
      console.log(`${size}: wrote ${fileMb} MB of synthetic weights in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const r = { model: size, file_mb: fileMb, ...runChild(dir, false) };
      console.log(`${size}: ${JSON.stringify(r)}`);
      results.push(r);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const dir = path.join(tmp, 'gpt2');
    const file = writeCheckpoint('gpt2', dir);
    const fileMb = Math.round(fs.statSync(file).size / 2 ** 20);
    const loaded = runChild(dir, true);
    const r = { model: 'gpt2 (load only)', file_mb: fileMb, ...loaded, rss_over_file: Math.round(((loaded.peak_rss_mb as number) / fileMb) * 100) / 100 };
    console.log(`gpt2 load: ${JSON.stringify(r)}`);
    results.push(r);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ backend: 'wasm', tokens: 95, results }));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
