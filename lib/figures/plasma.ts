/**
 * The plasma colour map (matplotlib's, as Plotly's `Plasma` scale samples it at ten stops), so traces
 * that need one colour each (a histogram per layer) match markers coloured with `colorscale: 'Plasma'`.
 */

const PLASMA_STOPS = [
  '#0d0887', '#46039f', '#7201a8', '#9c179e', '#bd3786',
  '#d8576b', '#ed7953', '#fb9f3a', '#fdca26', '#f0f921',
];

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** The plasma colour at `t` in [0, 1] (clamped), as `rgb(r, g, b)`, linear between the stops. */
export function plasma(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const scaled = clamped * (PLASMA_STOPS.length - 1);
  const i = Math.min(PLASMA_STOPS.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const [a, b] = [rgb(PLASMA_STOPS[i]), rgb(PLASMA_STOPS[i + 1])];
  const mixed = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${mixed.join(', ')})`;
}

/** The colour of layer `layer` of `nLayers`, first dark blue, last yellow. */
export function layerColor(layer: number, nLayers: number): string {
  return plasma(nLayers > 1 ? layer / (nLayers - 1) : 0);
}

/** Plotly's own colourscale with the same stops, for `marker.colorscale`. */
export const PLASMA_COLORSCALE: Array<[number, string]> = PLASMA_STOPS.map((c, i) => [
  i / (PLASMA_STOPS.length - 1),
  c,
]);
