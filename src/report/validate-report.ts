/**
 * report.html of a `jamfit validate` folder (src/validate/run.ts): one self-contained page (no
 * network, no external fonts or scripts; figures inlined as SVG; print CSS from ./html.ts) with
 *  - the command and versions (report.json), the settings every mock shares (validate.json);
 *  - the target of README "Calibration": one pass/fail line per parameter and criterion
 *    (68% and 95% coverage within 3 binomial sd of nominal; rank histogram consistent with
 *    uniform, p(chi^2) and p(KS) > 0.01) and the number of mocks (>= 400), as report.json's
 *    `target` and the per-parameter `target` blocks say;
 *  - the calibration numbers per parameter: 68% / 95% coverage with hits, binomial sd and z;
 *    the SBC rank tests (chi^2, dof, p, KS distance, p, bins outside the 99% band); the RMS
 *    error of the medians next to the prior sd; TARP (KS distance, 95/99% bands, p); the
 *    diagnostics (fits not converged, mocks with ESS below L, median chi^2 per bin);
 *  - the systematic shift of the posterior medians from the truths per parameter (mean with its
 *    standard error, median; mean and median in posterior sd) under the alignments of the mocks
 *    and the fits, said first when they differ (`--mock-align`: the shift is then the error of
 *    fitting the other alignment);
 *  - rank_histograms.svg and calibration.svg (coverage curves and TARP), inlined;
 *  - a table of the mocks (k, truth, median, chi^2 per bin, ESS min, converged), each linking
 *    to its run folder's report (mocks/<k>/fit/report.html).
 * Every number in the calibration and mock tables carries its full-precision value in
 * `data-value`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parameterLabel } from '../../likelihoods/parameters.ts';
import { version } from '../version.ts';
import { cell, escHtml as e, figure, fmtNum, kvTable, pageHead, writePage } from './html.ts';

export const VALIDATE_REPORT_HTML = 'report.html';

const label = parameterLabel;

function readJson(p: string, required: boolean): any {
  if (!existsSync(p)) {
    if (required) throw new InputError(p, 'missing: not a finished jamfit validate folder (run jamfit validate first)');
    return null;
  }
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch (err) {
    throw new InputError(p, `not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
}

const verdict = (ok: boolean) => (ok ? '<span class="ok">pass</span>' : '<span class="bad">fail</span>');

/** The HTML of a validate folder's report (see the module header); `dir` must hold report.json. */
export function validateReportHtml(dir: string): string {
  const root = resolve(dir);
  const p = (f: string) => join(root, f);
  const rep = readJson(p('report.json'), true);
  const cfg = readJson(p('validate.json'), false) ?? rep.config ?? {};
  const names: string[] = rep.parameters ?? [];
  const cal = rep.calibration ?? {};
  const n: number = rep.n;
  const title = `jamfit validate: ${n} mocks`;

  // --- target: one line per parameter and criterion, then the number of mocks
  const targetRows = names.flatMap((name) => {
    const c = cal[name];
    const t = c.target ?? {};
    return [
      [`coverage of the 68% intervals within 3 sd of nominal`, `${fmtNum(c.coverage68.fraction)} vs ${fmtNum(c.coverage68.nominal)}: z = ${fmtNum(c.coverage68.z, 3)}`, t.coverage68_within_3sd],
      [`coverage of the 95% intervals within 3 sd of nominal`, `${fmtNum(c.coverage95.fraction)} vs ${fmtNum(c.coverage95.nominal)}: z = ${fmtNum(c.coverage95.z, 3)}`, t.coverage95_within_3sd],
      [`rank histogram consistent with uniform (p > 0.01)`, `p(chi2) = ${fmtNum(c.sbc.p_chi2, 3)}, p(KS) = ${fmtNum(c.sbc.p_ks, 3)}`, t.ranks_uniform],
    ].map(([what, value, ok]) => `<tr data-target="${e(name)}"><td class="l">${e(label(name))}</td><td class="l">${e(what)}</td><td class="l">${e(value)}</td><td class="l">${verdict(!!ok)}</td></tr>`);
  });
  const nOk = n >= (rep.target?.n_at_least ?? 400);
  targetRows.push(`<tr data-target="n"><td class="l">all</td><td class="l">at least ${e(rep.target?.n_at_least ?? 400)} mocks</td><td class="l">${e(n)} mocks</td><td class="l">${verdict(nOk)}</td></tr>`);
  const met = rep.target?.met === true;
  const targetLine = met
    ? `<p id="target-line" class="ok"><b>Target met:</b> every coverage within 3 binomial sd of nominal and every rank histogram consistent with uniform, over ${e(n)} mocks.</p>`
    : `<p id="target-line" class="bad">Target not met: ${e((rep.target?.failing ?? []).join('; '))}</p>`;
  const targetTable = `<table id="target"><thead><tr><th class="l">parameter</th><th class="l">criterion</th><th class="l">value</th><th class="l">result</th></tr></thead><tbody>${targetRows.join('')}</tbody></table>`;

  // --- calibration numbers per parameter
  const zCls = (z: number) => (!(Math.abs(z) <= 3) ? 'bad' : Math.abs(z) > 2 ? 'warn' : '');
  const pCls = (v: number) => (!(v > 0.01) ? 'bad' : '');
  const calRows = names.map((name) => {
    const c = cal[name];
    const s = c.sbc;
    return `<tr data-param="${e(name)}"><td class="l">${e(label(name))}</td>${cell(c.coverage68.fraction)}${cell(c.coverage68.sd)}${cell(c.coverage68.z, zCls(c.coverage68.z))}${cell(c.coverage95.fraction)}${cell(c.coverage95.sd)}${cell(c.coverage95.z, zCls(c.coverage95.z))}${cell(s.chi2)}${cell(s.dof)}${cell(s.p_chi2, pCls(s.p_chi2))}${cell(s.ks_d)}${cell(s.p_ks, pCls(s.p_ks))}${cell(s.outside99)}${cell(c.rms_error)}${cell(c.prior_sd)}${cell(c.rms_over_prior_sd)}<td class="l muted">${e(c.units)}</td></tr>`;
  });
  const calTable = `<table id="calibration"><thead><tr><th class="l" rowspan="2">parameter</th><th colspan="3">coverage 68%</th><th colspan="3">coverage 95%</th><th colspan="6">SBC ranks (L = ${e(cal[names[0]]?.sbc.draws ?? '')})</th><th colspan="4">RMS error of the medians</th></tr>
<tr><th>fraction</th><th>sd</th><th>z</th><th>fraction</th><th>sd</th><th>z</th><th>chi2</th><th>dof</th><th>p(chi2)</th><th>KS D</th><th>p(KS)</th><th>bins outside 99%</th><th>RMS</th><th>prior sd</th><th>RMS / prior sd</th><th class="l">units</th></tr></thead><tbody>${calRows.join('')}</tbody></table>`;
  // --- systematic shift of the medians (absent in report.json written before it existed)
  const al = rep.alignments ?? { mocks: [cfg.mock_align ?? 'cyl'], fits: [cfg.align ?? 'cyl'] };
  const mismatch = (al.mocks ?? []).join() !== (al.fits ?? []).join();
  const shiftRows = names.filter((name) => cal[name]?.shift).map((name) => {
    const h = cal[name].shift;
    const big = (z: number) => (Math.abs(z) > 1 ? 'bad' : Math.abs(z) > 0.5 ? 'warn' : '');
    return `<tr data-shift="${e(name)}"><td class="l">${e(label(name))}</td>${cell(h.mean)}${cell(h.mean_se)}${cell(h.median)}${cell(h.mean_in_sd, big(h.mean_in_sd))}${cell(h.median_in_sd, big(h.median_in_sd))}<td class="l muted">${e(cal[name].units)}</td></tr>`;
  });
  const alignLine = mismatch
    ? `<p id="alignment" class="warn"><b>Mocks ${e(al.mocks.join('/'))}-aligned, fits ${e(al.fits.join('/'))}-aligned:</b> the shifts below are the systematic error of fitting the other alignment, averaged over the prior (cyl: Cappellari 2008; sph: Cappellari 2020).</p>`
    : `<p id="alignment" class="muted">Mocks and fits both ${e(al.fits.join('/'))}-aligned: a calibrated fit has shifts consistent with 0 (mean within ~3 standard errors).</p>`;
  const shiftTable = shiftRows.length
    ? `<table id="shift"><thead><tr><th class="l" rowspan="2">parameter</th><th colspan="3">posterior median - truth</th><th colspan="2">in posterior sd</th><th class="l" rowspan="2">units</th></tr>
<tr><th>mean</th><th>se of mean</th><th>median</th><th>mean</th><th>median</th></tr></thead><tbody>${shiftRows.join('')}</tbody></table>`
    : '<p class="muted">No shifts in this report.json (written by an older jamfit).</p>';
  const tarp = rep.tarp ?? {};
  const tarpTable = kvTable([
    ['KS distance max |ECP - alpha|', tarp.ks_d],
    ['simultaneous 95% band (half-width)', tarp.band95],
    ['simultaneous 99% band (half-width)', tarp.band99],
    ['p(KS)', tarp.p_ks],
    ['mocks', tarp.n],
  ]);
  const dg = rep.diagnostics ?? {};
  const diagTable = kvTable([
    ['engines', (rep.engines ?? []).join(', ')],
    ['alignment of the mocks / fits', `${(al.mocks ?? []).join(', ')} / ${(al.fits ?? []).join(', ')}`],
    ['fits not converged (auto-stop)', dg.not_converged],
    ['mocks whose ESS is below L (correlated draws)', dg.draws_not_independent],
    ['smallest ESS', dg.ess_min],
    ['median chi2 per bin', dg.median_chi2_per_bin],
  ]);

  // --- figures
  const svg = (f: string) => (existsSync(p(f)) ? readFileSync(p(f), 'utf8') : null);
  const figures = [
    figure(svg('rank_histograms.svg'), 'ranks', 'SBC rank histograms: the rank of the truth among L posterior draws per mock, with the per-bin binomial 99% band of a uniform histogram.'),
    figure(svg('calibration.svg'), 'calibration', 'Coverage of central credible intervals against credibility per parameter (68% and 95% points with their binomial sd), and the TARP expected-coverage curve with its simultaneous 95% and 99% bands.'),
  ].join('');

  // --- mocks
  const mocks: any[] = rep.mocks ?? [];
  const mockRows = mocks.map((m) => {
    const href = `mocks/${m.k}/fit/report.html`;
    const link = existsSync(p(href)) ? `<a href="${e(href)}">${e(m.k)}</a>` : e(m.k);
    const conv = m.converged === null || m.converged === undefined ? '<td class="muted">n/a</td>' : `<td class="${m.converged ? '' : 'warn'}">${m.converged ? 'yes' : 'no'}</td>`;
    return `<tr data-k="${e(m.k)}"><td class="l">${link}</td>${names.map((name) => cell(m.truth?.[name])).join('')}${names.map((name) => cell(m.median?.[name])).join('')}${cell(m.chi2)}${cell(m.nbins)}${cell(m.nbins ? m.chi2 / m.nbins : null)}${cell(m.ess_min)}${conv}</tr>`;
  });
  const mockTable = `<table id="mocks"><thead><tr><th class="l" rowspan="2">mock k</th><th colspan="${names.length}">truth</th><th colspan="${names.length}">posterior median</th><th rowspan="2">chi2</th><th rowspan="2">bins</th><th rowspan="2">chi2 / bin</th><th rowspan="2">ESS min</th><th rowspan="2">converged</th></tr>
<tr>${[...names, ...names].map((name) => `<th>${e(label(name))}</th>`).join('')}</tr></thead><tbody>${mockRows.join('')}</tbody></table>`;

  const run = kvTable([
    ['command', rep.command],
    ['jamfit (validate)', rep.jamfit_version],
    ['mocks', n],
    ['report written by', `jamfit ${version}, Node.js ${process.version}`],
  ]);
  const settings = kvTable(Object.entries(cfg) as [string, unknown][]);

  return `${pageHead(title)}</style></head>
<body>
<h1>${e(title)}</h1>
<p class="muted mono">${e(root)}</p>
<h2 id="run">Run</h2>${run}
<h2 id="target-h">Target</h2>
<p class="muted">Over at least ${e(rep.target?.n_at_least ?? 400)} mocks, every parameter's 68% and 95% coverage is within 3 binomial sd of nominal and its rank histogram is consistent with uniform (chi^2 and KS p-values above 0.01).</p>
${targetLine}
${targetTable}
<h2 id="calibration-h">Calibration per parameter</h2>
<p class="muted">Coverage: the fraction of mocks whose interval holds the truth, its binomial sd sqrt(p(1-p)/N) and z = (fraction - nominal) / sd (|z| above 2 amber, above 3 red). SBC: chi^2 and KS tests of uniform ranks (p at or below 0.01 red). RMS error of the posterior medians next to the prior's sd (1: the data taught nothing).</p>
${calTable}
<h2 id="shift-h">Systematic shift of the medians</h2>
${alignLine}
<p class="muted">Per parameter over the mocks: posterior median minus truth, its mean (with the standard error of the mean) and median in the parameter's units (M/L in dex), and the same in units of each mock's posterior sd (half its central 68% interval; |value| above 0.5 amber, above 1 red).</p>
${shiftTable}
<h2 id="tarp">TARP</h2>${tarpTable}
<h2 id="diagnostics">Diagnostics</h2>${diagTable}
<h2 id="figures">Figures</h2>${figures || '<p class="muted">No figures in the folder.</p>'}
<h2 id="settings">Settings (validate.json)</h2>${settings}
<h2 id="mocks-h">Mocks</h2>
<p class="muted">Each mock's truth and posterior median (M/L linear), chi^2 of its best sample, smallest ESS and convergence; the number links to the fit's report.</p>
${mockTable}
</body></html>
`;
}

/**
 * Writes `<dir>/report.html` of a validate folder (see the module header), atomically.
 * @returns the path written.
 * @throws InputError when the folder has no report.json.
 */
export function writeValidateReport(dir: string): string {
  return writePage(dir, VALIDATE_REPORT_HTML, validateReportHtml(dir));
}
