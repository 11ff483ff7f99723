/**
 * GPT-2 small's forward pass, ours against PyTorch in one machine state: the article's 95 tokens
 * with every block's `hook_attn_out` tapped, on synthetic weights of GPT-2 small's shape written to
 * a safetensors file. The runs interleave (ours on one thread, PyTorch on one thread, ours on every
 * core, PyTorch on every core; again each round), so a busy machine slows both alike. PyTorch is
 * bench/torch_gpt2.py with its threads truly limited (OpenBLAS ignores torch.set_num_threads).
 * Then TensorFlow.js (wasm), a batch of 16 texts, and loading the file in a fresh process (time,
 * peak RSS against the file's size). The last line is one JSON object with every figure.
 *
 *   npm run bench [-- --rounds 3 --reps 5]
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { GPT2Model, loadModel } from '../lib/model';
import { GPT2_SIZES } from '../lib/weights/config';
import { writeSyntheticCheckpoint } from '../lib/weights/synthetic';
import { GOLDEN_TEXTS, median, peakRssMb, round1 } from './common';

const PYTHON = '/usr/bin/python3';
const TORCH = path.join(__dirname, 'torch_gpt2.py');

/** PyTorch's warm passes on `threads` threads (null when /usr/bin/python3 has no torch). */
function pytorch(threads: number, reps: number): number[] | null {
  const out = execFileSync(PYTHON, [TORCH, '--threads', String(threads), '--reps', String(reps), '--all-times'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!).forward_ms;
}

function hasTorch(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

async function passes(model: GPT2Model, ids: number[], reps: number): Promise<number[]> {
  const taps = Array.from({ length: model.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    await model.run(ids, taps);
    times.push(performance.now() - start);
  }
  return times;
}

/** In a fresh process: load the checkpoint and run once; its load time and peak RSS. */
async function loadChild(file: string): Promise<void> {
  const start = performance.now();
  const model = await loadModel(file);
  const loadMs = performance.now() - start;
  await passes(model, GOLDEN_TEXTS.hungary, 1);
  console.log(JSON.stringify({ load_ms: round1(loadMs), peak_rss_mb: peakRssMb() }));
}

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, reps: { type: 'string', default: '5' }, 'load-child': { type: 'string' } } });
  if (values['load-child']) return loadChild(values['load-child']);
  const rounds = Number(values.rounds);
  const reps = Number(values.reps);
  const cores = os.availableParallelism();
  const ids = GOLDEN_TEXTS.hungary;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-bench-'));
  try {
    const file = writeSyntheticCheckpoint(GPT2_SIZES.gpt2, dir);
    const fileMb = Math.round(fs.statSync(file).size / 2 ** 20);
    const child = spawnSync(path.join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [__filename, '--load-child', file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`loading in a fresh process failed: ${child.stderr}`);
    const load = JSON.parse(child.stdout.trim().split('\n').pop()!);
    console.log(`load (fresh process, ${fileMb} MB file): ${load.load_ms} ms, peak RSS ${load.peak_rss_mb} MB (${(load.peak_rss_mb / fileMb).toFixed(2)}x the file)`);

    const torch = hasTorch();
    if (!torch) console.log('PyTorch: not installed (apt-get install python3-torch): no ratios');
    const threadCounts = [...new Set([1, cores])];
    const models = new Map<number, GPT2Model>();
    for (const t of threadCounts) {
      const model = await loadModel(file, { threads: t });
      await passes(model, ids, 2); // warm
      models.set(t, model);
    }
    const ours = new Map<number, number[]>(threadCounts.map((t) => [t, []]));
    const theirs = new Map<number, number[]>(threadCounts.map((t) => [t, []]));
    for (let r = 0; r < rounds; r++) {
      for (const t of threadCounts) {
        ours.get(t)!.push(...(await passes(models.get(t)!, ids, reps)));
        if (torch) theirs.get(t)!.push(...pytorch(t, reps)!);
        console.log(`round ${r + 1}, ${t} thread${t > 1 ? 's' : ''}: ours ${median(ours.get(t)!).toFixed(1)} ms, PyTorch ${torch ? median(theirs.get(t)!).toFixed(1) : '-'} ms (medians so far)`);
      }
    }

    const texts = Array.from({ length: 16 }, (_, i) => ids.slice(i % 4, ids.length - i)); // 16 texts of 80 to 95 tokens
    const tokens = texts.reduce((n, t) => n + t.length, 0);
    const batchTimes: number[] = [];
    const all = models.get(cores)!;
    for (let r = 0; r < 2; r++) await all.runBatch(texts, Array.from({ length: 12 }, (_, i) => `blocks.${i}.hook_attn_out`)); // a new shape takes ONNX Runtime two runs to settle
    for (let r = 0; r < 3; r++) {
      const start = performance.now();
      await all.runBatch(texts, Array.from({ length: 12 }, (_, i) => `blocks.${i}.hook_attn_out`));
      batchTimes.push(performance.now() - start);
    }
    const tokensPerS = tokens / (median(batchTimes) / 1000);
    console.log(`batch of 16 texts (${tokens} tokens): ${median(batchTimes).toFixed(0)} ms, ${tokensPerS.toFixed(0)} tokens/s`);
    models.forEach((m) => m.dispose());

    const tfjs = await loadModel(file, { engine: 'tfjs' });
    await passes(tfjs, ids, 1);
    const tfjsMs = median(await passes(tfjs, ids, 3));
    console.log(`${tfjs.engineDescription}: ${tfjsMs.toFixed(0)} ms`);
    tfjs.dispose();

    const med = (m: Map<number, number[]>, t: number) => (m.get(t)!.length ? round1(median(m.get(t)!)) : null);
    const ratio = (t: number) => (torch ? Math.round((med(ours, t)! / med(theirs, t)!) * 100) / 100 : null);
    console.log(`ratio ours/PyTorch: ${ratio(cores)} on ${cores} cores, ${ratio(1)} on one`);
    console.log(
      JSON.stringify({
        engine: 'onnx',
        model: 'synthetic:gpt2 (from a safetensors file)',
        threads: cores,
        tokens: ids.length,
        taps: 12,
        forward_ms_median: med(ours, cores),
        pytorch_forward_ms_median: torch ? med(theirs, cores) : null,
        ratio: ratio(cores),
        forward_ms_median_1thread: med(ours, 1),
        pytorch_forward_ms_median_1thread: torch ? med(theirs, 1) : null,
        ratio_1thread: ratio(1),
        tfjs_wasm_forward_ms_median: round1(tfjsMs),
        tokens_per_s_batch: Math.round(tokensPerS),
        load_ms: load.load_ms,
        peak_rss_mb: load.peak_rss_mb,
        file_mb: fileMb,
        rounds,
        reps,
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
