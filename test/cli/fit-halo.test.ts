/**
 * `jamfit fit --halo`: a short exact fit with an NFW halo (the halo parameters in summary.json,
 * r_s derived in arcsec and kpc, the halo in config.json and in the resume check) and bad input
 * (a halo asked of the surrogate, unknown halo, ranges: one line naming the option, exit 2, no
 * run folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pcPerArcsec } from '../../src/jam/constants.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { MOCK_LIGHT, writeMock } from '../run/mock.ts';
import { expectRefused, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-fit-halo-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mock = writeMock(join(root, 'mock'), { noise: 0.03, seed: 3 });
const base = (out: string, ...extra: string[]) => ['fit', mock.kin, '--photometry', mock.mge, '--distance', '20', '--out', out, ...extra];

test('a short exact fit with an NFW halo: f_dm and log10_rs in summary.json, r_s derived, the halo recorded and checked on resume', async () => {
  const out = join(root, 'nfw');
  const args = base(out, '--exact', '--halo', 'nfw', '--mass-model', 'light', '--walkers', '14', '--steps', '20', '--fdm-range', '0,0.8');
  const r = await runCli(args);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.deepEqual(s.names, ['beta_z', 'inc_deg', 'ml', 'f_dm', 'log10_rs', 'f_sys']);
  const f = s.parameters.f_dm;
  assert.ok(f.lo95 >= 0 && f.hi95 <= 0.8, JSON.stringify(f));
  const re = mgeHalfLight(MOCK_LIGHT).aMajor;
  const lrs = s.parameters.log10_rs.median;
  assert.ok(Math.abs(s.derived.rs_arcsec.median / (10 ** lrs * re) - 1) < 1e-12);
  assert.ok(Math.abs(s.derived.rs_kpc.median / ((10 ** lrs * re * pcPerArcsec(20)) / 1000) - 1) < 1e-12);
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(cfg.halo, 'nfw');
  assert.deepEqual(cfg.ranges.f_dm, [0, 0.8]);
  assert.match(readFileSync(join(out, 'fit.log'), 'utf8'), /model: tabulated exact JAM \(light mass model \+ NFW halo \(\d+ Gaussians\)\)/);
  const other = await runCli(base(out, '--exact', '--halo', 'gnfw', '--mass-model', 'light', '--walkers', '14', '--steps', '20', '--fdm-range', '0,0.8'));
  assert.equal(other.code, 2);
  assert.match(other.err, /config\.json: this run folder was started with other options: halo was "nfw", now "gnfw"/);
});

test('bad --halo input: one line naming the option, exit 2, no run folder', async () => {
  const d = join(root, 'bad');
  // --steps and --walkers keep a run short should a check ever let one through.
  const quick = ['--steps', '10', '--walkers', '14'];
  const cases: [string, string[], RegExp][] = [
    ['a halo asked of the surrogate', base(d, '--engine', 'surrogate', '--halo', 'nfw', ...quick), /^jamfit fit: --halo: nfw needs an exact engine \(the surrogate's training domain has no dark halo\); use --engine tabulated \(mass follows light\) or direct$/],
    ['a gNFW halo asked of the surrogate', base(d, '--engine', 'surrogate', '--halo', 'gnfw', '--mass-model', 'light', ...quick), /--halo: gnfw needs an exact engine.*or direct$/],
    ['unknown halo', base(d, '--exact', '--halo', 'einasto'), /--halo: is 'einasto'; use none or nfw or gnfw/],
    ['f_dm range up to 1', base(d, '--exact', '--halo', 'nfw', '--fdm-range', '0,1'), /--fdm-range: \[0, 1\] leaves \[0, 0.99\], where f_dm is defined/],
    ['f_dm range reversed', base(d, '--exact', '--halo', 'nfw', '--fdm-range', '0.5,0.2'), /--fdm-range: is \[0.5,0.2\]; give lo,hi with finite lo < hi/],
    ['r_s range not numbers', base(d, '--exact', '--halo', 'nfw', '--rs-range', 'a,b'), /--rs-range/],
    ['r_s range without a halo', base(d, '--exact', '--rs-range', '0,1'), /--rs-range: applies only to --halo nfw or gnfw/],
    ['gamma range with NFW', base(d, '--exact', '--halo', 'nfw', '--gamma-range', '0,1', ...quick), /--gamma-range: applies only to --halo gnfw/],
    ['gamma range beyond 2', base(d, '--exact', '--halo', 'gnfw', '--gamma-range', '0,3'), /--gamma-range: \[0, 3\] leaves \[0, 2\]/],
    ['too few walkers for the halo parameters', base(d, '--exact', '--halo', 'gnfw', '--walkers', '10'), /--walkers: is 10 for 8 parameters; use at least 2 x 8 = 16/],
  ];
  await expectRefused(cases, d);
});
