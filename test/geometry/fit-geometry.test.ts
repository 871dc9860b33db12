/**
 * `jamfit fit --centre / --pa` end to end on a mock disc with V, sigma and flux columns
 * (test/geometry/mock-field.ts) rotated and shifted by known amounts: the geometry block of
 * summary.json and fit.log, the V/sigma maps and bins_model.json, the older --x0/--y0, and bad
 * input (one line naming the option, exit 2, no run folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { prepareFit } from '../../src/fit/fit.ts';
import { expectRefused, runCli } from '../cli/run-cli.ts';
import { MOCK_LIGHT } from '../run/mock.ts';
import { gridBins, mockField } from './mock-field.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-geo-'));
after(() => rmSync(root, { recursive: true, force: true }));
const TRUTH = { paDeg: 35, cx: 0.6, cy: -0.4 };
const f = mockField(gridBins(6), TRUTH, 7, 5);
const kin = join(root, 'disc.csv');
writeFileSync(kin, ['x,y,v,v_err,sigma,sigma_err,flux', ...Array.from(f.x, (x, i) => `${x},${f.y[i]},${f.v[i]},${f.vErr[i]},${f.sigma[i]},${f.sigmaErr[i]},${f.flux[i]}`)].join('\n') + '\n');
const vrmsOnly = join(root, 'vrms.csv');
writeFileSync(vrmsOnly, ['x,y,vrms,vrms_err', ...Array.from(f.x, (x, i) => `${x},${f.y[i]},${f.vrms[i]},${f.vrmsErr[i]}`)].join('\n') + '\n');
const mge = join(root, 'mge.csv');
writeFileSync(mge, ['surf,sigma,q', ...MOCK_LIGHT.surf.map((s, k) => `${s},${MOCK_LIGHT.sigma[k]},${MOCK_LIGHT.qobs[k]}`)].join('\n') + '\n');
const base = (k: string, out: string, ...extra: string[]) => ['fit', k, '--photometry', mge, '--distance', '20', '--exact', '--out', out, ...extra];

test('--centre auto --pa auto: the truth within 3 sigma, the geometry in summary.json, config.json and fit.log; V, sigma, V_rms maps and bins_model.json', async () => {
  const out = join(root, 'auto');
  const r = await runCli(base(kin, out, '--centre', 'auto', '--pa', 'auto', '--mass-model', 'light', '--walkers', '8', '--steps', '10'));
  assert.equal(r.code, 0, r.err);
  const g = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).geometry;
  for (const k of [0, 1]) assert.ok(Math.abs(g.centre[k] - (k ? TRUTH.cy : TRUTH.cx)) < 3 * g.centre_err[k], `centre ${g.centre} ± ${g.centre_err}`);
  assert.ok(Math.abs(g.pa_deg - TRUTH.paDeg) < 3 * g.pa_err, `PA ${g.pa_deg} ± ${g.pa_err}`);
  assert.ok(g.pa_err > 0 && g.centre_err[0] > 0 && g.flux_peak.length === 2);
  assert.match(g.centre_method, /point symmetry of the sigma map/);
  assert.match(g.pa_method, /Krajnovi/);
  assert.equal(g.pa_photometric, null);
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.deepEqual(cfg.centre, g.centre);
  assert.equal(cfg.pa_deg, g.pa_deg);
  const log = readFileSync(join(out, 'fit.log'), 'utf8');
  assert.match(log, /geometry: centre \(0\.\d\d ± 0\.\d\d, -0\.\d\d ± 0\.\d\d\) arcsec from the sigma point symmetry/);
  assert.match(log, /geometry: kinematic PA 3\d\.\d ± \d\.\d deg/);
  assert.match(log, /geometry: flux peak/);
  assert.match(log, /moments: V -?\d+\.\d\.\.\d+\.\d km\/s, sigma/);
  const svg = readFileSync(join(out, 'velocity.svg'), 'utf8');
  for (const panel of ['V', 'sigma', 'V_rms']) assert.ok(svg.includes(`>${panel}<`), panel);
  assert.ok(existsSync(join(out, 'velocity.png')));
  const bins = JSON.parse(readFileSync(join(out, 'bins_model.json'), 'utf8'));
  assert.equal(bins.v.length, bins.vrms.length);
  assert.equal(bins.sigma.length, bins.vrms.length);
  // V_rms^2 = V^2 + sigma^2 bin by bin (the kept moments are those of the same bins).
  for (let i = 0; i < bins.v.length; i++) assert.ok(Math.abs(Math.hypot(bins.v[i], bins.sigma[i]) - bins.vrms[i]) < 1e-3 * bins.vrms[i]);
});

test('the older --x0/--y0 still set the centre; --centre X,Y and --pa DEG give the same frame; V_rms-only data draw no velocity maps', () => {
  const common = { kinematics: kin, photometry: mge, distance: 20, exact: true, out: join(root, 'unused') };
  const a = prepareFit({ ...common, x0: 0.6, y0: -0.4, pa: 35 });
  const b = prepareFit({ ...common, centre: '0.6,-0.4', pa: '35' });
  assert.deepEqual(a.cfg.centre, [0.6, -0.4]);
  assert.equal(a.geometry.centre_method, 'given (--x0/--y0)');
  assert.equal(b.geometry.centre_method, 'given (--centre)');
  assert.deepEqual(a.spec.x, b.spec.x);
  assert.deepEqual(a.spec.y, b.spec.y);
  const c = prepareFit({ ...common, kinematics: vrmsOnly });
  assert.deepEqual(c.cfg.centre, [0, 0]);
  assert.equal(c.kin.v, undefined);
  assert.ok(!c.dataLines.some((l) => l.startsWith('moments:')));
});

test('bad input: one line naming the option, exit 2, no run folder', async () => {
  const d = join(root, 'bad');
  const cases: [string, string[], RegExp][] = [
    ['centre outside the data', base(kin, d, '--centre', '40,40'), /--centre: \(40, 40\) arcsec lies outside the data of .*disc\.csv \(nearest bin .* away; bins span x -6\.0\.\.6\.0, y -6\.0\.\.6\.0\); give a centre inside the field, or --centre auto/],
    ['--x0 outside the data', base(kin, d, '--x0', '9'), /--x0: \(9, 0\) arcsec lies outside the data/],
    ['centre not numbers', base(kin, d, '--centre', 'middle'), /--centre: is 'middle'; give X,Y in arcsec \(input coordinates\), e\.g\. --centre -1\.5,0, or auto/],
    ['centre one number', base(kin, d, '--centre', '1'), /--centre: is '1'; give X,Y/],
    ['centre twice', base(kin, d, '--centre', '1,0', '--x0', '1'), /--centre: was given with --x0\/--y0/],
    ['PA not a number', base(kin, d, '--pa', 'north'), /--pa: is 'north'; give the position angle in degrees \(counter-clockwise from \+y\) or auto/],
    ['PA empty', base(kin, d, '--pa', ''), /--pa: is ''; give the position angle/],
    ['--pa auto without V', base(vrmsOnly, d, '--pa', 'auto'), /--pa: auto needs the mean velocity V, but .*vrms\.csv gives V_rms only; give --pa DEG/],
  ];
  await expectRefused(cases, d);
});
