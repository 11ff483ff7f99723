/**
 * A figure is a Plotly spec, `{ data, layout }`: the same object plotly.js, nodeplotlib and Plotly's
 * Python API draw. Builders in this folder return one; `html.ts` turns it into HTML and `show.ts`
 * displays it in a tslab notebook.
 */
import type { ModelLabel } from '../frames/findings';

export type Trace = Record<string, unknown>;
export type Layout = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Layout;
}

/** Which weights produced the numbers a figure shows. */
export type { ModelLabel };

export const SYNTHETIC_NOTE =
  'Synthetic weights: a stand-in with GPT-2\'s architecture, not trained. These numbers say nothing about GPT-2.';

/**
 * The title with the model named in it; on synthetic weights also a banner across the top, so an
 * image of the figure cannot be mistaken for one of the trained model.
 */
export function labelled(layout: Layout, title: string, label: ModelLabel): Layout {
  const fullTitle = label.synthetic ? `${title} (SYNTHETIC weights: ${label.model})` : `${title} (${label.model})`;
  const annotations = [...((layout.annotations as unknown[]) ?? [])];
  if (label.synthetic) {
    annotations.push({
      text: SYNTHETIC_NOTE,
      xref: 'paper',
      yref: 'paper',
      x: 0.5,
      y: 1.0,
      yanchor: 'bottom',
      showarrow: false,
      font: { color: '#b00020', size: 12 },
      bgcolor: '#fff3f3',
      bordercolor: '#b00020',
      borderwidth: 1,
    });
  }
  return {
    ...layout,
    title: { text: fullTitle, x: 0.02, xanchor: 'left', y: 0.98, yanchor: 'top' },
    annotations,
    margin: { t: label.synthetic ? 95 : 70, l: 70, r: 30, b: 60 },
  };
}
