/**
 * From what a user types to a config and a WeightSource:
 *   `synthetic:<size>`            the synthetic weights of a size in GPT2_SIZES (`synthetic:tiny`, `synthetic:gpt2`, ...)
 *   `gpt2` ... `gpt2-xl`          `model.safetensors` in `$GPT2_WEIGHTS/<name>/`, `$GPT2_WEIGHTS/`, or `weights/<name>/`
 *   a folder                      its `model.safetensors` and `config.json`
 *   a `.safetensors` file         with `<stem>.config.json` or `config.json` beside it
 */
import * as fs from 'fs';
import * as path from 'path';
import { GPT2Config, GPT2_SIZES, configFromHF, isGPT2Size } from './config';
import { CheckpointWeights } from './checkpoint';
import { WeightSource } from './source';
import { SyntheticWeights } from './synthetic';

export interface ResolvedWeights {
  spec: string;
  config: GPT2Config;
  source: WeightSource;
  synthetic: boolean;
}

/** `<repository root>/weights`, where `npm run weights -- <name>` puts checkpoints. */
export const WEIGHTS_DIR = path.resolve(__dirname, '../../weights');

export function resolveWeights(spec: string): ResolvedWeights {
  const trimmed = spec.trim();
  if (trimmed.startsWith('synthetic:')) {
    const size = trimmed.slice('synthetic:'.length);
    if (!isGPT2Size(size)) {
      throw new Error(`unknown synthetic size "${size}" in "${spec}": use one of ${Object.keys(GPT2_SIZES).map((s) => `synthetic:${s}`).join(', ')}`);
    }
    const config = { ...GPT2_SIZES[size] };
    return { spec: trimmed, config, source: new SyntheticWeights(config, size), synthetic: true };
  }
  const file = isGPT2Size(trimmed) && trimmed !== 'tiny' ? findNamedCheckpoint(trimmed) : checkpointAtPath(trimmed);
  const config = readConfigBeside(file);
  if (isGPT2Size(trimmed)) checkSizeMatches(trimmed, config, file);
  return { spec: trimmed, config, source: CheckpointWeights.open(file, config), synthetic: false };
}

/** The folders a hub model (`gpt2` ... `gpt2-xl`) is looked for in, in order: $GPT2_WEIGHTS/<name>, $GPT2_WEIGHTS, weights/<name>. */
export function checkpointFolders(name: string): string[] {
  const env = process.env.GPT2_WEIGHTS;
  return [...(env ? [path.join(env, name), env] : []), path.join(WEIGHTS_DIR, name)];
}

function findNamedCheckpoint(name: string): string {
  const folders = checkpointFolders(name);
  for (const folder of folders) {
    const file = path.join(folder, 'model.safetensors');
    if (fs.existsSync(file)) return file;
  }
  throw new Error(
    `no checkpoint for "${name}": looked for config.json and model.safetensors in ${folders.join(', ')}. ` +
      `Download them with \`npm run weights -- ${name}\`, point GPT2_WEIGHTS at a folder that holds both, ` +
      `or use "synthetic:${name}" for synthetic weights of the same shape.`,
  );
}

function checkpointAtPath(spec: string): string {
  const resolved = path.resolve(spec);
  if (!fs.existsSync(resolved)) {
    throw new Error(
      `"${spec}" is not a model: expected synthetic:<size>, one of ${Object.keys(GPT2_SIZES).filter((s) => s !== 'tiny').join(', ')}, ` +
        `or a path to a folder or .safetensors file (${resolved} does not exist)`,
    );
  }
  if (fs.statSync(resolved).isDirectory()) {
    const file = path.join(resolved, 'model.safetensors');
    if (!fs.existsSync(file)) throw new Error(`folder ${resolved} has no model.safetensors: put the checkpoint there, or pass the .safetensors file itself`);
    return file;
  }
  return resolved;
}

/** A GPT-2 config.json is under a kilobyte; anything this large is not one. */
const MAX_CONFIG_BYTES = 1 << 20;

function readConfigBeside(file: string): GPT2Config {
  const stem = path.basename(file).replace(/\.safetensors$/, '');
  const candidates = [path.join(path.dirname(file), `${stem}.config.json`), path.join(path.dirname(file), 'config.json')];
  const configFile = candidates.find((c) => fs.existsSync(c));
  if (!configFile) {
    throw new Error(`no config for ${file}: a checkpoint is config.json and model.safetensors; expected ${candidates.join(' or ')} (the hub's config.json for this checkpoint)`);
  }
  const stat = fs.statSync(configFile);
  if (!stat.isFile() || stat.size > MAX_CONFIG_BYTES) {
    throw new Error(`${configFile} is ${stat.isFile() ? `${stat.size} bytes` : 'not a regular file'}: expected the hub's config.json for this checkpoint (a few hundred bytes of JSON)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch (e) {
    throw new Error(`${configFile} is not valid JSON: ${(e as Error).message}`);
  }
  return configFromHF(json, configFile);
}

function checkSizeMatches(size: string, config: GPT2Config, file: string): void {
  const expected = (GPT2_SIZES as Record<string, GPT2Config>)[size];
  const keys = ['nLayer', 'nEmbd', 'nHead'] as const;
  const wrong = keys.filter((k) => expected[k] !== config[k]);
  if (wrong.length > 0) {
    throw new Error(`${file} is not ${size}: its config has ${wrong.map((k) => `${k} ${config[k]} (expected ${expected[k]})`).join(', ')}`);
  }
}
