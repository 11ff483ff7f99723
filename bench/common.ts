/** What the benchmarks share: the golden texts' token ids, medians, peak memory. */
import * as fs from 'fs';
import * as path from 'path';

const goldens = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'gpt2', 'goldens.json'), 'utf8'));

/** Token ids of the goldens' texts by name: `hungary` is the article's 95-token paragraph. */
export const GOLDEN_TEXTS: Record<string, number[]> = Object.fromEntries(goldens.texts.map((t: { name: string; ids: number[] }) => [t.name, t.ids]));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** This process's peak resident memory so far, in MB. */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

export const round1 = (x: number) => Math.round(x * 10) / 10;
