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

/**
 * Every pair of variables against each other, as pandas' `scatter_matrix` draws it: row r and column c
 * plot column c's values (x) against row r's (y), and the diagonal holds each variable's histogram.
 * Plain SVG scatter traces on a grid of axes (not Plotly's WebGL splom), so the figure draws wherever
 * the notebook is opened, WebGL or not.
 */
export function scatterMatrix(columns: NamedColumns, title = 'Scatter matrix'): Figure {
  const names = checkColumns('scatterMatrix', columns);
  const k = names.length;
  const gap = 0.025;
  const size = (1 - gap * (k - 1)) / k;
  const span = (i: number): [number, number] => [i * (size + gap), i * (size + gap) + size];
  const data: Figure['data'] = [];
  const layout: Figure['layout'] = {
    title: { text: title },
    height: 190 * k + 130,
    width: 190 * k + 150,
    hovermode: 'closest',
    template: 'plotly_white',
    showlegend: false,
    bargap: 0.05,
    margin: { t: 70, l: 80, r: 30, b: 70 },
  };
  names.forEach((rowName, r) => {
    names.forEach((colName, c) => {
      const panel = r * k + c + 1;
      const xId = panel === 1 ? 'x' : `x${panel}`;
      const yId = panel === 1 ? 'y' : `y${panel}`;
      if (r === c) {
        data.push({
          type: 'histogram',
          name: colName,
          x: columns[colName],
          nbinsx: 20,
          marker: { color: COLORS.observed, opacity: 0.75 },
          xaxis: xId,
          yaxis: yId,
        });
      } else {
        data.push({
          type: 'scatter',
          mode: 'markers',
          name: `${rowName} by ${colName}`,
          x: columns[colName],
          y: columns[rowName],
          marker: { color: COLORS.observed, size: 4, opacity: 0.55 },
          hovertemplate: `${colName} = %{x}<br>${rowName} = %{y}<extra></extra>`,
          xaxis: xId,
          yaxis: yId,
        });
      }
      const bottomRow = r === k - 1;
      const leftColumn = c === 0;
      layout[panel === 1 ? 'xaxis' : `xaxis${panel}`] = {
        domain: span(c),
        anchor: yId,
        showticklabels: bottomRow,
        title: bottomRow ? { text: colName } : undefined,
        zeroline: false,
        gridcolor: '#eee',
      };
      layout[panel === 1 ? 'yaxis' : `yaxis${panel}`] = {
        domain: span(k - 1 - r), // row 0 at the top
        anchor: xId,
        showticklabels: leftColumn && r !== c, // the diagonal's axis counts rows, not the variable
        title: leftColumn ? { text: rowName } : undefined,
        zeroline: false,
        gridcolor: '#eee',
      };
    });
  });
  return { data, layout };
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
