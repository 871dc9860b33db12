/**
 * `jamfit validate --align sph` and `--mock-align`, end to end with tiny runs (2 mocks each,
 * mass follows light, 8 walkers x 10 steps, L = 9; direct-engine fits, ~10 s a mock on a loaded
 * 2-core machine):
 *  - --align sph: the mocks are spherically aligned mocks (Cappellari 2020) of the drawn truths
 *    and the fits use the spherically aligned model; validate.json, the records and report.json
 *    say so;
 *  - --mock-align sph --align cyl: the same mocks (byte for byte: a mock depends on --seed, k and
 *    its alignment only), fitted with the cylindrical model; the report's systematic shift of the
 *    medians (mean, median; also in posterior sd) recomputed from the per-mock summary.json and
 *    truth.json, and shown by the CLI and report.html, with the mismatch said;
 *  - a resume with another alignment is refused naming the key, and a validate.json from before
 *    the alignments were recorded means cyl for both;
 *  - bad input (an unknown --align or --mock-align, sph with a cylindrical engine): one line
 *    naming the flag, exit 2, nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { drawMock, VALIDATE_SETUP } from '../../src/validate/draw.ts';
import { expectRefused, runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-validate-align-'));
after(() => rmSync(root, { recursive: true, force: true }));
const SEED = 14;
const tiny = ['--n', '2', '--mass-model', 'light', '--walkers', '8', '--steps', '10', '--draws', '9', '--seed', String(SEED)];
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const NAMES = ['beta_z', 'inc_deg', 'ml'];
const sph = join(root, 'sph');
const mixed = join(root, 'mixed');

test('--align sph: spherically aligned mocks, spherically aligned direct fits; validate.json, records and report.json record it', async () => {
  // --engine direct: auto would build each mock's sph table (tabulated-sph.test.ts covers that engine).
  const r = await runCli(['validate', ...tiny, '--align', 'sph', '--engine', 'direct', '--out', sph]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /validate: 2 mocks in .* \(2 fitted now, 0 finished before\); engine direct; align sph/);
  const cfg = json(join(sph, 'validate.json'));
  assert.deepEqual([cfg.align, cfg.mock_align, cfg.engine], ['sph', 'sph', 'direct']);
  const rep = json(join(sph, 'report.json'));
  assert.deepEqual(rep.alignments, { mocks: ['sph'], fits: ['sph'] });
  assert.deepEqual([rep.config.align, rep.config.mock_align], ['sph', 'sph']);
  for (let k = 0; k < 2; k++) {
    const d = drawMock(SEED, k, 'light');
    const truth = json(join(sph, `mocks/${k}/mock/truth.json`));
    assert.deepEqual([truth.align, truth.seed], ['sph', d.mockSeed]);
    assert.match(truth.command, / --align sph /);
    const fitCfg = json(join(sph, `mocks/${k}/fit/config.json`));
    assert.deepEqual([fitCfg.align, fitCfg.engine, fitCfg.seed], ['sph', 'direct', d.fitSeed]);
    const rec = json(join(sph, `mocks/${k}/calibration.json`));
    assert.deepEqual([rec.align, rec.mock_align], ['sph', 'sph']);
  }
});

test('--mock-align sph --align cyl: the same mocks fitted cylindrically; the shift of the medians from the summaries, in the CLI and report.html', async () => {
  const r = await runCli(['validate', ...tiny, '--align', 'cyl', '--mock-align', 'sph', '--engine', 'direct', '--out', mixed]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /; engine direct; mocks sph, fits cyl aligned$/m);
  assert.match(r.out, /shift of the medians from the truth \(mocks sph, fits cyl: the systematic error of the alignment\):/);
  const cfg = json(join(mixed, 'validate.json'));
  assert.deepEqual([cfg.align, cfg.mock_align], ['cyl', 'sph']);
  const rep = json(join(mixed, 'report.json'));
  assert.deepEqual(rep.alignments, { mocks: ['sph'], fits: ['cyl'] });
  for (let k = 0; k < 2; k++) {
    // The mock depends on the seed, k and its alignment, not on how it is fitted.
    for (const f of ['kinematics.csv', 'photometry.json']) assert.equal(readFileSync(join(mixed, `mocks/${k}/mock/${f}`), 'utf8'), readFileSync(join(sph, `mocks/${k}/mock/${f}`), 'utf8'), `mock ${k} ${f}`);
    assert.equal(json(join(mixed, `mocks/${k}/mock/truth.json`)).align, 'sph');
    assert.equal(json(join(mixed, `mocks/${k}/fit/config.json`)).align, 'cyl');
    assert.deepEqual([json(join(mixed, `mocks/${k}/calibration.json`)).align, json(join(mixed, `mocks/${k}/calibration.json`)).mock_align], ['cyl', 'sph']);
  }
  // The shift, recomputed: median - truth per mock (M/L in dex), and over half the 68% interval.
  const sums = [0, 1].map((k) => json(join(mixed, `mocks/${k}/fit/summary.json`)));
  const truths = [0, 1].map((k) => json(join(mixed, `mocks/${k}/mock/truth.json`)));
  const html = readFileSync(join(mixed, 'report.html'), 'utf8');
  for (const name of NAMES) {
    const f = (v: number) => (name === 'ml' ? Math.log10(v) : v);
    const d = [0, 1].map((k) => f(sums[k].parameters[name].median) - f(truths[k].parameters[name]));
    const z = [0, 1].map((k) => d[k] / ((f(sums[k].parameters[name].hi68) - f(sums[k].parameters[name].lo68)) / 2));
    const h = rep.calibration[name].shift;
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${name} ${what}: ${a} vs ${b}`);
    close(h.mean, (d[0] + d[1]) / 2, 'mean');
    close(h.median, (d[0] + d[1]) / 2, 'median of two');
    close(h.mean_in_sd, (z[0] + z[1]) / 2, 'mean in sd');
    close(h.median_in_sd, (z[0] + z[1]) / 2, 'median in sd');
    close(h.mean_se, Math.abs(d[0] - d[1]) / 2, 'se of the mean (sd / sqrt 2)');
    assert.match(r.out, new RegExp(`^  ${name}\\s+${h.mean.toPrecision(3).replace(/[.+-]/g, '\\$&')} \\(`, 'm'), `CLI line of ${name}`);
    const row = new RegExp(`<tr data-shift="${name}">(.*?)</tr>`).exec(html);
    assert.ok(row, `report.html row ${name}`);
    const values = [...row[1].matchAll(/data-value="([^"]*)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(values, [h.mean, h.mean_se, h.median, h.mean_in_sd, h.median_in_sd]);
  }
  assert.match(html, /<p id="alignment" class="warn"><b>Mocks sph-aligned, fits cyl-aligned:<\/b>/);
  // The matched run says its shifts should be ~0 instead.
  assert.match(readFileSync(join(sph, 'report.html'), 'utf8'), /<p id="alignment" class="muted">Mocks and fits both sph-aligned/);
});

test('a resume with another --align or --mock-align is refused naming the key; nothing rewritten', async () => {
  const report = readFileSync(join(sph, 'report.json'), 'utf8');
  const cyl = await runCli(['validate', ...tiny, '--align', 'cyl', '--out', sph]);
  assert.equal(cyl.code, 2);
  assert.match(cyl.err, /^jamfit validate: .*validate\.json: this folder was started with other options: align was "sph", now "cyl"; use the same options/);
  const mock = await runCli(['validate', ...tiny, '--align', 'sph', '--mock-align', 'cyl', '--out', sph]);
  assert.equal(mock.code, 2);
  assert.match(mock.err, /mock_align was "sph", now "cyl"/);
  assert.equal(mock.err.split('\n').length, 1);
  assert.equal(readFileSync(join(sph, 'report.json'), 'utf8'), report);
});

test('a validate.json without align and mock_align (older jamfit) means cyl for both', async () => {
  const old = join(root, 'old');
  mkdirSync(old);
  const legacy = { format: 'jamfit-validate', version: 1, seed: 1, walkers: 32, steps: null, max_steps: 20000, mass_model: 'qm', engine: 'surrogate', exact: false, draws: 99, setup: VALIDATE_SETUP };
  writeFileSync(join(old, 'validate.json'), JSON.stringify(legacy));
  // cyl for both passes the alignment keys; the first key that differs is then draws.
  const same = await runCli(['validate', '--n', '1', '--draws', '49', '--out', old]);
  assert.match(same.err, /draws was 99, now 49/);
  const s = await runCli(['validate', '--n', '1', '--align', 'sph', '--out', old]);
  assert.match(s.err, /align was "cyl", now "sph"/);
  const m = await runCli(['validate', '--n', '1', '--mock-align', 'sph', '--out', old]);
  assert.match(m.err, /mock_align was "cyl", now "sph"/);
  assert.equal(existsSync(join(old, 'mocks')), false);
});

const bad = join(root, 'bad');
test('validate with an unknown --align or --mock-align, or sph on the surrogate: one line, exit 2, nothing written', async () => {
  const v = (...a: string[]) => ['validate', '--n', '1', ...a, '--out', bad];
  await expectRefused([
    ['--align polar', v('--align', 'polar'), /^jamfit validate: --align: is "polar"; use "cyl" or "sph"/],
    ['--mock-align spherical', v('--mock-align', 'spherical'), /^jamfit validate: --mock-align: is "spherical"; use "cyl" or "sph"/],
    ['--align sph --engine surrogate', v('--align', 'sph', '--engine', 'surrogate'), /^jamfit validate: --align: sph needs an exact engine \(the surrogate is cylindrically aligned\)/],
  ], bad, 'validation folder');
});
