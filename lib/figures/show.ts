/**
 * Inline figures in a tslab notebook: `show(figure)` sends the figure as HTML through tslab's
 * `display.html`, so it is stored in the saved notebook and in its HTML export. plotly.js travels
 * with the first figure a kernel shows (4.6 MB, so only once per notebook).
 */
import { Figure } from './figure';
import { figureHtml, plotlyScript } from './html';

type TslabDisplay = { html(s: string): void };

let plotlyEmbedded = false;

// Required lazily: tslab loads ZeroMQ and only works inside its kernel, while the figure builders
// must also run in plain Node (npm start, tests).
function tslabDisplay(): TslabDisplay {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (require('tslab') as { display: TslabDisplay }).display;
}

/**
 * Embeds plotly.js in the notebook now. `show` does this by itself for a kernel's first figure; call
 * it when outputs were cleared without restarting the kernel, so the saved notebook has plotly.js again.
 */
export function embedPlotly(): void {
  tslabDisplay().html(plotlyScript());
  plotlyEmbedded = true;
}

/** Draws `figure` in the notebook, under the cell that calls it. */
export function show(figure: Figure): void {
  const html = plotlyEmbedded ? figureHtml(figure) : plotlyScript() + '\n' + figureHtml(figure);
  tslabDisplay().html(html);
  plotlyEmbedded = true;
}
