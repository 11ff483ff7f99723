/**
 * The big checkpoints on the default engine. For each size, synthetic weights are written to a
 * temporary safetensors file in the hub's layout, then a fresh process loads it ('auto' residency:
 * gpt2-large and gpt2-xl stream their blocks) and runs the article's 95 tokens with every
 * `hook_attn_out` tapped, twice; it reports load time, pass times and its peak RSS.
 *
 *   npm run bench:large [-- gpt2-medium gpt2-xl]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModel } from '../lib/model';
import { GPT2_SIZES, isGPT2Size } from '../lib/weights/config';
import { writeSyntheticCheckpoint } from '../lib/weights/synthetic';
import { GOLDEN_TEXTS, peakRssMb } from './common';

/** In a fresh process: load `file`, run twice, print one JSON line. */
async function child(file: string) {
  let start = performance.now();
  const model = await loadModel(file);
  const result: Record<string, unknown> = { engine: model.engineDescription, residency: model.residency, load_ms: Math.round(performance.now() - start) };
  const taps = Array.from({ length: model.config.nLayer }, (_, i) => `blocks.${i}.hook_attn_out`);
  const passes: number[] = [];
  for (let r = 0; r < 2; r++) {
    start = performance.now();
    await model.run(GOLDEN_TEXTS.hungary, taps);
    passes.push(Math.round(performance.now() - start));
  }
  model.dispose();
  console.log(JSON.stringify({ ...result, forward_ms: passes, peak_rss_mb: peakRssMb() }));
}

async function main() {
  const i = process.argv.indexOf('--child');
  if (i >= 0) return child(process.argv[i + 1]);
  const asked = process.argv.slice(2).filter(isGPT2Size);
  const results: Record<string, unknown>[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-large-bench-'));
  try {
    for (const size of asked.length ? asked : (['gpt2-medium', 'gpt2-large', 'gpt2-xl'] as const)) {
      const start = performance.now();
      const file = writeSyntheticCheckpoint(GPT2_SIZES[size], path.join(tmp, size));
      const fileMb = Math.round(fs.statSync(file).size / 2 ** 20);
      console.log(`${size}: wrote ${fileMb} MB of synthetic weights in ${((performance.now() - start) / 1000).toFixed(1)} s`);
      const run = spawnSync(path.join(__dirname, '..', 'node_modules', '.bin', 'tsx'), [__filename, '--child', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (run.status !== 0) throw new Error(`the run on ${size} failed (exit ${run.status})`);
      const r = { model: size, file_mb: fileMb, ...JSON.parse(run.stdout.trim().split('\n').pop()!) };
      console.log(`${size}: ${JSON.stringify(r)}`);
      results.push(r);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ tokens: GOLDEN_TEXTS.hungary.length, results }));
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
