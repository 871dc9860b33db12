/**
 * report.html of a run folder: one self-contained page (no network, no external fonts or
 * scripts; figures inlined as SVG) with
 *  - the command, jamfit and Node versions, times (fit.log) and the data files (config.json);
 *  - the parameter table: median, 68% and 95% intervals, tau, R-hat, bulk ESS (summary.json),
 *    then the derived quantities, the sampler's acceptance, discard and stop rule;
 *  - the fit's quality: chi2 and the posterior predictive check (summary.json ppc, ppc.json;
 *    a v-sigma fit's joint check of V and sigma and each moment's);
 *  - the warnings of fit.log in words, and summary.json's `self_check` block when present;
 *  - the figures: corner plot, V_rms maps, PPC residual map and axis profiles (of V and sigma in a
 *    v-sigma fit; the run folder's
 *    SVGs; when a batch ran without plots, the corner plot, maps and residual map are drawn here
 *    from chain.npy, bins_model.json and ppc.json), and the walkers' trace plot (drawn here);
 *  - every setting of config.json, and the files of the folder.
 * Every number shown in the parameter table carries its full-precision value in `data-value`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { parameterLabel, toReported } from '../../likelihoods/parameters.ts';
import { readNpy } from '../../samplers/backends/npy.ts';
import { vrmsMapsSvg } from '../plots/bin-map.ts';
import { cornerSvg } from '../plots/corner.ts';
import { ppcMomentsResidualMapSvg, ppcResidualMapSvg, type PpcPlotBins } from '../plots/ppc-plots.ts';
import { traceSvg } from '../plots/trace-plot.ts';
import { version } from '../version.ts';
import { cell, escHtml as e, figure, fmtNum, kvTable, pageHead, writePage } from './html.ts';

export const REPORT_HTML = 'report.html';


export interface FitLogInfo {
  command: string | null;
  jamfitVersion: string | null;
  nodeVersion: string | null;
  started: string | null;
  finished: string | null;
  seconds: number | null;
  warnings: string[];
}

/** What report.html takes from fit.log: the first start line's versions and command, the end, the warnings (deduplicated, in order). */
export function parseFitLog(text: string): FitLogInfo {
  const info: FitLogInfo = { command: null, jamfitVersion: null, nodeVersion: null, started: null, finished: null, seconds: null, warnings: [] };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\[([^\]]+)\] (.*)$/.exec(line);
    if (!m) continue;
    const [, time, msg] = m;
    const start = /^(?:start|resume): jamfit (\S+), node (\S+); command: (.*)$/.exec(msg);
    if (start && info.command === null) {
      [info.jamfitVersion, info.nodeVersion, info.command] = [start[1], start[2], start[3]];
      info.started = time;
    }
    const done = /^done in ([\d.]+) s/.exec(msg);
    if (done) {
      info.finished = time;
      info.seconds = Number(done[1]);
    }
    const w = /(?:^|\s)warning: (.*)$/.exec(msg);
    if (w && !seen.has(w[1])) {
      seen.add(w[1]);
      info.warnings.push(w[1]);
    }
  }
  return info;
}

const readText = (p: string): string | null => (existsSync(p) ? readFileSync(p, 'utf8') : null);
function readJsonOpt(p: string): any {
  const t = readText(p);
  if (t === null) return null;
  try {
    return JSON.parse(t);
  } catch (err) {
    throw new InputError(p, `not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
}


/** The HTML of the report (see the module header); `runDir` must hold summary.json. */
export function runReportHtml(runDir: string): string {
  const dir = resolve(runDir);
  const p = (f: string) => join(dir, f);
  const summary = readJsonOpt(p('summary.json'));
  if (!summary) throw new InputError(p('summary.json'), 'missing: not a finished jamfit run folder (run jamfit fit first)');
  const config = readJsonOpt(p('config.json')) ?? {};
  const ppc = readJsonOpt(p('ppc.json'));
  const bins = readJsonOpt(p('bins_model.json'));
  const log = parseFitLog(readText(p('fit.log')) ?? '');
  const names: string[] = summary.names ?? [];
  const columns: string[] = summary.chain_columns ?? names;
  const diag = summary.diagnostics ?? {};
  const name = basename(dir);
  const title = `jamfit run ${name}`;

  // --- parameter table
  const rhatCls = (r: number) => (!(r < 1.1) ? 'bad' : r > 1.01 ? 'warn' : '');
  const paramRows = names.map((n, d) => {
    const q = summary.parameters?.[n] ?? {};
    const sampled = columns[d] && columns[d] !== n ? `<span class="muted"> (sampled as ${e(columns[d])})</span>` : '';
    return `<tr data-param="${e(n)}"><td class="l">${e(parameterLabel(n))}${sampled}</td>${cell(q.median)}${cell(q.lo68)}${cell(q.hi68)}${cell(q.lo95)}${cell(q.hi95)}${cell(diag.tau?.[d])}${cell(diag.rhat?.[d], rhatCls(diag.rhat?.[d]))}${cell(diag.ess?.[d])}</tr>`;
  });
  const derivedRows = Object.entries(summary.derived ?? {}).map(
    ([n, q]: [string, any]) => `<tr data-derived="${e(n)}"><td class="l">${e(parameterLabel(n))} <span class="muted">(derived)</span></td>${cell(q.median)}${cell(q.lo68)}${cell(q.hi68)}${cell(q.lo95)}${cell(q.hi95)}<td></td><td></td><td></td></tr>`,
  );
  const paramTable = `<table id="parameters"><thead><tr><th class="l">parameter</th><th>median</th><th>68% lo</th><th>68% hi</th><th>95% lo</th><th>95% hi</th><th>tau</th><th>R-hat</th><th>ESS (bulk)</th></tr></thead><tbody>${[...paramRows, ...derivedRows].join('')}</tbody></table>`;
  const sampler = kvTable([
    ['walkers x steps', `${summary.nwalkers} x ${summary.nsteps}`],
    ['burn-in discarded', `${summary.discard} steps`],
    ['acceptance fraction', diag.acceptance],
    ['tau reliable (chain > 50 tau)', diag.tau_reliable === undefined ? null : diag.tau_reliable ? 'yes' : 'no'],
    ['converged (auto-stop)', diag.converged === null || diag.converged === undefined ? 'not asked (fixed --steps)' : diag.converged ? 'yes' : 'no'],
    ['stop', diag.stop],
    ['non-finite log posteriors', diag.nan_count],
  ]);

  // --- quality
  const s = summary.ppc;
  const sm = s?.moments;
  // A v-sigma fit's check: the joint one over V and sigma (2 values per bin), then each moment's.
  const momentRows: [string, unknown][] = sm
    ? (['v', 'sigma'] as const).flatMap((k): [string, unknown][] => {
        const m = sm[k];
        const name = k === 'v' ? 'V' : 'sigma';
        return [
          [`PPC ${name}: chi2 (total errors)`, `${fmtNum(m.chi2_total)} over ${m.nbins} bins (${fmtNum(m.chi2_per_bin)} per bin)`],
          [`PPC ${name}: p-value`, m.p_value],
          [`PPC ${name}: bins beyond 3 sigma`, `${m.beyond_3sigma.count} of ${m.nbins} (expected ${fmtNum(m.beyond_3sigma.expected_count)}; binomial p ${fmtNum(m.beyond_3sigma.p_value)})`],
        ];
      })
    : [];
  const quality = kvTable([
    ['chi2 of the best sample (formal errors)', summary.chi2 !== undefined ? `${fmtNum(summary.chi2)} over ${summary.nbins} bins (${fmtNum(summary.chi2_per_bin)} per bin)` : null],
    ['noise model', summary.noise?.total_error],
    [sm ? 'PPC chi2 of V and sigma (total errors)' : 'PPC chi2 (total errors)', s ? `${fmtNum(s.chi2_total)} for ${s.dof} dof (${fmtNum(s.chi2_per_dof)} per dof)` : null],
    [sm ? 'PPC p-value (V and sigma)' : 'PPC p-value', s?.p_value],
    [sm ? 'values beyond 3 sigma (V and sigma)' : 'bins beyond 3 sigma', s ? `${s.beyond_3sigma.count} of ${sm ? 2 * s.nbins : s.nbins} (expected ${fmtNum(s.beyond_3sigma.expected_count)}; binomial p ${fmtNum(s.beyond_3sigma.p_value)})` : null],
    ...momentRows,
    ['PPC draws', s ? `${s.ndraws} posterior draws x ${s.replicates} replicates` : null],
    ['bins clipped', s?.nbins_clipped],
  ]);

  // --- warnings
  const warnings = log.warnings.length
    ? `<ul class="warnings">${log.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>`
    : '<p class="ok">No warnings in fit.log.</p>';

  // --- self check (added by the exact-engine self check)
  const sc = summary.self_check;
  const SELF_CHECK_LABELS: Record<string, string> = { draws: 'draws re-evaluated', max_abs_dlnl: 'max |delta ln L| (direct exact JAM - sampling engine)', spread_dlnl: 'max - min of delta ln L over the draws (what reweights the posterior)', ess_fraction: 'importance-weight ESS / draws', engine: 'sampling engine', seconds: 'seconds' };
  const selfCheck = sc && typeof sc === 'object'
    ? `<h2 id="self-check">Self check</h2><p class="muted">Posterior draws re-evaluated with the direct exact JAM after sampling.</p>${kvTable(Object.entries(sc).map(([k, v]) => [SELF_CHECK_LABELS[k.toLowerCase()] ?? k, v] as [string, unknown]))}`
    : '';

  // --- figures
  const svgFile = (f: string) => readText(p(f));
  const nd = columns.length;
  let chain: Float64Array | null = null;
  if (existsSync(p('chain.npy')) && summary.nsteps > 0) {
    try {
      chain = readNpy(p('chain.npy'), summary.nsteps).data;
    } catch {
      chain = null; // a chain shorter than summary.json says: no trace plot, the rest stands
    }
  }
  const unlog = columns.map((c, d) => (c !== names[d] ? (v: number) => toReported(c, v) : null));
  let corner = svgFile('corner.svg');
  if (!corner && chain && summary.nsteps - summary.discard >= 2) {
    const n = (summary.nsteps - summary.discard) * summary.nwalkers;
    const shown = Float64Array.from(chain.subarray(summary.discard * summary.nwalkers * nd, summary.nsteps * summary.nwalkers * nd));
    for (let i = 0; i < n; i++) for (let d = 0; d < nd; d++) if (unlog[d]) shown[i * nd + d] = unlog[d]!(shown[i * nd + d]);
    try {
      corner = cornerSvg({ samples: shown, ndim: nd, names, labels: names.map(parameterLabel) }, { title: name });
    } catch {
      corner = null;
    }
  }
  let maps = svgFile('maps.svg');
  const good = (a: unknown[]) => Float64Array.from(a as boolean[], (v) => (v ? 1 : 0));
  if (!maps && bins?.x?.length) {
    try {
      maps = vrmsMapsSvg({ x: bins.x, y: bins.y, vrms: bins.vrms, vrmsErr: bins.err, good: bins.in_fit ? good(bins.in_fit) : undefined }, bins.model_best, { title: `${name}: V_rms data, best model, residual` });
    } catch {
      maps = null;
    }
  }
  let ppcMap = svgFile('ppc_residuals.svg');
  const plotBins = (b: any[]): PpcPlotBins => ({ x: b.map((v) => v.x), y: b.map((v) => v.y), data: b.map((v) => v.data), sigmaTotal: b.map((v) => v.sigma_total), z: b.map((v) => v.z), inFit: b.map((v) => (v.in_fit ? 1 : 0)), draws: [] });
  if (!ppcMap && ppc?.moment_bins?.v?.length) {
    try {
      ppcMap = ppcMomentsResidualMapSvg(plotBins(ppc.moment_bins.v), plotBins(ppc.moment_bins.sigma), { title: `${name}: V and sigma residuals in total errors` });
    } catch {
      ppcMap = null;
    }
  } else if (!ppcMap && ppc?.bins?.length) {
    try {
      ppcMap = ppcResidualMapSvg(plotBins(ppc.bins), { title: `${name}: residual in total errors` });
    } catch {
      ppcMap = null;
    }
  }
  const ppcAxes = svgFile('ppc_axes.svg');
  let trace: string | null = null;
  if (chain) {
    try {
      trace = traceSvg({ chain, nsteps: summary.nsteps, nwalkers: summary.nwalkers, ndim: nd, labels: names.map(parameterLabel), discard: summary.discard, transform: unlog }, { title: `${name}: walkers` });
    } catch {
      trace = null;
    }
  }
  const figures = [
    figure(corner, 'corner', 'Corner plot of the posterior after burn-in: 1-D histograms with the median and 16/84% quantiles; contours enclose 39% and 86% of the samples (the 1- and 2-sigma ellipses of a 2-D Gaussian).'),
    figure(maps, 'maps', 'V_rms of the data, the best model and the residual (data - model) / error, per bin.'),
    figure(svgFile('v_sigma_fit.svg'), 'v-sigma-fit', 'A --moments v-sigma fit: V and sigma of the data, the best model and the residual (data - model) / error, per bin.'),
    figure(ppcMap, 'ppc-residuals', sm ? 'Posterior predictive check of V and sigma: residual of the best model in total errors, and chi2 per bin, of each moment.' : 'Posterior predictive check: residual of the best model in total errors, and chi2 per bin.'),
    figure(ppcAxes, 'ppc-axes', 'Posterior predictive check: data against the posterior model band along the major and minor axes.'),
    figure(svgFile('ppc_axes_v.svg'), 'ppc-axes-v', 'Posterior predictive check of V: data (total errors) against the posterior model band along the major and minor axes.'),
    figure(svgFile('ppc_axes_sigma.svg'), 'ppc-axes-sigma', 'Posterior predictive check of sigma: data (total errors) against the posterior model band along the major and minor axes.'),
    figure(trace, 'trace', 'Trace of every walker (a few coloured); shaded: burn-in; dashed: the median after burn-in.'),
  ].join('');

  // --- settings and files
  const settings = kvTable(Object.entries(config) as [string, unknown][]);
  const files = readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !f.includes('.tmp-'))
    .sort()
    .map((f) => `<tr><td class="l mono">${e(f)}</td><td>${e(fmtNum(statSync(join(dir, f)).size))}</td></tr>`)
    .join('');

  const run = kvTable([
    ['command', log.command],
    ['jamfit (fit)', log.jamfitVersion],
    ['Node.js (fit)', log.nodeVersion],
    ['started', log.started],
    ['finished', log.finished],
    ['duration', log.seconds !== null ? `${log.seconds} s` : null],
    ['kinematics', config.kinematics],
    ['photometry', config.photometry],
    ['engine', config.engine],
    ['mass model', summary.mass_model],
    ['M/L', summary.ml_mode],
    ['report written by', `jamfit ${version}, Node.js ${process.version}`],
  ]);

  return `${pageHead(title)}</style></head>
<body>
<h1>${e(title)}</h1>
<p class="muted mono">${e(dir)}</p>
<h2 id="run">Run</h2>${run}
<h2 id="parameters-h">Parameters</h2>
<p class="muted">Median and central 68% / 95% intervals of the posterior after burn-in; tau: integrated autocorrelation time (steps); R-hat: rank-normalised split R-hat across walkers (each walker one chain; above 1.01 amber, 1.1 red); ESS: bulk effective sample size. ${names.some((n, d) => columns[d] !== n) ? 'Diagnostics of parameters sampled as log10 are those of the log10 column.' : ''}</p>
${paramTable}
<h2 id="sampler">Sampler</h2>${sampler}
<h2 id="quality">Fit quality</h2>${quality}
<h2 id="warnings">Warnings</h2>${warnings}
${selfCheck}
<h2 id="figures">Figures</h2>${figures || '<p class="muted">No figures: the run folder has neither plots nor the data to draw them.</p>'}
<h2 id="settings">Settings (config.json)</h2>${settings}
<h2 id="files">Files</h2><p class="muted">posterior.nc: the posterior as ArviZ InferenceData (<code>arviz.from_netcdf</code>).</p><table><thead><tr><th class="l">file</th><th>bytes</th></tr></thead><tbody>${files}</tbody></table>
</body></html>
`;
}

/**
 * Writes `<runDir>/report.html` (see the module header), atomically.
 * @returns the path written.
 * @throws InputError when the folder has no summary.json.
 */
export function writeRunReport(runDir: string): string {
  return writePage(runDir, REPORT_HTML, runReportHtml(runDir));
}
