/**
 * Figures for looking at real data before fitting it (part 3): the scatter matrix of every pair of
 * variables, and the z-scores of each variable as a box with its points strewn beside it, with the
 * ±limit lines that decide which rows are outliers.
 */
import { Figure } from './figure';
import { COLORS } from './regression';

/** Columns by name, each one value per row, e.g. from a danfojs frame's `df[name].values`. */
export type NamedColumns = Record<string, number[]>;

function checkColumns(what: string, columns: NamedColumns): string[] {
  const names = Object.keys(columns);
  if (names.length === 0) {
    throw new Error(`${what}: no columns given; pass at least one { name: values }.`);
  }
  const rows = columns[names[0]].length;
  for (const name of names) {
    if (columns[name].length !== rows) {
      throw new Error(
        `${what}: column "${name}" has ${columns[name].length} values but "${names[0]}" has ${rows}; columns must be equally long.`,
      );
    }
  }
  return names;
}

/** Every pair of variables against each other (Plotly's splom), lower triangle only. */
export function scatterMatrix(columns: NamedColumns, title = 'Scatter matrix'): Figure {
  const names = checkColumns('scatterMatrix', columns);
  const axisStyle = { showline: false, zeroline: false, gridcolor: '#eee', ticklen: 3 };
  const layout: Record<string, unknown> = {
    title: { text: title },
    height: 170 * names.length + 120,
    width: 170 * names.length + 140,
    hovermode: 'closest',
    dragmode: 'select',
    template: 'plotly_white',
    showlegend: false,
  };
  names.forEach((_, k) => {
    layout[k === 0 ? 'xaxis' : `xaxis${k + 1}`] = axisStyle;
    layout[k === 0 ? 'yaxis' : `yaxis${k + 1}`] = axisStyle;
  });
  return {
    data: [
      {
        type: 'splom',
        dimensions: names.map((name) => ({ label: name, values: columns[name] })),
        showupperhalf: false,
        diagonal: { visible: false },
        marker: { color: COLORS.observed, size: 4, opacity: 0.6, line: { width: 0 } },
      },
    ],
    layout,
  };
}

/**
 * One box per variable with every z-score drawn as a jittered point beside it, and dashed lines at
 * ±limit: points beyond them are the rows the screen removes.
 */
export function zScoreBoxStrip(z: NamedColumns, limit = 3, title?: string): Figure {
  const names = checkColumns('zScoreBoxStrip', z);
  const palette = [COLORS.groupA, COLORS.groupB, COLORS.intercept, COLORS.fitted, COLORS.residual];
  const line = (value: number) => ({
    type: 'line',
    xref: 'paper',
    yref: 'y',
    x0: 0,
    x1: 1,
    y0: value,
    y1: value,
    line: { color: COLORS.fitted, dash: 'dash', width: 1.5 },
  });
  return {
    data: names.map((name, k) => ({
      type: 'box',
      name,
      y: z[name],
      boxpoints: 'all',
      jitter: 0.5,
      pointpos: -1.8,
      marker: { color: palette[k % palette.length], size: 4, opacity: 0.6 },
      line: { width: 1.5 },
    })),
    layout: {
      title: { text: title ?? `z-scores, with the ±${limit} lines beyond which a row is an outlier` },
      yaxis: { title: { text: 'z-score' }, zeroline: true },
      shapes: [line(limit), line(-limit)],
      showlegend: false,
      template: 'plotly_white',
      hovermode: 'closest',
    },
  };
}
