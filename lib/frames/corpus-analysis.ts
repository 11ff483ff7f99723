/**
 * Everything the corpus run reports, from its table (and head shares): the regressions per layer
 * pooled over the corpus with errors clustered by text, the texts' own fits and their spread, the
 * Wald test that lag 1's beta is the same in every layer, the refit without c_proj's bias, and the
 * findings. The command line, its report and the corpus notebook all read this one result.
 */
import type { ModelLabel } from './findings';
import type { HeadShares } from './corpus-head-shares';
import { CorpusNorms, corpusLagDesign } from './corpus-norms';
import { CorpusRegressionRow, LagEqualityTest, PooledLayerFit, corpusRegressionRows, lagEqualityTest, pooledLayerFits } from './corpus-regressions';
import { TextBetaSpread, perTextFits, textBetaSpread } from './corpus-text-fits';
import { corpusFindingSentences } from './corpus-findings';

export interface CorpusAnalysis {
  label: ModelLabel;
  texts: number;
  /** Rows of the table, and those that enter the regressions (per layer). */
  rows: number;
  regressionRows: number;
  pooled: PooledLayerFit[];
  /** The pooled fits of log‖a_t‖ as table rows; then, with head shares, those of log‖a_t − b_O‖. */
  regressions: CorpusRegressionRow[];
  equality: LagEqualityTest;
  spread: TextBetaSpread[];
  heads?: HeadShares;
  findings: string[];
}

export function analyseCorpus(table: CorpusNorms, label: ModelLabel, heads?: HeadShares): CorpusAnalysis {
  const design = corpusLagDesign(table);
  const pooled = pooledLayerFits(design);
  const rows = corpusRegressionRows(pooled);
  const withoutBias = heads ? corpusRegressionRows(pooledLayerFits(corpusLagDesign(table, 'log_norm_without_bias'))) : undefined;
  const equality = lagEqualityTest(pooled);
  const spread = textBetaSpread(perTextFits(design));
  return {
    label,
    texts: design.textIds.length,
    rows: table.norm.length,
    regressionRows: design.layers[0].y.length,
    pooled,
    regressions: [...rows, ...(withoutBias ?? [])],
    equality,
    spread,
    heads,
    findings: corpusFindingSentences({ label, pooled: rows, spread, equality, heads, withoutBias }),
  };
}
