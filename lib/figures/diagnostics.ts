/**
 * The 2×2 figure the series draws after every fit:
 *
 *   data and predictions        | observed vs predicted (r)
 *   residuals vs predicted (r)  | residual histogram(s)
 *
 * A good fit shows the predictions running through the data, observed against predicted near the
 * diagonal, residuals with no trend against the predictions (r ≈ 0 by construction when the model has
 * an intercept), and residuals roughly symmetric around zero.
 */
import { Figure } from './figure';
import { COLORS } from './regression';

export interface ResidualHistogram {
  /** Legend label, e.g. 'residuals' or 'high interest'. */
  name: string;
  /** counts[i] values fall in [edges[i], edges[i+1]) (the last bin includes its right edge). */
  counts: number[];
  edges: number[];
}

export interface DiagnosticsInput {
  /** The regressor drawn on the first panel's horizontal axis. */
  x: number[];
  xName: string;
  y: number[];
  yName: string;
  fitted: number[];
  /** One histogram, or one per group (drawn overlaid). */
  residualHistograms: ResidualHistogram[];
  /** Optional labels per point: every panel is then coloured by group. */
  group?: string[];
  title?: string;
}

/** Pearson's r, written out here because the figure only needs it for a panel title. */
export function pearsonR(a: number[], b: number[]): number {
  const n = a.length;
  const meanA = a.reduce((s, v) => s + v, 0) / n;
  const meanB = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - meanA) * (b[i] - meanB);
    aa += (a[i] - meanA) ** 2;
    bb += (b[i] - meanB) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

// Panel k (1..4) lives on axes x{k}/y{k}; Plotly names the first pair plain 'x'/'y'.
const PANEL_DOMAINS: Array<{ x: [number, number]; y: [number, number] }> = [
  { x: [0, 0.44], y: [0.6, 1] },
  { x: [0.56, 1], y: [0.6, 1] },
  { x: [0, 0.44], y: [0, 0.38] },
  { x: [0.56, 1], y: [0, 0.38] },
];

function axisId(panel: number, letter: 'x' | 'y'): string {
  return panel === 1 ? letter : `${letter}${panel}`;
}

function layoutKey(panel: number, letter: 'x' | 'y'): string {
  return panel === 1 ? `${letter}axis` : `${letter}axis${panel}`;
}

export function diagnosticsFigure(input: DiagnosticsInput): Figure {
  const { x, y, fitted } = input;
  if (x.length !== y.length || fitted.length !== y.length) {
    throw new Error(
      `diagnosticsFigure: x, y and fitted need one value per observation, got ${x.length}, ${y.length} and ${fitted.length}.`,
    );
  }
  if (input.residualHistograms.length === 0) {
    throw new Error('diagnosticsFigure: give at least one residual histogram (counts and bin edges).');
  }
  for (const h of input.residualHistograms) {
    if (h.edges.length !== h.counts.length + 1) {
      throw new Error(
        `diagnosticsFigure: histogram "${h.name}" has ${h.counts.length} counts but ${h.edges.length} edges; ` +
          'edges must be one longer than counts.',
      );
    }
  }
  const residuals = y.map((yi, i) => yi - fitted[i]);
  const rObserved = pearsonR(fitted, y);
  const rResiduals = pearsonR(fitted, residuals);
  const on = (panel: number) => ({ xaxis: axisId(panel, 'x'), yaxis: axisId(panel, 'y') });

  const data: Array<Record<string, unknown>> = [];

  // A group keeps one colour in every panel: histogram names first, then labels not among them.
  const palette = [COLORS.groupA, COLORS.groupB, COLORS.intercept, COLORS.fitted];
  const colorOrder = [...new Set([...input.residualHistograms.map((h) => h.name), ...(input.group ?? [])])];
  const colorOf = (label: string) => palette[colorOrder.indexOf(label) % palette.length];

  // The points of panels 1–3, one trace per group (or one in all) so each group keeps its colour.
  const groups = input.group ? [...new Set(input.group)] : [undefined];
  const pointsByGroup = (panel: number, name: string, xs: number[], ys: number[], showlegend: boolean) =>
    groups.map((label) => {
      const member = (i: number) => label === undefined || input.group![i] === label;
      return {
        type: 'scatter',
        mode: 'markers',
        name: label === undefined ? name : `${name} (${label})`,
        x: xs.filter((_, i) => member(i)),
        y: ys.filter((_, i) => member(i)),
        marker: { color: label === undefined ? COLORS.observed : colorOf(label), size: 6, opacity: 0.7 },
        legendgroup: label === undefined ? 'data' : `group ${label}`,
        showlegend,
        ...on(panel),
      };
    });
  if (input.group && input.group.length !== y.length) {
    throw new Error(`diagnosticsFigure: group needs one label per observation, got ${input.group.length} for ${y.length}.`);
  }

  // 1: data and predictions
  data.push(...pointsByGroup(1, 'observed', x, y, true));
  data.push({
    type: 'scatter',
    mode: 'markers',
    name: 'predicted',
    x,
    y: fitted,
    marker: { color: COLORS.fitted, size: 5, symbol: 'x' },
    legendgroup: 'data',
    ...on(1),
  });

  // 2: observed against predicted, with the diagonal a perfect fit would lie on
  const low = Math.min(...fitted, ...y);
  const high = Math.max(...fitted, ...y);
  data.push(...pointsByGroup(2, 'observed vs predicted', fitted, y, false), {
    type: 'scatter',
    mode: 'lines',
    name: 'y = ŷ',
    x: [low, high],
    y: [low, high],
    line: { color: COLORS.residual, dash: 'dash', width: 1 },
    showlegend: false,
    ...on(2),
  });

  // 3: residuals against predicted, with the zero line
  data.push(...pointsByGroup(3, 'residuals vs predicted', fitted, residuals, false));

  // 4: residual histogram(s) as bars on the given bin edges
  const several = input.residualHistograms.length > 1;
  input.residualHistograms.forEach((h) => {
    data.push({
      type: 'bar',
      name: h.name,
      x: h.counts.map((_, i) => (h.edges[i] + h.edges[i + 1]) / 2),
      y: h.counts,
      width: h.counts.map((_, i) => h.edges[i + 1] - h.edges[i]),
      marker: { color: several ? colorOf(h.name) : COLORS.residual, line: { color: '#fff', width: 1 } },
      opacity: several ? 0.6 : 0.9,
      legendgroup: `group ${h.name}`,
      showlegend: several,
      ...on(4),
    });
  });

  const titles = [
    'data and predictions',
    `observed vs predicted (r = ${rObserved.toFixed(3)})`,
    `residuals vs predicted (r = ${rResiduals.toFixed(3)})`,
    'residuals',
  ];
  const axisTitles: Array<[string, string]> = [
    [input.xName, input.yName],
    [`predicted ${input.yName}`, `observed ${input.yName}`],
    [`predicted ${input.yName}`, 'residual'],
    ['residual', 'count'],
  ];
  const layout: Record<string, unknown> = {
    title: { text: input.title ?? `Diagnostics: ${input.yName}` },
    height: 760,
    margin: { t: 80, b: 110 },
    template: 'plotly_white',
    hovermode: 'closest',
    barmode: 'overlay',
    legend: { orientation: 'h', y: -0.14 },
    annotations: PANEL_DOMAINS.map((domain, k) => ({
      text: `<b>${titles[k]}</b>`,
      xref: 'paper',
      yref: 'paper',
      x: (domain.x[0] + domain.x[1]) / 2,
      y: domain.y[1] + 0.01,
      xanchor: 'center',
      yanchor: 'bottom',
      showarrow: false,
    })),
    shapes: [
      { type: 'line', xref: 'x3 domain', yref: 'y3', x0: 0, x1: 1, y0: 0, y1: 0, line: { color: COLORS.residual, dash: 'dash', width: 1 } },
    ],
  };
  PANEL_DOMAINS.forEach((domain, k) => {
    const panel = k + 1;
    layout[layoutKey(panel, 'x')] = {
      domain: domain.x,
      anchor: axisId(panel, 'y'),
      title: { text: axisTitles[k][0] },
      zeroline: false,
    };
    layout[layoutKey(panel, 'y')] = {
      domain: domain.y,
      anchor: axisId(panel, 'x'),
      title: { text: axisTitles[k][1] },
      zeroline: false,
    };
  });
  return { data, layout };
}
