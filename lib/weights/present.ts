/**
 * Whether a model's files are here, without reading them: where `resolveWeights` looks, checked for
 * existence only. A command downloads when they are absent and otherwise lets the loader say what is
 * wrong; a notebook falls back to synthetic weights when they are absent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isGPT2Size } from './config';
import { checkpointFolders } from './resolve';

/**
 * True when the files `spec` names are present: `synthetic:<size>` for a known size; a hub name when
 * one of its folders holds `model.safetensors`, or when GPT2_WEIGHTS names a file (the loader then says
 * what is wrong with it); a path when it exists. Whether the files load is the loader's to say.
 */
export function weightsPresent(spec: string): boolean {
  const name = spec.trim();
  if (name.startsWith('synthetic:')) return isGPT2Size(name.slice('synthetic:'.length));
  if (isGPT2Size(name) && name !== 'tiny') {
    const env = process.env.GPT2_WEIGHTS;
    if (env && fs.existsSync(env) && !fs.statSync(env).isDirectory()) return true;
    return checkpointFolders(name).some((folder) => fs.existsSync(path.join(folder, 'model.safetensors')));
  }
  return fs.existsSync(path.resolve(name));
}

/**
 * `spec`, or `synthetic:<spec>` when it names a hub model whose files are absent: what a notebook runs
 * on so that it always runs, saying so (see lib/figures/notice.ts).
 */
export function presentOrSynthetic(spec: string): string {
  const name = spec.trim();
  const hubModel = isGPT2Size(name) && name !== 'tiny';
  return hubModel && !weightsPresent(name) ? `synthetic:${name}` : name;
}
