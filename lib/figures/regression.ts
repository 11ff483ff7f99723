/**
 * Figures of parts 1 and 2 of the series as Plotly `{data, layout}` specs: scatters of the raw data,
 * the regression picture (observations, fitted line, intercept, residuals as dashed segments), the
 * scatter sized and coloured by age, the median split, and R² against the sample size.
 *
 * Builders only arrange numbers computed elsewhere (lib/stats); they hold no statistics of their own.
 */

import { Figure } from './figure';

export const COLORS = {
  observed: '#1f77b4',
  fitted: '#d62728',
  predicted: '#ff7f0e',
  residual: '#7f7f7f',
  intercept: '#2ca02c',
  groupA: '#1f77b4',
  groupB: '#ff7f0e',
};

export interface AxisNames {
  xName?: string;
  yName?: string;
  title?: string;
}

function sameLength(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) {
    throw new Error(`${what}: x has ${a.length} values but y has ${b.length}; give one y per x.`);
  }
  if (a.length === 0) {
    throw new Error(`${what}: no points to draw (x and y are empty).`);
  }
}

function axes(names: AxisNames, fallbackTitle: string): Record<string, unknown> {
  return {
    title: { text: names.title ?? fallbackTitle },
    xaxis: { title: { text: names.xName ?? 'x' }, zeroline: false },
    yaxis: { title: { text: names.yName ?? 'y' }, zeroline: false },
    hovermode: 'closest',
    template: 'plotly_white',
  };
}

/** The observations alone. */
export function scatterFigure(x: number[], y: number[], names: AxisNames = {}): Figure {
  sameLength('scatterFigure', x, y);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'observations',
        x,
        y,
        marker: { color: COLORS.observed, size: 9 },
      },
    ],
    layout: { ...axes(names, 'The data'), showlegend: false },
  };
}

export interface RegressionPictureInput extends AxisNames {
  x: number[];
  y: number[];
  intercept: number;
  slope: number;
}

/**
 * The picture of simple regression: the observations, the fitted line (drawn back to x = 0 so the
 * intercept sits on it), the intercept marked, each residual as a dashed segment from the observation
 * to its prediction, and the predictions themselves.
 */
export function regressionPicture(input: RegressionPictureInput): Figure {
  const { x, y, intercept, slope } = input;
  sameLength('regressionPicture', x, y);
  const predicted = x.map((xi) => intercept + slope * xi);
  const lineFrom = Math.min(0, ...x);
  const lineTo = Math.max(0, ...x);

  // One trace for all residuals: segments separated by nulls, so the legend has a single entry.
  const segmentX: Array<number | null> = [];
  const segmentY: Array<number | null> = [];
  x.forEach((xi, i) => {
    segmentX.push(xi, xi, null);
    segmentY.push(y[i], predicted[i], null);
  });

  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        name: 'residuals',
        x: segmentX,
        y: segmentY,
        line: { color: COLORS.residual, dash: 'dash', width: 1.5 },
        hoverinfo: 'skip',
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: `fitted line ŷ = ${intercept.toFixed(3)} + ${slope.toFixed(3)}·x`,
        x: [lineFrom, lineTo],
        y: [intercept + slope * lineFrom, intercept + slope * lineTo],
        line: { color: COLORS.fitted, width: 2 },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'observations y',
        x,
        y,
        marker: { color: COLORS.observed, size: 10 },
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'predictions ŷ',
        x,
        y: predicted,
        marker: { color: COLORS.predicted, size: 8, symbol: 'circle-open', line: { width: 2 } },
      },
      {
        type: 'scatter',
        mode: 'markers+text',
        name: 'intercept β₀',
        x: [0],
        y: [intercept],
        text: [`β₀ = ${intercept.toFixed(3)}`],
        textposition: 'middle right',
        marker: { color: COLORS.intercept, size: 13, symbol: 'diamond' },
      },
    ],
    layout: {
      ...axes(input, 'Least squares: observations, fitted line and residuals'),
      shapes: [
        // the y axis at x = 0, where the intercept is read off
        { type: 'line', xref: 'x', yref: 'paper', x0: 0, x1: 0, y0: 0, y1: 1, line: { color: '#bbb', width: 1 } },
      ],
    },
  };
}

export interface SizedByAgeInput extends AxisNames {
  x: number[];
  y: number[];
  age: number[];
}

/** Each point sized and coloured by age, with a colour bar: the second regressor made visible. */
export function scatterSizedByAge(input: SizedByAgeInput): Figure {
  const { x, y, age } = input;
  sameLength('scatterSizedByAge', x, y);
  sameLength('scatterSizedByAge (age)', x, age);
  const youngest = Math.min(...age);
  const oldest = Math.max(...age);
  const span = oldest - youngest || 1;
  return {
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'observations',
        x,
        y,
        text: age.map((a) => `age ${a}`),
        marker: {
          size: age.map((a) => 6 + (18 * (a - youngest)) / span),
          color: age,
          colorscale: 'Viridis',
          showscale: true,
          colorbar: { title: { text: 'age' } },
          opacity: 0.8,
          line: { width: 0.5, color: '#333' },
        },
      },
    ],
    layout: { ...axes(input, 'Happiness by shows, sized and coloured by age'), showlegend: false },
  };
}

export interface GroupedScatterInput extends AxisNames {
  x: number[];
  y: number[];
  /** One label per point; each distinct label becomes a trace. */
  group: string[];
  /** The order of the traces (and legend); by default, the order in which labels first appear. */
  order?: string[];
}

/** One colour per group, e.g. the median split by age. */
export function groupedScatter(input: GroupedScatterInput): Figure {
  const { x, y, group } = input;
  sameLength('groupedScatter', x, y);
  if (group.length !== x.length) {
    throw new Error(`groupedScatter: ${x.length} points but ${group.length} group labels; give one label per point.`);
  }
  const labels = input.order ?? [...new Set(group)];
  const unknown = [...new Set(group)].filter((label) => !labels.includes(label));
  if (unknown.length > 0) {
    throw new Error(`groupedScatter: labels ${unknown.join(', ')} are missing from order (${labels.join(', ')}).`);
  }
  const palette = [COLORS.groupA, COLORS.groupB, COLORS.intercept, COLORS.fitted];
  return {
    data: labels.map((label, k) => ({
      type: 'scatter',
      mode: 'markers',
      name: label,
      x: x.filter((_, i) => group[i] === label),
      y: y.filter((_, i) => group[i] === label),
      marker: { color: palette[k % palette.length], size: 9, opacity: 0.8 },
    })),
    layout: axes(input, 'The data by group'),
  };
}

export interface FitBySampleSizeInput {
  n: number[];
  rSquared: number[];
  rSquaredAdj: number[];
  title?: string;
}

/** R² and adjusted R² against the sample size, on a log axis: the gap closes as N grows. */
export function rSquaredBySampleSize(input: FitBySampleSizeInput): Figure {
  const { n, rSquared, rSquaredAdj } = input;
  sameLength('rSquaredBySampleSize', n, rSquared);
  sameLength('rSquaredBySampleSize (adjusted)', n, rSquaredAdj);
  return {
    data: [
      // markers only: rounded sizes repeat at small N, and lines would join the repeats vertically
      { type: 'scatter', mode: 'markers', name: 'R²', x: n, y: rSquared, marker: { color: COLORS.observed, size: 7 } },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'adjusted R²',
        x: n,
        y: rSquaredAdj,
        marker: { color: COLORS.fitted, symbol: 'square', size: 6 },
      },
    ],
    layout: {
      title: { text: input.title ?? 'R² and adjusted R² against the sample size' },
      xaxis: { title: { text: 'sample size N' }, type: 'log' },
      yaxis: { title: { text: 'R²' } },
      hovermode: 'closest',
      template: 'plotly_white',
    },
  };
}
