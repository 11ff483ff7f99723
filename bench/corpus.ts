/**
 * The shipped corpus (data/corpus/austen.jsonl) through GPT-2 small's shape on synthetic weights, on
 * the default engine with every core, as `npm start -- --corpus` measures it (chunks of 1024 tokens
 * overlapping by 64, batches of 16): tokens per second, with and without the per-head decomposition,
 * and peak RSS; then the same chunks through PyTorch (bench/torch_corpus.py, padded batches of 16,
 * every core) for the ratio. The last line is one JSON object.
 *
 *   npm run bench:corpus
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HeadShareAccumulator } from '../lib/frames/corpus-head-shares';
import { defaultOverlap, measureTexts } from '../lib/frames/corpus-measure';
import { loadModel } from '../lib/model';
import { chunkIds, readCorpus } from '../lib/text/corpus';
import { tokenize } from '../lib/text/tokenizer';
import { peakRssMb } from './common';

async function main() {
  const corpusFile = path.join(__dirname, '..', 'data', 'corpus', 'austen.jsonl');
  const texts = readCorpus(corpusFile).map((t, index) => ({ ...t, index }));
  const cores = os.availableParallelism();
  const model = await loadModel('synthetic:gpt2');
  const window = model.config.nPositions;
  const chunks = texts.flatMap((t) => chunkIds(tokenize(t.text).ids, window, defaultOverlap(window)).map((c) => c.ids));
  const tokens = chunks.reduce((n, c) => n + c.length, 0);
  console.log(`${path.basename(corpusFile)}: ${texts.length} texts, ${chunks.length} chunks, ${tokens} tokens; ${model.engineDescription}`);

  const timed = async (heads: boolean) => {
    const start = performance.now();
    await measureTexts(model, texts, { batchSize: 16, heads: heads ? new HeadShareAccumulator() : undefined });
    return (performance.now() - start) / 1000;
  };
  const plain = await timed(false);
  console.log(`ours: ${plain.toFixed(1)} s, ${Math.round(tokens / plain)} tokens/s`);
  const withHeads = await timed(true);
  console.log(`ours with the per-head decomposition: ${withHeads.toFixed(1)} s, ${Math.round(tokens / withHeads)} tokens/s`);
  model.dispose();
  const rss = peakRssMb();

  let torch: { seconds: number; tokens_per_s: number; torch: string } | null = null;
  if (spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-bench-')), 'sequences.json');
    fs.writeFileSync(file, JSON.stringify(chunks));
    const out = execFileSync('/usr/bin/python3', [path.join(__dirname, 'torch_corpus.py'), file, '--threads', String(cores)], { encoding: 'utf8' });
    torch = JSON.parse(out.trim().split('\n').pop()!);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    console.log(`PyTorch ${torch!.torch}: ${torch!.seconds} s, ${torch!.tokens_per_s} tokens/s`);
  } else {
    console.log('PyTorch: not installed (apt-get install python3-torch): no ratio');
  }
  const ratio = torch ? Math.round((plain / torch.seconds) * 100) / 100 : null;
  if (ratio !== null) console.log(`time ratio ours/PyTorch: ${ratio}`);
  console.log(
    JSON.stringify({
      engine: 'onnx',
      threads: cores,
      texts: texts.length,
      chunks: chunks.length,
      tokens,
      seconds: Math.round(plain * 100) / 100,
      tokens_per_s: Math.round(tokens / plain),
      tokens_per_s_with_heads: Math.round(tokens / withHeads),
      peak_rss_mb: rss,
      pytorch_seconds: torch?.seconds ?? null,
      pytorch_tokens_per_s: torch?.tokens_per_s ?? null,
      ratio,
    }),
  );
}

main().catch((e) => {
  console.error(`error: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
