/**
 * `jamfit fit --moments v-sigma` end to end: on a mock made with `jamfit mock --kappa 0.8` (few
 * bins, short chains, fixed seeds) the posterior of kappa contains the truth, and the run reports
 * kappa, the V / sigma maps and the posterior predictive check of V and of sigma (not extreme); --kappa-groups samples one kappa per anisotropy group, reported
 * like beta_z_<g>; bad input (v-sigma without V and sigma columns, --kappa-range or --kappa-groups
 * with --moments vrms, --kappa-groups without --beta-groups, an unknown --moments, a non-direct
 * engine) is one line naming the option, exit 2, no run folder.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expectRefused, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-fit-moments-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mge = join(root, 'mge.csv');
writeFileSync(mge, 'surf,sigma,q\n3000,0.8,0.8\n800,3,0.75\n120,9,0.7\n');
const KAPPA = 0.8;
const mockArgs = (out: string, extra: string[] = []) => ['mock', '--photometry', mge, '--mass-model', 'light', '--beta-z', '0.1', '--inc-deg', '70', '--ml', '3', '--distance', '15', '--pixel', '1.5', '--max-radius', '6', '--noise-frac', '0.03', '--seed', '2', '--out', out, ...extra];

test('fit --moments v-sigma recovers kappa of a mock --kappa 0.8 within its 95% interval; summary, bins and maps report V and sigma', async () => {
  const m = join(root, 'mock');
  const made = await runCli(mockArgs(m, ['--kappa', String(KAPPA)]));
  assert.equal(made.code, 0, made.err);
  const run = join(root, 'run');
  const t0 = performance.now();
  const r = await runCli(['fit', join(m, 'kinematics.csv'), '--photometry', join(m, 'photometry.csv'), '--mass-model', 'light', '--distance', '15', '--vsys', '0',
    '--moments', 'v-sigma', '--systematics', 'none', '--walkers', '12', '--steps', '200', '--seed', '1', '--out', run]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const k = s.parameters.kappa;
  console.log(`kappa ${k.median.toFixed(3)} (68% ${k.lo68.toFixed(3)}..${k.hi68.toFixed(3)}, 95% ${k.lo95.toFixed(3)}..${k.hi95.toFixed(3)}), truth ${KAPPA}; fit ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.ok(k.lo95 <= KAPPA && KAPPA <= k.hi95, `kappa 95% [${k.lo95}, ${k.hi95}] misses ${KAPPA}`);
  assert.ok(k.hi95 - k.lo95 < 0.5, `kappa is not constrained: [${k.lo95}, ${k.hi95}]`);
  assert.ok(k.lo95 > 0, 'the sense of rotation is recovered');
  assert.deepEqual(s.moments_fit.kappa_range, [-1.5, 1.5]);
  assert.ok(s.moments_fit.chi2_v > 0 && s.moments_fit.chi2_sigma > 0);
  const b = JSON.parse(readFileSync(join(run, 'bins_model.json'), 'utf8'));
  assert.equal(b.v_model_best.length, b.x.length);
  // The best model's V has the data's sign bin by bin where |V| is well measured.
  for (let i = 0; i < b.x.length; i++) if (Math.abs(b.v[i]) > 5 * b.v_err[i]) assert.equal(Math.sign(b.v_model_best[i]), Math.sign(b.v[i]), `bin ${i}`);
  assert.ok(existsSync(join(run, 'v_sigma_fit.svg')));
  const html = readFileSync(join(run, 'report.html'), 'utf8');
  assert.match(html, /id="fig-v-sigma-fit"/);
  // The posterior predictive check is that of V and sigma: per moment, not extreme for the true model.
  const pm = s.ppc.moments;
  console.log(`PPC: V chi2 ${pm.v.chi2_total.toFixed(1)} p ${pm.v.p_value.toFixed(3)}, sigma chi2 ${pm.sigma.chi2_total.toFixed(1)} p ${pm.sigma.p_value.toFixed(3)}, joint p ${s.ppc.p_value.toFixed(3)} (${s.ppc.nbins} bins)`);
  for (const p of [pm.v.p_value, pm.sigma.p_value, s.ppc.p_value]) assert.ok(p > 0.01 && p < 0.99, `PPC p-value ${p} for a fit of the true model`);
  assert.equal(s.ppc.dof, 2 * s.ppc.nbins - s.names.length);
  const ppc = JSON.parse(readFileSync(join(run, 'ppc.json'), 'utf8'));
  assert.equal(ppc.moment_bins.v.length, b.x.length);
  assert.equal(ppc.moment_bins.sigma.length, b.x.length);
  for (const f of ['ppc_residuals.svg', 'ppc_axes_v.svg', 'ppc_axes_sigma.svg']) assert.ok(existsSync(join(run, f)), f);
  assert.match(readFileSync(join(run, 'ppc_residuals.svg'), 'utf8'), /sigma chi2 per bin/);
  assert.match(html, /id="fig-ppc-axes-v"/);
  assert.match(html, /PPC V: p-value/);
  assert.match(html, /PPC sigma: p-value/);
  const cfg = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(cfg.moments, 'v-sigma');
});

test('bad --moments input: one line naming the option, exit 2, no run folder', async () => {
  const m = join(root, 'mock-vrms');
  assert.equal((await runCli(mockArgs(m))).code, 0);
  const mk = join(root, 'mock-k');
  assert.equal((await runCli(mockArgs(mk, ['--kappa', '0.5']))).code, 0);
  const d = join(root, 'bad');
  const fit = (dir: string, ...extra: string[]) => ['fit', join(dir, 'kinematics.csv'), '--photometry', join(dir, 'photometry.csv'), '--mass-model', 'light', '--distance', '15', '--out', d, ...extra];
  const cases: [string, string[], RegExp][] = [
    ['v-sigma without V and sigma', fit(m, '--moments', 'v-sigma'), /^jamfit fit: --moments: v-sigma needs V and sigma with errors; .*kinematics\.csv has no v, v_err, sigma, sigma_err columns/],
    ['kappa range with vrms', fit(mk, '--kappa-range', '-1,1'), /^jamfit fit: --kappa-range: applies only to --moments v-sigma/],
    ['kappa range with explicit vrms', fit(mk, '--moments', 'vrms', '--kappa-range', '-1,1'), /^jamfit fit: --kappa-range: applies only to --moments v-sigma/],
    ['unknown moments', fit(mk, '--moments', 'v'), /^jamfit fit: --moments: is 'v'; use vrms or v-sigma/],
    ['tabulated engine', fit(mk, '--moments', 'v-sigma', '--engine', 'tabulated'), /^jamfit fit: --moments: v-sigma fits the first moment, which only the direct engine computes/],
    ['spherical alignment', fit(mk, '--moments', 'v-sigma', '--align', 'sph'), /^jamfit fit: --moments: v-sigma needs the cylindrically aligned JAM/],
    ['reversed kappa range', fit(mk, '--moments', 'v-sigma', '--kappa-range', '1,-1'), /^jamfit fit: --kappa-range: is '1,-1'; give lo,hi with lo < hi/],
    ['kappa groups with vrms', fit(mk, '--beta-groups', '5', '--engine', 'direct', '--kappa-groups'), /^jamfit fit: --kappa-groups: applies only to --moments v-sigma/],
    ['kappa groups without groups', fit(mk, '--moments', 'v-sigma', '--kappa-groups'), /^jamfit fit: --kappa-groups: needs anisotropy groups: give --beta-groups/],
  ];
  await expectRefused(cases, d);
});

test('fit --moments v-sigma --beta-groups --kappa-groups samples kappa_1, kappa_2 and reports them like beta_z_<g>', async () => {
  const m = join(root, 'mock-groups');
  assert.equal((await runCli(mockArgs(m, ['--kappa', String(KAPPA)]))).code, 0);
  const run = join(root, 'run-groups');
  const r = await runCli(['fit', join(m, 'kinematics.csv'), '--photometry', join(m, 'photometry.csv'), '--mass-model', 'light', '--distance', '15', '--vsys', '0',
    '--moments', 'v-sigma', '--beta-groups', '5', '--kappa-groups', '--kappa-range', '-1,1.4', '--systematics', 'none', '--walkers', '12', '--steps', '12', '--seed', '1', '--out', run]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_z_1', 'beta_z_2', 'inc_deg', 'ml', 'kappa_1', 'kappa_2']);
  for (const n of ['kappa_1', 'kappa_2']) assert.ok(s.parameters[n].lo95 >= -1 && s.parameters[n].hi95 <= 1.4, `${n} leaves --kappa-range`);
  assert.match(r.out, /^  kappa_1 /m);
  assert.match(readFileSync(join(run, 'corner.svg'), 'utf8'), /kappa_2/);
  assert.match(readFileSync(join(run, 'report.html'), 'utf8'), /data-param="kappa_1"/);
  const cfg = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(cfg.kappa_groups, true);
  assert.match(readFileSync(join(run, 'config.toml'), 'utf8'), /^kappa-groups = true$/m);
});

test('bad --beta-profile input: one line naming the option, exit 2, no run folder; a short logistic fit runs', async () => {
  const mk = join(root, 'mock-k2');
  assert.equal((await runCli(mockArgs(mk, ['--kappa', '0.5']))).code, 0);
  const d = join(root, 'bad-profile');
  const fit = (...extra: string[]) => ['fit', join(mk, 'kinematics.csv'), '--photometry', join(mk, 'photometry.csv'), '--mass-model', 'light', '--distance', '15', '--out', d, ...extra];
  const cases: [string, string[], RegExp][] = [
    ['r_a range through zero', fit('--align', 'sph', '--beta-profile', 'logistic', '--ra-range', '0,5'), /^jamfit fit: --ra-range: is '0,5'; give lo,hi of the transition radius r_a in arcsec with 0 < lo < hi/],
    ['negative r_a', fit('--align', 'sph', '--beta-profile', 'logistic', '--ra-range', '-2,5'), /^jamfit fit: --ra-range: is '-2,5'/],
    ['r_a range without the profile', fit('--ra-range', '1,5'), /^jamfit fit: --ra-range: applies only to --beta-profile logistic/],
    ['logistic without sph', fit('--beta-profile', 'logistic'), /^jamfit fit: --beta-profile: logistic is the anisotropy profile Simon, Cappellari & Hartke \(2024\) use with the spherically aligned JAM; add --align sph/],
    ['logistic with the tabulated engine', fit('--align', 'sph', '--beta-profile', 'logistic', '--engine', 'tabulated'), /^jamfit fit: --beta-profile: logistic needs the direct engine/],
    ['unknown profile', fit('--beta-profile', 'om'), /^jamfit fit: --beta-profile: is 'om'; use constant or logistic/],
  ];
  await expectRefused(cases, d);
  const run = join(root, 'logistic');
  const r = await runCli(['fit', join(mk, 'kinematics.csv'), '--photometry', join(mk, 'photometry.csv'), '--mass-model', 'light', '--distance', '15', '--align', 'sph',
    '--beta-profile', 'logistic', '--ra-range', '1,8', '--systematics', 'none', '--walkers', '12', '--steps', '10', '--out', run]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_0', 'inc_deg', 'ml', 'r_a', 'beta_inf']);
  assert.ok(s.parameters.r_a.lo95 >= 1 && s.parameters.r_a.hi95 <= 8);
  const cfg = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(cfg.beta_profile, 'logistic');
  assert.deepEqual(cfg.ra_range, [1, 8]);
});
