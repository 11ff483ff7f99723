/**
 * Each text's own lag regression, per layer (the design of corpus-norms.ts restricted to the text),
 * and how their betas spread over the corpus: median, quartiles, the whiskers of a box plot, and
 * the share of texts whose own fit finds the beta significant. A pooled beta can come from a few
 * long texts or from differences between texts; the spread shows whether texts agree.
 *
 * A text needs at least one residual degree of freedom, 4 rows for 3 parameters; shorter texts are
 * counted, not fitted, and so are texts whose lags are collinear (rank below 3).
 */
import { ols } from '../stats/ols';
import { percentileSorted } from '../stats/histogram';
import { CorpusLagDesign, LAG_NAMES } from './corpus-norms';

export interface TextFit {
  textId: string;
  nobs: number;
  /** const, lag1, lag2. */
  params: number[];
  bse: number[];
  /** Two-sided t p-values of the text's OLS fit. */
  pvalues: number[];
}

export interface LayerTextFits {
  layer: number;
  fits: TextFit[];
  /** Texts with fewer than MIN_TEXT_ROWS rows in this layer (no fit). */
  tooShort: string[];
  /** Texts with enough rows whose design has rank below 3 (no fit). */
  rankDeficient: string[];
}

export const MIN_TEXT_ROWS = LAG_NAMES.length + 1;

/** Every text's OLS fit of the lag design, per layer, in text order. */
export function perTextFits(design: CorpusLagDesign): LayerTextFits[] {
  return design.layers.map(({ layer, y, lag1, lag2, text }) => {
    const out: LayerTextFits = { layer, fits: [], tooShort: [], rankDeficient: [] };
    let start = 0;
    design.textIds.forEach((textId, t) => {
      let end = start;
      while (end < text.length && text[end] === t) end++;
      const n = end - start;
      if (n < MIN_TEXT_ROWS) out.tooShort.push(textId);
      else {
        const X = Array.from({ length: n }, (_, i) => [1, lag1[start + i], lag2[start + i]]);
        const result = ols(y.subarray(start, end), X, { names: LAG_NAMES, yName: design.response });
        if (result.rank < LAG_NAMES.length) out.rankDeficient.push(textId);
        else out.fits.push({ textId, nobs: n, params: result.params, bse: result.bse, pvalues: result.pvalues });
      }
      start = end;
    });
    if (start !== text.length) throw new Error(`perTextFits: layer ${layer}'s rows are not grouped by text in corpus order; build the design with corpusLagDesign`);
    return out;
  });
}

/** How one beta spreads over the texts' own fits in one layer. */
export interface TextBetaSpread {
  layer: number;
  term: string;
  /** Texts fitted (the quantiles are over these). */
  texts: number;
  tooShort: number;
  rankDeficient: number;
  /** numpy's percentile (linear): median and quartiles; NaN when no text was fitted. */
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
  /** Tukey's whiskers: the most extreme betas within 1.5 IQR of the quartiles. */
  lowerWhisker: number;
  upperWhisker: number;
  /** Texts with p < alpha, and of these how many with a positive and a negative beta. */
  significant: number;
  positive: number;
  negative: number;
  shareSignificant: number;
}

/** The spread of lag1's and lag2's betas per layer, layer by layer. */
export function textBetaSpread(perText: LayerTextFits[], alpha = 0.05): TextBetaSpread[] {
  if (!(alpha > 0 && alpha < 1)) throw new Error(`textBetaSpread: alpha must be in (0, 1), got ${alpha}`);
  return perText.flatMap(({ layer, fits, tooShort, rankDeficient }) =>
    ['lag1', 'lag2'].map((term) => {
      const k = LAG_NAMES.indexOf(term);
      const betas = Float64Array.from(fits, (f) => f.params[k]).sort();
      const significant = fits.filter((f) => f.pvalues[k] < alpha);
      const q = (p: number) => (betas.length ? percentileSorted(betas, p) : NaN);
      const [q1, median, q3] = [q(25), q(50), q(75)];
      const inner = betas.filter((b) => b >= q1 - 1.5 * (q3 - q1) && b <= q3 + 1.5 * (q3 - q1));
      return {
        layer,
        term,
        texts: fits.length,
        tooShort: tooShort.length,
        rankDeficient: rankDeficient.length,
        median,
        q1,
        q3,
        min: betas.length ? betas[0] : NaN,
        max: betas.length ? betas[betas.length - 1] : NaN,
        lowerWhisker: inner.length ? inner[0] : NaN,
        upperWhisker: inner.length ? inner[inner.length - 1] : NaN,
        significant: significant.length,
        positive: significant.filter((f) => f.params[k] > 0).length,
        negative: significant.filter((f) => f.params[k] < 0).length,
        shareSignificant: fits.length ? significant.length / fits.length : NaN,
      };
    }),
  );
}
