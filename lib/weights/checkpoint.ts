/**
 * A GPT-2 checkpoint in a safetensors file, seen through the hub's names: keys with or without the
 * `transformer.` prefix, the causal-mask buffers (`h.{i}.attn.bias`, `h.{i}.attn.masked_bias`)
 * skipped, `lm_head.weight` (tied to `wte.weight`) allowed but unused. Opening it checks that every
 * tensor the config implies is present, floating point, and of the right shape.
 */
import { GPT2Config } from './config';
import { expectedWeights } from './layout';
import { SafetensorsFile } from './safetensors';
import { WeightSource } from './source';

const MASK_BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;
const FLOAT = ['F32', 'F16', 'BF16', 'F64'];

export class CheckpointWeights implements WeightSource {
  readonly description: string;
  /** hub name -> name in the file */
  private readonly fileNames = new Map<string, string>();

  constructor(private readonly file: SafetensorsFile, config: GPT2Config) {
    this.description = file.path;
    for (const fileName of file.names()) {
      const name = fileName.startsWith('transformer.') ? fileName.slice('transformer.'.length) : fileName;
      if (MASK_BUFFER.test(name)) continue;
      const previous = this.fileNames.get(name);
      if (previous !== undefined) {
        throw new Error(`${file.path}: tensor "${name}" appears twice (as "${previous}" and "${fileName}")`);
      }
      this.fileNames.set(name, fileName);
    }
    const problems: string[] = [];
    for (const w of expectedWeights(config)) {
      const fileName = this.fileNames.get(w.name);
      if (fileName === undefined) {
        problems.push(`"${w.name}" is missing`);
        continue;
      }
      const e = file.entry(fileName);
      if (!FLOAT.includes(e.dtype)) problems.push(`"${fileName}" has dtype ${e.dtype} (expected F32, F16 or BF16)`);
      if (e.shape.join(',') !== w.shape.join(',')) {
        problems.push(`"${fileName}" has shape ${JSON.stringify(e.shape)}, the config implies ${JSON.stringify(w.shape)}`);
      }
    }
    const expected = new Set([...expectedWeights(config).map((w) => w.name), 'lm_head.weight']);
    const extra = [...this.fileNames.keys()].filter((name) => !expected.has(name));
    if (extra.length > 0) {
      const layers = [...new Set(extra.map((n) => /^h\.(\d+)\./.exec(n)?.[1]).filter((i) => i !== undefined))];
      problems.push(
        `it holds ${extra.length} tensor${extra.length > 1 ? 's' : ''} the config does not describe (${extra.slice(0, 3).map((n) => `"${n}"`).join(', ')}${extra.length > 3 ? ', ...' : ''})` +
          (layers.length ? `, of layer${layers.length > 1 ? 's' : ''} ${layers.join(', ')}: the config says ${config.nLayer} layers` : ''),
      );
    }
    const lmHead = this.fileNames.get('lm_head.weight');
    if (lmHead !== undefined && file.entry(lmHead).shape.join(',') !== [config.vocabSize, config.nEmbd].join(',')) {
      problems.push(`"lm_head.weight" has shape ${JSON.stringify(file.entry(lmHead).shape)}, expected the tied [${config.vocabSize}, ${config.nEmbd}]`);
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 8).join('; ') + (problems.length > 8 ? `; and ${problems.length - 8} more` : '');
      throw new Error(`${file.path} does not match its config (${config.nLayer} layers, ${config.nEmbd} dims): ${shown}; use the config.json that came with this checkpoint`);
    }
  }

  static open(path: string, config: GPT2Config): CheckpointWeights {
    const file = SafetensorsFile.open(path);
    try {
      return new CheckpointWeights(file, config);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.fileNames.has(name);
  }

  shape(name: string): number[] {
    return [...this.file.entry(this.fileName(name)).shape];
  }

  read(name: string): Float32Array {
    return this.file.read(this.fileName(name));
  }

  readInto(name: string, out: Float32Array): void {
    this.file.readInto(this.fileName(name), out);
  }

  locate(name: string) {
    const e = this.file.entry(this.fileName(name));
    return { path: this.file.path, begin: e.begin, end: e.end, dtype: e.dtype, shape: [...e.shape] };
  }

  close(): void {
    this.file.close();
  }

  private fileName(name: string): string {
    const fileName = this.fileNames.get(name);
    if (fileName === undefined) throw new Error(`${this.file.path} has no tensor named "${name}"`);
    return fileName;
  }
}
