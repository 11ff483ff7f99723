/**
 * The README's library example runs as written: pasted into a file at the repository's root (here a
 * temporary folder that sees the repository's lib/, node_modules/ and package.json) and run with tsx.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/fixtures';

describe("the README's library example", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const library = readme.slice(readme.indexOf('## The library'));
  const example = /```ts\n([\s\S]*?)```/.exec(library)?.[1] ?? '';

  it('runs with npx tsx and prints layer 0\'s summary', () => {
    expect(example).toContain("from './lib/model/index'");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
    for (const entry of ['lib', 'node_modules']) fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json')); // "type": "commonjs", as at the root
    fs.writeFileSync(path.join(dir, 'example.ts'), example);
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['example.ts'], { cwd: dir, encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("block 0's attention output: 2 tokens");
    expect(run.stdout).toContain('OLS Regression Results');
    expect(run.stdout).toMatch(/No\. Observations:\s+10\s/); // 13 tokens: t = 3..12
  });
});
