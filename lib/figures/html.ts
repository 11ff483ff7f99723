/**
 * Figures as HTML: plotly.js (from the installed plotly.js-dist-min, so nothing is fetched from the
 * network) embedded in a <script>, and each figure as a <div> plus the script that draws it. Used
 * inline in notebooks (lib/notebook/show.ts) and for standalone pages written to disk (`writeFigureHtml`).
 */
import * as fs from 'fs';
import { Figure } from './figure';
import { writeFileAtomically } from '../io/write-file-atomically';

let plotlySource: string | undefined;

function readPlotly(): string {
  if (plotlySource === undefined) {
    const file = require.resolve('plotly.js-dist-min/plotly.min.js');
    // An HTML parser ends a <script> at the first `</script`, wherever it sits in the code.
    plotlySource = fs.readFileSync(file, 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  }
  return plotlySource;
}

/**
 * plotly.js as one <script> (4.6 MB: put it on a page once). Pages with require.js loaded, such as
 * Jupyter and nbconvert's HTML export, define a global AMD `define`; a UMD bundle that sees it registers
 * itself as an anonymous module and never sets `window.Plotly` (and require.js complains of a
 * mismatched anonymous define). Running the bundle where `define`, `module` and `exports` are
 * shadowed by undefined parameters leaves it only the browser-global path.
 */
export function plotlyScript(): string {
  return (
    '<script type="text/javascript">(function (define, module, exports) {\n' +
    readPlotly() +
    '\n}).call(window, undefined, undefined, undefined);</script>'
  );
}

/** JSON that is safe inside an inline <script>: no `</script>`, `<!--`, or JS line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let figureCount = 0;

/** How every figure is drawn: resizing with its box, without Plotly's logo in the mode bar. */
export const FIGURE_CONFIG = { responsive: true, displaylogo: false };

/**
 * The script that finds plotly.js for a figure in a notebook whose earlier output carrying it was
 * cleared, or never ran in this page (a saved notebook reopened): `npm run lab` has the Jupyter server
 * serve plotly.js at <base URL>static/plotly.min.js. It is fetched once per page and run with `define`,
 * `module` and `exports` hidden, as plotlyScript does; `window.workbookPlotly` holds the promise.
 */
const LOAD_PLOTLY_FROM_SERVER =
  '  if (!window.workbookPlotly) {\n' +
  "    var config = document.getElementById('jupyter-config-data');\n" +
  "    var base = (config && JSON.parse(config.textContent).baseUrl) || document.body.getAttribute('data-base-url') || '/';\n" +
  "    window.workbookPlotly = fetch(base.replace(/\\/?$/, '/') + 'static/plotly.min.js').then(function (response) {\n" +
  "      if (!response.ok) throw new Error(response.status + ' ' + response.statusText);\n" +
  '      return response.text();\n' +
  '    }).then(function (source) {\n' +
  "      new Function('define', 'module', 'exports', source).call(window);\n" +
  '      return window.Plotly;\n' +
  '    });\n' +
  '  }\n';

/**
 * A figure as a <div class="workbook-figure"> and the script that draws it with `Plotly.newPlot`,
 * with the plotly.js already on the page, or else the one the notebook's Jupyter server serves; when
 * neither is there, the div says what to do. Its id is unique in the process unless given (a report
 * gives its own, so that the page is the same on every run).
 */
export function figureHtml(figure: Figure, id = `workbook-figure-${process.pid}-${Date.now().toString(36)}-${++figureCount}`): string {
  const height = typeof figure.layout.height === 'number' ? figure.layout.height : 450;
  return (
    `<div id="${id}" class="workbook-figure" style="width: 100%; min-height: ${height}px;"></div>\n` +
    '<script type="text/javascript">(function () {\n' +
    `  var div = document.getElementById(${scriptJson(id)});\n` +
    '  if (!div) return;\n' +
    `  function draw(Plotly) { Plotly.newPlot(div, ${scriptJson(figure.data)}, ${scriptJson(figure.layout)}, ${scriptJson(FIGURE_CONFIG)}); }\n` +
    '  if (window.Plotly) return draw(window.Plotly);\n' +
    LOAD_PLOTLY_FROM_SERVER +
    '  window.workbookPlotly.then(draw, function (error) {\n' +
    "    div.textContent = 'plotly.js is not on this page (' + error.message + '), so this figure cannot draw: " +
    "open the notebook with `npm run lab`, whose server provides plotly.js, or run the notebook again from the top.';\n" +
    '  });\n' +
    '})();</script>'
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A complete page: plotly.js once in the head, then `body` (which may hold several figureHtml). */
export function htmlPage(title: string, body: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; }' +
      ' pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }' +
      ' table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; }</style>',
    plotlyScript(),
    '</head>',
    '<body>',
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** One figure as a standalone HTML file that opens in any browser without a network. */
export function writeFigureHtml(file: string, figure: Figure, title = 'Figure'): void {
  writeFileAtomically(file, htmlPage(title, figureHtml(figure)));
}

export { escapeHtml };
