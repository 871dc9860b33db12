/**
 * report.html of `jamfit validate` (src/report/validate-report.ts), written at the end of every
 * validate: a tiny validation (3 mocks, 16 walkers x 60 steps, L = 19, the default engine) must
 * leave a page that shows report.json's numbers (each with its full-precision data-value), the
 * pass/fail line per target, the mocks with links to their fits' reports, and the two figures
 * inlined; in headless Chromium (test/report/cdp.ts; skipped, saying why, when missing) it loads
 * with no console error, no exception and no request besides the page itself.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { escHtml, fmtNum } from '../../src/report/html.ts';
import { runCli } from '../cli/run-cli.ts';
import { Browser, findChromium } from './cdp.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-validate-report-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'v');
let html = '';
let rep: any;

before(async () => {
  const r = await runCli(['validate', '--n', '3', '--steps', '60', '--walkers', '16', '--draws', '19', '--seed', '3', '--out', dir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*report\.html/);
  html = readFileSync(join(dir, 'report.html'), 'utf8');
  rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
});

/** The data-value and shown text of the cell `col` (0 = the label) of the row with `attr`. */
function cellOf(attr: string, col: number): { value: number; text: string } {
  const row = new RegExp(`<tr ${attr.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}>(.*?)</tr>`).exec(html);
  assert.ok(row, `row ${attr}`);
  const cells = [...row[1].matchAll(/<td[^>]*?(?: data-value="([^"]*)")?>(.*?)<\/td>/g)];
  return { value: Number(cells[col][1]), text: cells[col][2] };
}

test('report.html shows report.json: coverage with binomial sd, rank p-values, TARP, target lines', () => {
  assert.deepEqual(rep.parameters, ['beta_z', 'q_m', 'inc_deg', 'ml']);
  for (const name of rep.parameters) {
    const c = rep.calibration[name];
    const expected = [c.coverage68.fraction, c.coverage68.sd, c.coverage68.z, c.coverage95.fraction, c.coverage95.sd, c.coverage95.z, c.sbc.chi2, c.sbc.dof, c.sbc.p_chi2, c.sbc.ks_d, c.sbc.p_ks, c.sbc.outside99, c.rms_error, c.prior_sd, c.rms_over_prior_sd];
    expected.forEach((v, k) => {
      const got = cellOf(`data-param="${name}"`, k + 1);
      assert.equal(got.value, v, `${name} column ${k}`);
      assert.equal(got.text, escHtml(fmtNum(v)), `${name} column ${k} shown`);
    });
    // One pass/fail line per criterion, as report.json's per-parameter target says.
    const lines = [...html.matchAll(new RegExp(`<tr data-target="${name}">(.*?)</tr>`, 'g'))].map((m) => m[1]);
    assert.equal(lines.length, 3);
    const t = c.target;
    [t.coverage68_within_3sd, t.coverage95_within_3sd, t.ranks_uniform].forEach((ok, k) => assert.match(lines[k], ok ? /class="ok">pass</ : /class="bad">fail</, `${name} line ${k}`));
    assert.ok(lines[2].includes(`p(chi2) = ${fmtNum(c.sbc.p_chi2, 3)}`));
  }
  // 3 mocks < 400: the n line fails, and the target is not met.
  assert.match(html, /<tr data-target="n">.*at least 400 mocks.*3 mocks.*class="bad">fail</);
  assert.equal(rep.target.met, false);
  assert.match(html, /<p id="target-line" class="bad">Target not met: .*n = 3 &lt; 400 mocks/);
  for (const v of [rep.tarp.ks_d, rep.tarp.band95, rep.tarp.band99, rep.tarp.p_ks]) assert.ok(html.includes(`<td class="mono">${escHtml(fmtNum(v, 6))}</td>`), `TARP ${v}`);
  // Command, versions, validate.json's settings.
  assert.ok(html.includes(escHtml(rep.command)));
  assert.ok(html.includes(`<td class="mono">${rep.jamfit_version}</td>`));
  assert.match(html, /<td>draws<\/td><td class="mono">19<\/td>/);
  assert.match(html, /<td>walkers<\/td><td class="mono">16<\/td>/);
});

test('report.html: the mocks table links each fit report; the figures are inlined with scoped ids', () => {
  assert.equal(rep.mocks.length, 3);
  for (const m of rep.mocks) {
    assert.ok(existsSync(join(dir, `mocks/${m.k}/fit/report.html`)));
    assert.ok(html.includes(`<a href="mocks/${m.k}/fit/report.html">${m.k}</a>`), `link to mock ${m.k}`);
    rep.parameters.forEach((name: string, d: number) => {
      assert.equal(cellOf(`data-k="${m.k}"`, 1 + d).value, m.truth[name]);
      assert.equal(cellOf(`data-k="${m.k}"`, 1 + rep.parameters.length + d).value, m.median[name]);
    });
    assert.equal(cellOf(`data-k="${m.k}"`, 1 + 2 * rep.parameters.length).value, m.chi2);
  }
  for (const [scope, file] of [['ranks', 'rank_histograms.svg'], ['calibration', 'calibration.svg']]) {
    const fig = new RegExp(`<figure class="keep" id="fig-${scope}"><svg class="fig" role="img"[^]*?</svg><figcaption>`).exec(html);
    assert.ok(fig, `${file} inlined`);
    // The figure's text (its title, axis labels) is the file's.
    const svg = readFileSync(join(dir, file), 'utf8');
    const texts = [...svg.matchAll(/<text[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    assert.ok(texts.length > 0);
    for (const t of texts) assert.ok(fig[0].includes(t), `${file}: ${t}`);
  }
  assert.doesNotMatch(html, /<script|<link|https?:\/\/(?!www\.w3\.org)/);
});

const chromium = findChromium();
test('report.html in headless Chromium: no console error, no exception, no request besides the page', { skip: chromium.path ? false : `Chromium missing: ${chromium.why}` }, async () => {
  const b = await Browser.launch(chromium.path!, 1280, 900);
  try {
    b.events = { consoleErrors: [], exceptions: [], requests: [] };
    const url = pathToFileURL(join(dir, 'report.html')).href;
    await b.goto(url);
    assert.deepEqual(b.events.exceptions, [], 'uncaught exceptions');
    assert.deepEqual(b.events.consoleErrors, [], 'console errors');
    assert.deepEqual(b.events.requests, [url], 'the page requested something besides itself');
    const figs = await b.eval<string[]>(`[...document.querySelectorAll('figure svg')].map(s => s.closest('figure').id)`);
    assert.deepEqual(figs, ['fig-ranks', 'fig-calibration']);
    const dupes = await b.eval<number>(`(() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id); return ids.length - new Set(ids).size; })()`);
    assert.equal(dupes, 0);
    const rows = await b.eval<number>(`document.querySelectorAll('#mocks tbody tr').length`);
    assert.equal(rows, 3);
  } finally {
    await b.close();
  }
});
