/**
 * report.html and summary.html without a browser: fit.log parsing, SVG id scoping, number
 * formatting, the CSV reader, the trace plot, the page's contents (self-contained: no http(s)
 * or external references), and `jamfit report <folder>` (writes report.html and posterior.nc;
 * a folder that is not a run or a survey is refused with one line, exit 2).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fmtNum, inlineSvg } from '../../src/report/html.ts';
import { parseFitLog, runReportHtml } from '../../src/report/run-report.ts';
import { parseCsvRecords, surveyPageHtml } from '../../src/report/survey-page.ts';
import { traceSvg } from '../../src/plots/trace-plot.ts';
import { ROOT, runBin, runCli } from '../cli/run-cli.ts';
import { writeSyntheticSurvey } from './survey-fixture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'jamfit-report-'));
const run = join(tmp, 'run');
after(() => rmSync(tmp, { recursive: true, force: true }));
before(() => {
  const m = join(ROOT, 'fixtures/examples/mock-galaxy');
  const r = runBin(['fit', join(m, 'kinematics.csv'), '--photometry', join(m, 'photometry.json'), '--distance', '20', '--psf-sigma', '1', '--pixsize', '3', '--steps', '120', '--walkers', '12', '--out', run]);
  assert.equal(r.code, 0, r.err);
});

test('fit.log: command, versions, duration and warnings in words', () => {
  const log = [
    '[2026-01-01T00:00:00.000Z] start: jamfit 0.1.0, node v20.20.2; command: jamfit fit a.csv --steps 10',
    '[2026-01-01T00:00:01.000Z] warning: 6% of the posterior lies within 0.01 of the limit',
    '[2026-01-01T00:00:01.500Z] warning: 6% of the posterior lies within 0.01 of the limit',
    '[2026-01-01T00:00:02.000Z] resume: jamfit 0.1.1, node v22.0.0; command: jamfit fit other',
    '[2026-01-01T00:00:03.000Z] done in 3.0 s',
  ].join('\n');
  assert.deepEqual(parseFitLog(log), { command: 'jamfit fit a.csv --steps 10', jamfitVersion: '0.1.0', nodeVersion: 'v20.20.2', started: '2026-01-01T00:00:00.000Z', finished: '2026-01-01T00:00:03.000Z', seconds: 3, warnings: ['6% of the posterior lies within 0.01 of the limit'] });
});

test('inlined SVGs get page-unique ids; numbers are formatted to 4 digits', () => {
  const svg = '<?xml version="1.0"?><svg width="1"><defs><linearGradient id="g"/><path id="b0"/></defs><rect fill="url(#g)"/><use href="#b0"/><use xlink:href="#b0"/></svg>';
  const s = inlineSvg(svg, 'maps');
  assert.equal(s, '<svg class="fig" role="img" width="1"><defs><linearGradient id="maps-g"/><path id="maps-b0"/></defs><rect fill="url(#maps-g)"/><use href="#maps-b0"/><use xlink:href="#maps-b0"/></svg>');
  assert.deepEqual([0.123456, 1234.5678, 1e-5, 3, 2.5e7, NaN, null].map((v) => fmtNum(v)), ['0.1235', '1235', '1.000e-5', '3', '2.500e+7', 'NaN', '']);
});

test('CSV records: quotes, doubled quotes, commas and line breaks inside quotes, CRLF', () => {
  assert.deepEqual(parseCsvRecords('a,b,c\r\n1,"x, ""y""",\n2,"multi\nline",z\n'), [['a', 'b', 'c'], ['1', 'x, "y"', ''], ['2', 'multi\nline', 'z']]);
});

test('trace plot: one panel per parameter, decimated, burn-in shaded', () => {
  const nsteps = 1000, nw = 4, nd = 2;
  const chain = Float64Array.from({ length: nsteps * nw * nd }, (_, i) => Math.sin(i));
  const svg = traceSvg({ chain, nsteps, nwalkers: nw, ndim: nd, labels: ['a', 'b'], discard: 100 }, { maxPoints: 100 });
  assert.equal((svg.match(/fill="#eeeeee"/g) ?? []).length, 2);
  assert.match(svg, /every 10th step drawn/);
  assert.ok(svg.length < 40000, `${svg.length} bytes`);
  assert.throws(() => traceSvg({ chain, nsteps, nwalkers: nw, ndim: 3, labels: ['a', 'b', 'c'] }), /shorter than/);
});

test('report.html holds summary.json numbers, warnings, figures, and no external reference', () => {
  const html = runReportHtml(run);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  for (const n of s.names) assert.ok(html.includes(`data-value="${s.parameters[n].median}"`), `${n} median`);
  assert.ok(html.includes(`data-value="${s.diagnostics.rhat[0]}"`));
  for (const id of ['fig-corner', 'fig-maps', 'fig-ppc-residuals', 'fig-trace']) assert.ok(html.includes(`id="${id}"`), id);
  // Self-contained: no links, scripts, stylesheets, fonts or images from elsewhere (xmlns is a name, not a request).
  const refs = html.replace(/xmlns(:\w+)?="[^"]*"/g, '').match(/(?:src|href)="(?!#)[^"]*"|url\((?!#)[^)]*\)|https?:\/\/|@import/g);
  assert.equal(refs, null, `external references: ${refs}`);
  for (const w of parseFitLog(readFileSync(join(run, 'fit.log'), 'utf8')).warnings) assert.ok(html.includes(w.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;')), w);
});

test('summary.html: every galaxy in the data block, links to report.html, histograms, M/L against luminosity', () => {
  const dir = join(tmp, 'survey');
  writeSyntheticSurvey(dir, 40);
  const html = surveyPageHtml(dir);
  const data = JSON.parse(/<script type="application\/json" id="survey-data">([\s\S]*?)<\/script>/.exec(html)![1]);
  assert.equal(data.rows.length, 40);
  assert.deepEqual(data.params, ['beta_z', 'q_m', 'inc_deg', 'ml', 'ml_total', 'log10_mass_total_msun', 'f_sys']);
  assert.match(html, /40 galaxies: <b>39<\/b> done/);
  assert.ok(html.includes("'/report.html'"));
  assert.equal((html.match(/<text [^>]*font-size="12">/g) ?? []).length, 7, 'one histogram per parameter');
  // M/L against luminosity: one point per finished galaxy, at log10 L = log10 M - log10 (M/L).
  const scatter = /<desc>M\/L total against [^<]*<\/desc>[\s\S]*?<\/svg>/.exec(html);
  assert.ok(scatter, 'the M/L - luminosity panel');
  assert.equal((scatter![0].match(/<circle /g) ?? []).length, 39);
  assert.throws(() => surveyPageHtml(join(tmp, 'nowhere')), /summary\.csv: missing/);
});

test('jamfit report <run> writes report.html and posterior.nc; a wrong folder exits 2 with one line', async () => {
  let r = await runCli(['report', run]);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(run, 'report.html')) && existsSync(join(run, 'posterior.nc')));
  assert.match(r.out, /wrote .*posterior\.nc\nwrote .*report\.html/);
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  r = await runCli(['report', empty]);
  assert.equal(r.code, 2);
  assert.match(r.err, /^jamfit report: .*empty: neither summary\.json .* nor summary\.csv/);
  assert.equal(r.err.trim().split('\n').length, 1);
  r = await runCli(['report', join(tmp, 'absent')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /absent: no such folder/);
  // A survey folder gets its summary.html.
  writeSyntheticSurvey(join(tmp, 'sv'), 3);
  r = await runCli(['report', join(tmp, 'sv')]);
  assert.equal(r.code, 0, r.err);
  assert.ok(existsSync(join(tmp, 'sv', 'summary.html')));
  // --runs: and every finished galaxy's report.
  cpSync(run, join(tmp, 'sv', 'gal-00001'), { recursive: true });
  rmSync(join(tmp, 'sv', 'gal-00001', 'report.html'));
  r = await runCli(['report', join(tmp, 'sv'), '--runs']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /in 1 galaxy folders/);
  assert.ok(existsSync(join(tmp, 'sv', 'gal-00001', 'report.html')));
  // A run folder whose summary.json is broken: one line naming it.
  const broken = join(tmp, 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'summary.json'), '{"names": [');
  r = await runCli(['report', broken]);
  assert.equal(r.code, 2);
  assert.match(r.err, /broken\/summary\.json: not valid JSON/);
});
