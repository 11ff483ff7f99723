/**
 * GPT-2 small's forward pass: `synthetic:gpt2` on the article's 95-token paragraph with all 12
 * `hook_attn_out` taps. Prints the load time, the median of warm passes, peak RSS, and the same
 * pass in PyTorch (bench/torch_gpt2.py on one thread, when /usr/bin/python3 has torch),
 * then one JSON line with everything.
 *
 *   npm run bench [-- --reps 7 --backend wasm]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BackendName, loadModel } from '../lib/model';

const ROOT = path.resolve(__dirname, '..');
const GOLDENS = path.join(ROOT, 'test', 'fixtures', 'gpt2', 'goldens.json');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const round1 = (x: number) => Math.round(x * 10) / 10;

function pytorch(reps: number): { forward_ms_median: number; torch: string; threads: number } | null {
  const script = path.join(ROOT, 'bench', 'torch_gpt2.py');
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    console.log('PyTorch: not installed (apt-get install python3-torch), no ratio');
    return null;
  }
  const out = execFileSync('/usr/bin/python3', [script, '--threads', '1', '--reps', String(reps)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main() {
  const reps = Number(option('reps', '7'));
  const backend = option('backend', '') as BackendName | '';
  const goldens = JSON.parse(fs.readFileSync(GOLDENS, 'utf8'));
  const ids: number[] = goldens.texts[0].ids;

  const t0 = performance.now();
  const model = await loadModel('synthetic:gpt2', backend ? { backend } : {});
  const loadMs = performance.now() - t0;
  console.log(`loaded ${model.spec} on ${model.backend} (${model.residency}) in ${loadMs.toFixed(0)} ms`);

  const taps = Array.from({ length: 12 }, (_, i) => `blocks.${i}.hook_attn_out`);
  const pass = async () => {
    const start = performance.now();
    const out = await model.run(ids, taps);
    Object.values(out).forEach((t) => t.dataSync()); // wait for the values
    const ms = performance.now() - start;
    Object.values(out).forEach((t) => t.dispose());
    return ms;
  };
  console.log(`first pass: ${(await pass()).toFixed(0)} ms`);
  const times: number[] = [];
  for (let r = 0; r < reps; r++) times.push(await pass());
  const forward = median(times);
  console.log(`warm passes: ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${forward.toFixed(0)} ms`);
  model.dispose();
  const rss = peakRssMb();

  const torch = pytorch(reps);
  if (torch) console.log(`PyTorch ${torch.torch}, ${torch.threads} thread: median ${torch.forward_ms_median} ms`);
  const ratio = torch ? forward / torch.forward_ms_median : null;
  if (ratio !== null) console.log(`ratio ours/PyTorch: ${ratio.toFixed(2)}`);
  console.log(
    JSON.stringify({
      backend: model.backend,
      model: model.spec,
      tokens: ids.length,
      taps: taps.length,
      reps,
      forward_ms_median: round1(forward),
      forward_ms_min: round1(Math.min(...times)),
      load_ms: round1(loadMs),
      peak_rss_mb: rss,
      pytorch_forward_ms_median: torch ? torch.forward_ms_median : null,
      pytorch_threads: torch ? torch.threads : null,
      ratio: ratio === null ? null : Math.round(ratio * 100) / 100,
    }),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
