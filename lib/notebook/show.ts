/**
 * `show(value)`: one call that displays a figure, a danfojs frame or Markdown under the running cell of
 * a notebook. Like IPython's display(), it sends one display message that carries every representation
 * of the value, and each front end draws the richest it knows:
 *
 * - a figure: Plotly's own MIME type (JupyterLab with its Plotly renderer draws it natively, as it does
 *   plotly.py's figures), its HTML with plotly.js for everything else, and its title as text;
 * - a DataFrame or Series: an HTML table, and the same table as text (frame-table.ts);
 * - `markdown(text)`: Markdown.
 *
 * plotly.js (4.6 MB) travels in the HTML of the first figure a kernel shows, so a notebook carries one
 * copy; later figures use it, or the copy `npm run lab`'s server provides (lib/figures/html.ts).
 */
/// <reference path="../shims/danfojs.d.ts" />
import type { DataFrame, Series } from 'danfojs';
import { Figure } from '../figures/figure';
import { FIGURE_CONFIG, figureHtml, plotlyScript } from '../figures/html';
import { frameTable } from './frame-table';

/** One value's representations, keyed by MIME type. */
export type MimeBundle = Record<string, unknown>;

/** Markdown to display, as IPython's `Markdown(text)`. */
export class Markdown {
  constructor(readonly text: string) {}
}

export function markdown(text: string): Markdown {
  return new Markdown(text);
}

export type Showable = Figure | DataFrame | Series | Markdown;

let plotlyEmbedded = false;

function isFigure(value: object): value is Figure {
  const { data, layout } = value as Partial<Figure>;
  return Array.isArray(data) && typeof layout === 'object' && layout !== null;
}

function isFrame(value: object): value is DataFrame | Series {
  const { index, values } = value as Partial<Series>;
  return Array.isArray(index) && Array.isArray(values);
}

function figureTitle(figure: Figure): string {
  const title = figure.layout.title as string | { text?: string } | undefined;
  return (typeof title === 'string' ? title : title?.text) ?? 'untitled';
}

/** What `show(value)` sends, without sending it (plain Node can call this). */
export function mimeBundle(value: Showable): MimeBundle {
  if (value instanceof Markdown) return { 'text/markdown': value.text, 'text/plain': value.text };
  if (typeof value === 'object' && value !== null && isFigure(value)) {
    const html = figureHtml(value);
    return {
      'application/vnd.plotly.v1+json': { data: value.data, layout: value.layout, config: FIGURE_CONFIG },
      'text/html': plotlyEmbedded ? html : `${plotlyScript()}\n${html}`,
      'text/plain': `Figure: ${figureTitle(value)}`,
    };
  }
  if (typeof value === 'object' && value !== null && isFrame(value)) {
    const table = frameTable(value);
    return { 'text/html': table.html, 'text/plain': table.text };
  }
  throw new Error(`show() displays a figure, a danfojs DataFrame or Series, or markdown(text); it was given ${Object.prototype.toString.call(value)}`);
}

/** A display in the notebook that is drawn once and then updated in place (Jupyter's display_id). */
export type UpdatableDisplay = (bundle: MimeBundle) => void;

interface KernelDisplay {
  mimeBundle(data: MimeBundle): void;
}

// Required lazily: tslab only works inside its kernel, while the figure and frame builders must also
// run in plain Node (npm start, tests). mimeBundle is the workbook's addition (patches/tslab+1.0.22.patch).
function tslab(): { display: KernelDisplay; newDisplay(): KernelDisplay } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('tslab');
}

function send(display: KernelDisplay, bundle: MimeBundle): void {
  try {
    display.mimeBundle(bundle);
  } catch (error) {
    if ((error as Error).message !== 'Not ready') throw error;
    throw new Error('show() and progressDisplay() draw in a notebook running the workbook kernel; outside one, write figures with writeFigureHtml (lib/figures/html) and frames with toCSV');
  }
}

/** Draws `value` in the notebook, under the cell that calls it. */
export function show(value: Showable): void {
  const bundle = mimeBundle(value);
  send(tslab().display, bundle);
  if ('application/vnd.plotly.v1+json' in bundle) plotlyEmbedded = true;
}

/** A new display: its first call draws it under the running cell, later calls redraw it in place. */
export function updatableDisplay(): UpdatableDisplay {
  const display = tslab().newDisplay();
  return (bundle) => send(display, bundle);
}
