/**
 * The reference data the tests compare against, kept in test/fixtures/ (see its README): HuggingFace
 * transformers' GPT-2 goldens, statsmodels' OLS cases, NIST StRD. The tiny checkpoint is not stored:
 * `tinyCheckpoint()` writes it from the synthetic formula in the hub's exact layout, and its sha256
 * must equal the one HuggingFace's file had (TINY_CHECKPOINT_SHA256).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GPT2_SIZES } from '../../lib/weights/config';
import { writeSyntheticCheckpoint } from '../../lib/weights/synthetic';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const GPT2_FIXTURES = path.join(FIXTURES, 'gpt2');
export const NIST_STRD = path.join(FIXTURES, 'nist-strd');
export const UCI_WORKBOOK = path.join(ROOT, 'data', 'Residential-Building-Data-Set.xlsx');

export const GOLDENS = JSON.parse(fs.readFileSync(path.join(GPT2_FIXTURES, 'goldens.json'), 'utf8'));
/** statsmodels' OLS goldens: `{ statsmodels, cases: [...] }` (see the README). */
export const OLS_GOLDENS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ols', 'ols-goldens.json'), 'utf8'));
export const OLS_CASES: any[] = OLS_GOLDENS.cases;
/** statsmodels' robust covariances, WLS, tests, predictions and diagnostics (test/python/robust_goldens.py). */
export const ROBUST_GOLDENS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ols', 'robust-goldens.json'), 'utf8'));
/** statsmodels on the article's design with nonrobust and HC3 errors, and the acf of layer 0's residuals (test/python/lag_covariance_goldens.py). */
export const LAG_COVARIANCE_GOLDENS = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ols', 'lag-covariance-goldens.json'), 'utf8'));
export const TINY_CONFIG = path.join(GPT2_FIXTURES, 'tiny-gpt2.config.json');

/** sha256 of HuggingFace's tiny-gpt2.safetensors (`sha256sum` of the file the goldens were made with). */
export const TINY_CHECKPOINT_SHA256 = 'ed40814d47e39288da2c2d813d9ad6c69a4464825ab28571e1c8e2ef9a401433';

let tinyFile: string | undefined;

/**
 * `model.safetensors` of `synthetic:tiny` written in the hub's layout (with its `config.json`) in a
 * temporary folder of this process: HuggingFace's tiny-gpt2.safetensors, byte for byte.
 */
export function tinyCheckpoint(): string {
  if (!tinyFile || !fs.existsSync(tinyFile)) tinyFile = writeSyntheticCheckpoint(GPT2_SIZES.tiny, fs.mkdtempSync(path.join(os.tmpdir(), 'gpt2-tiny-')));
  return tinyFile;
}
