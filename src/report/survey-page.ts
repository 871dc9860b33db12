/**
 * summary.html of a `jamfit batch` folder, beside summary.csv: one self-contained page (no
 * network; inline CSS, SVG and script) with
 *  - the survey's counts (done, failed, converged, with warnings) and histograms of each
 *    parameter's median over the finished galaxies (SVG drawn here);
 *  - one row per galaxy of summary.csv: status, each parameter's median with its 68% interval,
 *    chi2 per bin, the posterior predictive p-value (from the galaxy's summary.json, when there),
 *    R-hat max, ESS min, converged, warnings or the error; the name links to <name>/report.html;
 *  - client-side sorting (click a column head; again to reverse) and filtering (text over name,
 *    status, warnings and error; status; only with warnings; only not converged).
 * The rows travel as one JSON block; sorting and filtering run over all of them, and the table
 * shows 200 rows a page (first/prev/next/last, or all on one page for printing), rendered as one
 * string: a browser lays out a 5,000-row table in seconds, 200 rows in milliseconds, so 5,000
 * galaxies sort or filter in well under a second (test/report/browser.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parameterLabel } from '../../likelihoods/parameters.ts';
import { niceTicks, fmtTick } from '../plots/ticks.ts';
import { esc as escSvg, f1, linear, svgOpen } from '../plots/svg-kit.ts';
import { version } from '../version.ts';
import { escHtml as e, inlineSvg, pageHead, writePage } from './html.ts';

export const SURVEY_HTML = 'summary.html';

/** RFC 4180 CSV (quoted fields with "" escapes and line breaks inside quotes) -> rows of strings. */
export function parseCsvRecords(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

// The survey's narrow columns take a shorter label of the total mass than likelihoods/parameters.ts.
const label = (p: string): string => (p === 'log10_mass_total_msun' ? 'log10 M/Msun' : parameterLabel(p));

/** One scatter panel (x, y) of the finished galaxies, e.g. M/L against luminosity. */
function scatterSvg(pts: [number, number][], xLabel: string, yLabel: string): string {
  const PW = 420, PH = 260, ml = 56, mt = 16, mb = 40;
  const parts = [svgOpen(ml + PW + 20, mt + PH + mb, 10), `<desc>${escSvg(yLabel)} against ${escSvg(xLabel)}, one point per finished galaxy.</desc>`];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const pad = (lo: number, hi: number): [number, number] => (hi > lo ? [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)] : [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)]);
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const sx = linear(x0, x1, ml, ml + PW);
  const sy = linear(y0, y1, mt + PH, mt);
  parts.push(`<rect x="${ml}" y="${mt}" width="${PW}" height="${PH}" fill="none" stroke="black"/>`);
  parts.push(`<g fill="#34495e" fill-opacity="0.6">${pts.map(([x, y]) => `<circle cx="${f1(sx(x))}" cy="${f1(sy(y))}" r="2.2"/>`).join('')}</g>`);
  for (const t of niceTicks(x0, x1, 5)) parts.push(`<line x1="${f1(sx(t))}" y1="${mt + PH}" x2="${f1(sx(t))}" y2="${mt + PH + 4}" stroke="black"/><text x="${f1(sx(t))}" y="${mt + PH + 15}" text-anchor="middle">${escSvg(fmtTick(t))}</text>`);
  for (const t of niceTicks(y0, y1, 5)) parts.push(`<line x1="${ml - 4}" y1="${f1(sy(t))}" x2="${ml}" y2="${f1(sy(t))}" stroke="black"/><text x="${ml - 6}" y="${f1(sy(t) + 3)}" text-anchor="end">${escSvg(fmtTick(t))}</text>`);
  parts.push(`<text x="${f1(ml + PW / 2)}" y="${mt + PH + 32}" text-anchor="middle" font-size="11">${escSvg(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${f1(mt + PH / 2)}) rotate(-90)" text-anchor="middle" font-size="11">${escSvg(yLabel)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** Histogram panels of the finished galaxies' medians, one per parameter. */
function histogramsSvg(params: string[], values: number[][]): string {
  const PW = 220, PH = 120, ml = 40, mt = 26, gapX = 30, gapY = 52, cols = Math.min(4, Math.max(1, params.length));
  const rowsN = Math.ceil(params.length / cols);
  const W = ml + cols * (PW + gapX), H = mt + rowsN * (PH + gapY);
  const parts = [svgOpen(W, H, 10), `<desc>Histograms of the posterior medians over the finished galaxies.</desc>`];
  params.forEach((p, k) => {
    const v = values[k].filter(Number.isFinite).sort((a, b) => a - b);
    const x0 = ml + (k % cols) * (PW + gapX), y0 = mt + Math.floor(k / cols) * (PH + gapY);
    parts.push(`<text x="${f1(x0 + PW / 2)}" y="${f1(y0 - 8)}" text-anchor="middle" font-size="12">${escSvg(label(p))} (${v.length})</text>`);
    parts.push(`<rect x="${x0}" y="${y0}" width="${PW}" height="${PH}" fill="none" stroke="black"/>`);
    if (!v.length) return;
    let lo = v[0], hi = v[v.length - 1];
    if (!(hi > lo)) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
    const nb = Math.max(5, Math.min(40, Math.round(Math.sqrt(v.length) * 1.5)));
    const counts = new Array(nb).fill(0);
    for (const x of v) counts[Math.min(nb - 1, Math.floor(((x - lo) / (hi - lo)) * nb))]++;
    const cmax = Math.max(...counts);
    const sx = linear(lo, hi, x0, x0 + PW), sy = linear(0, cmax * 1.05, y0 + PH, y0);
    let d = '';
    counts.forEach((c, b) => {
      if (c) d += `M${f1(sx(lo + ((hi - lo) * b) / nb))} ${f1(y0 + PH)}V${f1(sy(c))}H${f1(sx(lo + ((hi - lo) * (b + 1)) / nb))}V${f1(y0 + PH)}Z`;
    });
    parts.push(`<path d="${d}" fill="#6f8fb8" stroke="#34495e" stroke-width="0.6"/>`);
    for (const t of niceTicks(lo, hi, 4)) parts.push(`<line x1="${f1(sx(t))}" y1="${y0 + PH}" x2="${f1(sx(t))}" y2="${y0 + PH + 4}" stroke="black"/><text x="${f1(sx(t))}" y="${y0 + PH + 15}" text-anchor="middle">${escSvg(fmtTick(t))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const SCRIPT = String.raw`
(function () {
  var D = JSON.parse(document.getElementById('survey-data').textContent);
  var cols = D.columns, rows = D.rows, params = D.params;
  var ci = {}; cols.forEach(function (c, i) { ci[c] = i; });
  var tbody = document.getElementById('rows'), count = document.getElementById('count');
  var q = document.getElementById('q'), st = document.getElementById('status'), ow = document.getElementById('only-warn'), onc = document.getElementById('only-nc');
  function fmt(v) {
    if (v === null || v === undefined || v === '') return '';
    if (typeof v !== 'number') return String(v);
    if (!isFinite(v)) return isNaN(v) ? 'NaN' : (v > 0 ? '\u221e' : '-\u221e');
    var a = Math.abs(v);
    if (v === 0) return '0';
    if (a < 1e-3 || a >= 1e6) return v.toExponential(2);
    return String(Number(v.toPrecision(4)));
  }
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
  var view = rows.map(function (_, i) { return i; });
  var sortKey = null, sortDir = 1;
  var text = rows.map(function (r) { return (r[ci.name] + ' ' + r[ci.status] + ' ' + (r[ci.warnings] || '') + ' ' + (r[ci.error] || '')).toLowerCase(); });
  function cellHtml(r) {
    var name = r[ci.name], href = encodeURIComponent(name) + '/report.html';
    var h = '<tr class="' + (r[ci.status] === 'done' ? '' : 'failed') + '"><td class="l"><a href="' + href + '">' + esc(name) + '</a></td><td class="l">' + esc(r[ci.status]) + '</td>';
    for (var k = 0; k < params.length; k++) {
      var p = params[k], m = r[ci[p + '_median']];
      h += m === null ? '<td></td>' : '<td data-value="' + m + '">' + fmt(m) + ' <span class="iv">[' + fmt(r[ci[p + '_lo68']]) + ', ' + fmt(r[ci[p + '_hi68']]) + ']</span></td>';
    }
    var rh = r[ci.rhat_max];
    h += '<td>' + fmt(r[ci.chi2_per_bin]) + '</td><td>' + fmt(r[ci.ppc_p]) + '</td><td class="' + (rh > 1.1 ? 'bad' : rh > 1.01 ? 'warn' : '') + '">' + fmt(rh) + '</td><td>' + fmt(r[ci.ess_min]) + '</td>';
    var cv = r[ci.converged];
    h += '<td class="l">' + (cv === true ? 'yes' : cv === false ? '<span class="bad">no</span>' : '') + '</td>';
    var w = r[ci.error] ? '<span class="bad">' + esc(r[ci.error]) + '</span>' : esc(r[ci.warnings] || '');
    return h + '<td class="l w">' + w + '</td></tr>';
  }
  var PAGE = 200, page = 0, all = false;
  var pager = document.getElementById('pager');
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    if (page >= pages) page = pages - 1;
    var from = all ? 0 : page * PAGE, to = all ? view.length : Math.min(view.length, from + PAGE);
    var out = new Array(to - from);
    for (var i = from; i < to; i++) out[i - from] = cellHtml(rows[view[i]]);
    tbody.innerHTML = out.join('');
    count.textContent = view.length + ' of ' + rows.length + ' galaxies';
    count.setAttribute('data-matching', String(view.length));
    pager.querySelector('.where').textContent = view.length ? (all ? 'all ' + view.length + ' rows' : 'rows ' + (from + 1) + '-' + to + ' (page ' + (page + 1) + ' of ' + pages + ')') : 'no rows';
  }
  pager.addEventListener('click', function (ev) {
    var a = ev.target.getAttribute && ev.target.getAttribute('data-go');
    if (!a) return;
    var pages = Math.max(1, Math.ceil(view.length / PAGE));
    all = a === 'all';
    if (a === 'first') page = 0; else if (a === 'prev') page = Math.max(0, page - 1); else if (a === 'next') page = Math.min(pages - 1, page + 1); else if (a === 'last') page = pages - 1;
    render();
  });
  function keyOf(i) {
    var v = rows[i][ci[sortKey]];
    return v === null || v === undefined || v === '' || (typeof v === 'number' && isNaN(v)) ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
  }
  function apply() {
    var s = q.value.trim().toLowerCase(), status = st.value, w = ow.checked, nc = onc.checked;
    var v = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (status && r[ci.status] !== status) continue;
      if (w && !r[ci.warnings]) continue;
      if (nc && r[ci.converged] !== false) continue;
      if (s && text[i].indexOf(s) < 0) continue;
      v.push(i);
    }
    if (sortKey) {
      var keys = new Array(rows.length);
      for (var j = 0; j < v.length; j++) keys[v[j]] = keyOf(v[j]);
      v.sort(function (a, b) {
        var x = keys[a], y = keys[b];
        if (x === null) return y === null ? a - b : 1;
        if (y === null) return -1;
        return (x < y ? -1 : x > y ? 1 : a - b) * sortDir;
      });
    }
    view = v;
    page = 0;
    all = false;
    render();
  }
  document.querySelectorAll('th[data-key]').forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-key');
      if (sortKey === k) sortDir = -sortDir; else { sortKey = k; sortDir = 1; }
      document.querySelectorAll('th[data-key]').forEach(function (t) { t.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      apply();
    });
  });
  [q, st, ow, onc].forEach(function (el) { el.addEventListener('input', apply); el.addEventListener('change', apply); });
  render();
})();
`;

/** The survey page's HTML for the batch folder `outDir` (see the module header). */
export function surveyPageHtml(outDir: string): string {
  const dir = resolve(outDir);
  const csvPath = join(dir, 'summary.csv');
  if (!existsSync(csvPath)) throw new InputError(csvPath, 'missing: not a jamfit batch folder (run jamfit batch first)');
  const records = parseCsvRecords(readFileSync(csvPath, 'utf8'));
  if (!records.length) throw new InputError(csvPath, 'empty: no header');
  const header = records[0];
  if (!header.includes('name') || !header.includes('status')) throw new InputError(csvPath, `no name/status columns in its header (${header.slice(0, 5).join(',')}...): not a jamfit batch table`);
  const TEXT = new Set(['name', 'status', 'error', 'mass_model', 'ml_mode', 'warnings']);
  const BOOL = new Set(['converged', 'tau_reliable']);
  const columns = [...header, 'ppc_p'];
  const rows: (string | number | boolean | null)[][] = records.slice(1).map((r) => {
    const out: (string | number | boolean | null)[] = header.map((c, k) => {
      const v = r[k] ?? '';
      if (TEXT.has(c)) return v === '' ? null : v;
      if (v === '') return null;
      if (BOOL.has(c)) return v === 'true' ? true : v === 'false' ? false : null;
      const x = Number(v);
      return Number.isNaN(x) ? v : x;
    });
    // The PPC p-value is not a column of summary.csv: the galaxy's summary.json has it.
    let p: number | null = null;
    const name = r[header.indexOf('name')];
    const sj = join(dir, name, 'summary.json');
    if (name && !name.includes('..') && existsSync(sj)) {
      try {
        const v = JSON.parse(readFileSync(sj, 'utf8'))?.ppc?.p_value;
        p = typeof v === 'number' ? v : null;
      } catch {
        p = null;
      }
    }
    out.push(p);
    return out;
  });
  const params = header.filter((c) => c.endsWith('_median')).map((c) => c.slice(0, -7));
  const ix = (c: string) => columns.indexOf(c);
  const done = rows.filter((r) => r[ix('status')] === 'done');
  const failed = rows.length - done.length;
  const converged = rows.filter((r) => r[ix('converged')] === true).length;
  const withWarnings = rows.filter((r) => r[ix('warnings')]).length;
  const hist = params.length ? inlineSvg(histogramsSvg(params, params.map((p) => done.map((r) => r[ix(`${p}_median`)] as number))), 'hist') : '';
  // M/L against luminosity (L = M_total / (M/L)_total), where the table has both.
  const mlCol = ix('ml_total_median');
  const massCol = ix('log10_mass_total_msun_median');
  const pts = mlCol >= 0 && massCol >= 0 ? done.map((r) => [(r[massCol] as number) - Math.log10(r[mlCol] as number), r[mlCol] as number] as [number, number]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0) : [];
  const figs = hist + (pts.length ? inlineSvg(scatterSvg(pts, 'log10 L / Lsun (= log10 M_total - log10 M/L)', 'M/L total'), 'mlL') : '');
  // JSON in a <script> block: only "</" could end it early.
  const data = JSON.stringify({ columns, params, rows }).replace(/<\//g, '<\\/');
  const head = [
    '<th class="l" data-key="name">name</th>',
    '<th class="l" data-key="status">status</th>',
    ...params.map((p) => `<th data-key="${e(p)}_median" title="median [68% interval]">${e(label(p))}</th>`),
    '<th data-key="chi2_per_bin">chi2 / bin</th>',
    '<th data-key="ppc_p" title="posterior predictive p-value">PPC p</th>',
    '<th data-key="rhat_max">R-hat max</th>',
    '<th data-key="ess_min">ESS min</th>',
    '<th class="l" data-key="converged">converged</th>',
    '<th class="l" data-key="warnings">warnings / error</th>',
  ].join('');
  return `${pageHead(`jamfit survey ${dir.split('/').pop()}`, { script: true })}
.controls { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; margin: 8px 0; position: sticky; top: 0; background: white; padding: 6px 0; z-index: 2; }
.controls input[type=search] { width: 320px; padding: 4px 6px; }
th[data-key] { cursor: pointer; user-select: none; position: sticky; top: 44px; }
th[aria-sort=ascending]::after { content: ' \\25B2'; } th[aria-sort=descending]::after { content: ' \\25BC'; }
.pager { margin: 6px 0; } .pager button { font: inherit; padding: 1px 8px; }
tr.failed td { background: #fff3f3; } .iv { color: var(--muted); font-size: 11.5px; } td.w { max-width: 420px; white-space: normal; font-size: 12px; }
@media print { .controls { display: none; } th[data-key] { position: static; } }
</style></head>
<body>
<h1>jamfit survey</h1>
<p class="muted mono">${e(dir)}</p>
<p>${rows.length} galaxies: <b>${done.length}</b> done, <b class="${failed ? 'bad' : ''}">${failed}</b> failed; ${converged} converged (auto-stop); ${withWarnings} with warnings. Written by jamfit ${e(version)} from summary.csv.</p>
<h2>Parameter distributions</h2>
<figure>${figs}<figcaption>Posterior medians of the finished galaxies.</figcaption></figure>
<h2>Galaxies</h2>
<div class="controls noprint"><input type="search" id="q" placeholder="filter: name, status, warning or error text" aria-label="filter">
<label>status <select id="status"><option value="">all</option><option value="done">done</option><option value="failed">failed</option></select></label>
<label><input type="checkbox" id="only-warn"> with warnings</label><label><input type="checkbox" id="only-nc"> not converged</label>
<span id="count" class="muted"></span></div>
<p class="muted">Cells: median [68% interval]. Click a column head to sort (again to reverse); names link to each galaxy's report.html.</p>
<div id="pager" class="pager noprint"><button data-go="first">first</button> <button data-go="prev">prev</button> <span class="where"></span> <button data-go="next">next</button> <button data-go="last">last</button> <button data-go="all" title="all matching rows on one page (slower; for printing)">show all</button></div>
<table id="survey"><thead><tr>${head}</tr></thead><tbody id="rows"></tbody></table>
<script type="application/json" id="survey-data">${data}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

/**
 * Writes `<outDir>/summary.html` beside summary.csv (see the module header), atomically.
 * @returns the path written.
 * @throws InputError when outDir has no summary.csv.
 */
export function writeSurveyPage(outDir: string): string {
  return writePage(outDir, SURVEY_HTML, surveyPageHtml(outDir));
}
