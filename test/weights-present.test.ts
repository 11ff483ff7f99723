/**
 * `weightsPresent` looks where `resolveWeights` looks: absent files are exactly the case where the
 * loader says "no checkpoint", and present but broken files are the loader's to report.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { presentOrSynthetic, weightsPresent } from '../lib/weights/present';
import { checkpointFolders, resolveWeights } from '../lib/weights/resolve';
import { ROOT } from './helpers/fixtures';

const saved = process.env.GPT2_WEIGHTS;
afterEach(() => {
  if (saved === undefined) delete process.env.GPT2_WEIGHTS;
  else process.env.GPT2_WEIGHTS = saved;
});

const tempFolder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'weights-present-'));

describe('weightsPresent', () => {
  it('looks in $GPT2_WEIGHTS/<name>, $GPT2_WEIGHTS, then weights/<name>, as resolveWeights does', () => {
    const dir = tempFolder();
    process.env.GPT2_WEIGHTS = dir;
    expect(checkpointFolders('gpt2-xl')).toEqual([path.join(dir, 'gpt2-xl'), dir, path.join(ROOT, 'weights', 'gpt2-xl')]);
    for (const name of ['gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl']) {
      const inRepository = fs.existsSync(path.join(ROOT, 'weights', name, 'model.safetensors'));
      expect(weightsPresent(name), name).toBe(inRepository);
      if (!inRepository) expect(() => resolveWeights(name)).toThrow(/no checkpoint for "/);
    }
  });

  it('is true for files that are there but broken, and the loader then names the real problem', () => {
    const dir = tempFolder();
    fs.mkdirSync(path.join(dir, 'gpt2'));
    fs.writeFileSync(path.join(dir, 'gpt2', 'model.safetensors'), 'not a safetensors file');
    fs.writeFileSync(path.join(dir, 'gpt2', 'config.json'), '{"n_layer": 12, "n_embd": 768, "n_head": 12}');
    process.env.GPT2_WEIGHTS = dir;
    expect(weightsPresent('gpt2')).toBe(true);
    expect(() => resolveWeights('gpt2')).toThrow();
    expect(() => resolveWeights('gpt2')).not.toThrow(/no checkpoint/);
  });

  it('counts a checkpoint directly in $GPT2_WEIGHTS, and GPT2_WEIGHTS naming a file', () => {
    const dir = tempFolder();
    fs.writeFileSync(path.join(dir, 'model.safetensors'), '');
    process.env.GPT2_WEIGHTS = dir;
    expect(weightsPresent('gpt2-medium')).toBe(true);
    process.env.GPT2_WEIGHTS = path.join(dir, 'model.safetensors');
    expect(weightsPresent('gpt2-large')).toBe(true);
  });

  it('falls back to synthetic weights of the same shape only for a hub model whose files are absent', () => {
    const dir = tempFolder();
    process.env.GPT2_WEIGHTS = dir;
    const absent = ['gpt2', 'gpt2-xl'].filter((name) => !fs.existsSync(path.join(ROOT, 'weights', name, 'model.safetensors')));
    for (const name of absent) expect(presentOrSynthetic(name)).toBe(`synthetic:${name}`);
    fs.mkdirSync(path.join(dir, 'gpt2-xl'));
    fs.writeFileSync(path.join(dir, 'gpt2-xl', 'model.safetensors'), '');
    expect(presentOrSynthetic('gpt2-xl')).toBe('gpt2-xl');
    expect(presentOrSynthetic('synthetic:tiny')).toBe('synthetic:tiny');
    expect(presentOrSynthetic('gpt3')).toBe('gpt3'); // not a hub model: the loader names the problem
  });

  it('knows synthetic sizes and paths without reading anything', () => {
    expect(weightsPresent('synthetic:gpt2-xl')).toBe(true);
    expect(weightsPresent('synthetic:tiny')).toBe(true);
    expect(weightsPresent('synthetic:huge')).toBe(false);
    expect(weightsPresent(path.join(ROOT, 'test', 'fixtures', 'gpt2', 'goldens-tiny.safetensors'))).toBe(true);
    expect(weightsPresent(path.join(tempFolder(), 'nothing.safetensors'))).toBe(false);
    expect(weightsPresent('gpt3')).toBe(false);
  });
});
