/**
 * report.html and summary.html in headless Chromium (test/report/cdp.ts): each page loads with no
 * console error, no exception and no request besides the page itself; the report's parameter
 * table shows summary.json's numbers; on a synthetic 5,000-galaxy survey, sorting and filtering
 * finish (DOM rebuilt and laid out) in under a second each, with the right rows.
 * Skipped, saying why, when Chromium is missing. With JAMFIT_SCREENSHOTS=<folder> the pages'
 * screenshots land there as report.png and survey.png (docs/img/ for the README); with
 * JAMFIT_REPORT_RUN=<run folder> that run is shown instead of a tiny fit made here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { fmtNum } from '../../src/report/html.ts';
import { writeRunArtifacts, writeSurveyPage } from '../../src/report/index.ts';
import { ROOT, runBin } from '../cli/run-cli.ts';
import { Browser, findChromium } from './cdp.ts';
import { writeSyntheticSurvey } from './survey-fixture.ts';

const chromium = findChromium();
const skip = chromium.path ? false : `Chromium missing: ${chromium.why}`;
const tmp = mkdtempSync(join(tmpdir(), 'jamfit-browser-'));
const shots = process.env.JAMFIT_SCREENSHOTS ? resolve(process.env.JAMFIT_SCREENSHOTS) : null;
let run = process.env.JAMFIT_REPORT_RUN ? resolve(process.env.JAMFIT_REPORT_RUN) : '';
let browser: Browser | null = null;

before(async () => {
  if (skip) return;
  if (!run) {
    run = join(tmp, 'run');
    const m = join(ROOT, 'fixtures/examples/mock-galaxy');
    const r = runBin(['fit', join(m, 'kinematics.csv'), '--photometry', join(m, 'photometry.json'), '--distance', '20', '--psf-sigma', '1', '--pixsize', '3', '--steps', '200', '--walkers', '12', '--out', run]);
    assert.equal(r.code, 0, r.err);
  }
  await writeRunArtifacts(run);
  browser = await Browser.launch(chromium.path!, 1280, 900);
});
after(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Loads `file` in a fresh page state and checks it stayed self-contained and error-free. */
async function load(b: Browser, file: string): Promise<void> {
  b.events = { consoleErrors: [], exceptions: [], requests: [] };
  const url = pathToFileURL(file).href;
  await b.goto(url);
  assert.deepEqual(b.events.exceptions, [], 'uncaught exceptions');
  assert.deepEqual(b.events.consoleErrors, [], 'console errors');
  assert.deepEqual(b.events.requests, [url], 'the page requested something besides itself');
}

test('report.html: loads self-contained, no console errors, the parameter table shows summary.json', { skip }, async () => {
  const b = browser!;
  await load(b, join(run, 'report.html'));
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const rows = await b.eval<{ name: string; cells: { text: string; value: string | null }[] }[]>(
    `[...document.querySelectorAll('#parameters tbody tr[data-param]')].map(tr => ({ name: tr.dataset.param, cells: [...tr.querySelectorAll('td')].slice(1).map(td => ({ text: td.textContent, value: td.dataset.value ?? null })) }))`,
  );
  assert.deepEqual(rows.map((r) => r.name), s.names);
  rows.forEach((r, d) => {
    const q = s.parameters[r.name];
    const expected = [q.median, q.lo68, q.hi68, q.lo95, q.hi95, s.diagnostics.tau[d], s.diagnostics.rhat[d], s.diagnostics.ess[d]];
    expected.forEach((v, k) => {
      assert.equal(Number(r.cells[k].value), v, `${r.name} column ${k}: data-value`);
      assert.equal(r.cells[k].text, fmtNum(v), `${r.name} column ${k}: shown`);
    });
  });
  const figs = await b.eval<string[]>(`[...document.querySelectorAll('figure svg')].map(s => s.closest('figure').id)`);
  for (const f of ['fig-corner', 'fig-maps', 'fig-trace']) assert.ok(figs.includes(f), `${f} in ${figs}`);
  // Figure ids are unique in the page (each SVG's ids are scoped).
  const dupes = await b.eval<number>(`(() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id); return ids.length - new Set(ids).size; })()`);
  assert.equal(dupes, 0);
  if (shots) writeFileSync(join(shots, 'report.png'), await b.screenshot(1800));
});

test('summary.html of 5,000 galaxies: sort and filter each finish in < 1 s, with the right rows', { skip }, async () => {
  const b = browser!;
  const dir = join(tmp, 'survey');
  const { names, failed, warned } = writeSyntheticSurvey(dir, 5000);
  const t0 = performance.now();
  writeSurveyPage(dir);
  const writeMs = performance.now() - t0;
  await load(b, join(dir, 'summary.html'));
  assert.equal(await b.eval<number>(`document.querySelectorAll('#rows tr').length`), 200, 'the first page');
  assert.equal(await b.eval<string>(`document.getElementById('count').dataset.matching`), '5000');
  assert.ok(writeMs < 5000, `writing the page took ${writeMs} ms`);
  // Each action: the event, the DOM rebuild and a forced layout, timed in the page.
  const timed = (action: string) =>
    b.eval<{ ms: number; n: number; shown: number }>(`(() => { const t = performance.now(); ${action}; document.body.offsetHeight; return { ms: performance.now() - t, n: Number(document.getElementById('count').dataset.matching), shown: document.querySelectorAll('#rows tr').length }; })()`);
  const sortBy = (key: string) => timed(`document.querySelector('th[data-key="${key}"]').click()`);
  const firstValues = (col: number, k = 50) => b.eval<(number | null)[]>(`[...document.querySelectorAll('#rows tr')].slice(0, ${k}).map(tr => { const v = tr.children[${col}].dataset.value; return v === undefined ? null : Number(v); })`);
  const times: Record<string, number> = {};

  let r = await sortBy('beta_z_median');
  times.sortAsc = r.ms;
  assert.equal(r.n, 5000);
  let v = await firstValues(2);
  assert.ok(v.every((x, i) => i === 0 || (x as number) >= (v[i - 1] as number)), `ascending: ${v.slice(0, 5)}`);
  r = await sortBy('beta_z_median');
  times.sortDesc = r.ms;
  v = await firstValues(2);
  assert.ok(v.every((x, i) => i === 0 || (x as number) <= (v[i - 1] as number)), `descending: ${v.slice(0, 5)}`);
  // Failed galaxies (no median) sort last either way: the last page ends with them.
  r = await timed(`document.querySelector('#pager [data-go="last"]').click()`);
  assert.equal(r.shown, 5000 - 24 * 200);
  assert.equal(await b.eval<string>(`document.querySelector('#rows tr:last-child td:nth-child(2)').textContent`), 'failed');
  r = await sortBy('name');
  times.sortName = r.ms;

  r = await timed(`const q = document.getElementById('q'); q.value = 'gal-0004'; q.dispatchEvent(new Event('input'))`);
  times.filterText = r.ms;
  assert.equal(r.n, names.filter((n) => n.includes('gal-0004')).length);
  r = await timed(`const q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input')); const s = document.getElementById('status'); s.value = 'failed'; s.dispatchEvent(new Event('change'))`);
  times.filterStatus = r.ms;
  assert.equal(r.n, failed);
  r = await timed(`const s = document.getElementById('status'); s.value = ''; s.dispatchEvent(new Event('change')); const w = document.getElementById('only-warn'); w.checked = true; w.dispatchEvent(new Event('change'))`);
  times.filterWarnings = r.ms;
  assert.equal(r.n, warned);
  r = await timed(`const w = document.getElementById('only-warn'); w.checked = false; w.dispatchEvent(new Event('change'))`);
  times.filterClear = r.ms;
  assert.equal(r.n, 5000);
  // "show all" puts every matching row on the page (the slow path, for printing; not timed). Last:
  // the next action would first tear down its 5,000 rows, which is not what the sort or filter costs.
  r = await timed(`document.querySelector('#pager [data-go="all"]').click()`);
  assert.equal(r.shown, 5000);
  times.showAll = r.ms;
  for (const [k, ms] of Object.entries(times)) if (k !== 'showAll') assert.ok(ms < 1000, `${k} took ${ms.toFixed(0)} ms`);
  // The failed rows' errors survive the CSV quoting.
  await timed(`const s = document.getElementById('status'); s.value = 'failed'; s.dispatchEvent(new Event('change'))`);
  assert.match(await b.eval<string>(`document.querySelector('#rows tr td.w').textContent`), /row 3, column "vrms": not a number, "abc"/);
  assert.equal(await b.eval<string>(`document.querySelector('#rows tr a').getAttribute('href')`), 'gal-00030/report.html');
  console.log(`survey page, 5,000 rows: written in ${writeMs.toFixed(0)} ms; ${Object.entries(times).map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`).join(', ')}`);
  if (shots) {
    await timed(`const s = document.getElementById('status'); s.value = ''; s.dispatchEvent(new Event('change')); document.querySelector('th[data-key="name"]').click()`);
    writeFileSync(join(shots, 'survey.png'), await b.screenshot(1100));
  }
});
