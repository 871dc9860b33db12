/**
 * `jamfit validate` end to end with a tiny run (2 mocks, 8 walkers x 10 steps, L = 9 draws; two
 * exact-JAM fits, ~15 s each on a loaded 2-core machine): the folder's files, the report's numbers
 * recomputed independently from the per-mock summary.json / truth.json / chain.npy, resuming (a
 * larger --n fits only the new mock; a mock killed after sampling is summarised again, not
 * refitted, and gives the same record), and the table of bad input (one line naming the option,
 * exit 2, nothing written).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readNpy } from '../../samplers/backends/npy.ts';
import { drawMock } from '../../src/validate/draw.ts';
import { runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-validate-'));
after(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, 'v');
const common = ['--walkers', '10', '--steps', '10', '--draws', '9', '--exact', '--seed', '7', '--out', dir];
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const NAMES = ['beta_z', 'q_m', 'inc_deg', 'ml'];

test('validate --n 1 then --n 2: files, only the new mock fitted, report consistent with the per-mock summaries', async () => {
  const r1 = await runCli(['validate', '--n', '1', ...common]);
  assert.equal(r1.code, 0, r1.err);
  const chain0 = join(dir, 'mocks/0/fit/chain.npy');
  const bytes0 = readFileSync(chain0);
  const mtime0 = statSync(chain0).mtimeMs;

  const r2 = await runCli(['validate', '--n', '2', ...common]);
  assert.equal(r2.code, 0, r2.err);
  assert.match(r2.out, /validate: 2 mocks in .* \(1 fitted now, 1 finished before\); engine direct/);
  assert.equal(statSync(chain0).mtimeMs, mtime0, 'mock 0 was not refitted');
  assert.deepEqual(readFileSync(chain0), bytes0);
  for (const f of ['validate.json', 'report.json', 'rank_histograms.svg', 'rank_histograms.png', 'calibration.svg', 'calibration.png']) assert.ok(existsSync(join(dir, f)), f);
  for (const png of ['rank_histograms.png', 'calibration.png']) assert.deepEqual([...readFileSync(join(dir, png)).subarray(1, 4)], [0x50, 0x4e, 0x47]);

  const rep = json(join(dir, 'report.json'));
  assert.equal(rep.n, 2);
  assert.deepEqual(rep.parameters, NAMES);
  const sums = [0, 1].map((k) => json(join(dir, `mocks/${k}/fit/summary.json`)));
  const truths = [0, 1].map((k) => json(join(dir, `mocks/${k}/mock/truth.json`)));
  // The fit saw the mock's photometry and the bundled mock's observation.
  const cfg0 = json(join(dir, 'mocks/0/fit/config.json'));
  assert.deepEqual([cfg0.distance_mpc, cfg0.pixsize, cfg0.psf.sigma, cfg0.walkers, cfg0.steps], [20, 3, [1], 10, 10]);
  assert.equal(truths[0].noise.frac, 0.05);
  // Mock k's noise and sampler use the two seeds drawn for (seed 7, k), never the same stream.
  for (let k = 0; k < 2; k++) {
    const d = drawMock(7, k);
    assert.deepEqual([truths[k].seed, json(join(dir, `mocks/${k}/fit/config.json`)).seed], [d.mockSeed, d.fitSeed]);
    assert.deepEqual(truths[k].photometry.sersic, d.sersic);
  }
  for (const [d, name] of NAMES.entries()) {
    const c = rep.calibration[name];
    for (const [key, lo, hi] of [['coverage68', 'lo68', 'hi68'], ['coverage95', 'lo95', 'hi95']] as const) {
      let hits = 0;
      for (let k = 0; k < 2; k++) {
        const t = truths[k].parameters[name];
        if (t >= sums[k].parameters[name][lo] && t <= sums[k].parameters[name][hi]) hits++;
      }
      assert.equal(c[key].hits, hits, `${name} ${key}`);
      assert.equal(c[key].fraction, hits / 2);
    }
    assert.ok(Math.abs(c.coverage68.sd - Math.sqrt((0.6827 * 0.3173) / 2)) < 1e-4);
    // The RMS error of the medians, from the summaries (M/L in log10).
    const f = (v: number) => (name === 'ml' ? Math.log10(v) : v);
    const rms = Math.sqrt([0, 1].reduce((s, k) => s + (f(sums[k].parameters[name].median) - f(truths[k].parameters[name])) ** 2, 0) / 2);
    assert.ok(Math.abs(c.rms_error - rms) < 1e-12, `${name}: ${c.rms_error} vs ${rms}`);
    assert.equal(c.sbc.counts.reduce((a: number, b: number) => a + b, 0), 2);
    // The rank: recount the truth among the thinned draws straight from chain.npy.
    for (let k = 0; k < 2; k++) {
      const s = sums[k];
      const chain = readNpy(join(dir, `mocks/${k}/fit/chain.npy`), s.nsteps).data;
      const kept = s.nsteps - s.discard;
      const t = f(truths[k].parameters[name]);
      let below = 0;
      for (let j = 0; j < 9; j++) {
        const step = s.discard + Math.floor(((j + 0.5) * kept) / 9);
        if (chain[(step * 10 + (j % 10)) * 5 + d] < t) below++;
      }
      const rec = json(join(dir, `mocks/${k}/calibration.json`));
      assert.equal(rec.ranks[d], below, `mock ${k} ${name}`);
      assert.ok(rec.pits[d] >= below / 10 && rec.pits[d] < (below + 1) / 10);
      assert.equal(rep.mocks[k].median[name], s.parameters[name].median);
    }
  }
  assert.equal(rep.target.met, false);
  assert.ok(rep.target.failing.includes('n = 2 < 400 mocks'));
});

test('a mock killed after sampling is summarised again, not refitted, with the same record; other options are refused', async () => {
  const rec = join(dir, 'mocks/1/calibration.json');
  const before = readFileSync(rec, 'utf8');
  const chain = join(dir, 'mocks/1/fit/chain.npy');
  const bytes = readFileSync(chain);
  rmSync(rec);
  rmSync(join(dir, 'mocks/1/fit/summary.json'));
  const r = await runCli(['validate', '--n', '2', ...common]);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(rec, 'utf8'), before);
  // Reopening the run folder rewrites the chain's checkpoint header (DiskBackend), so compare bytes.
  assert.deepEqual(readFileSync(chain), bytes);
  assert.match(readFileSync(join(dir, 'mocks/1/fit/fit.log'), 'utf8'), /the chain was already complete/);

  const report = readFileSync(join(dir, 'report.json'), 'utf8');
  const bad = await runCli(['validate', '--n', '2', ...common.map((v, i) => (v === '10' && i === 1 ? '12' : v))]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^jamfit validate: .*validate\.json: this folder was started with other options: walkers was 10, now 12; use the same options \(any --n\) or choose another --out$/);
  assert.equal(readFileSync(join(dir, 'report.json'), 'utf8'), report);
});

const file = join(root, 'a-file');
writeFileSync(file, 'x');
const o = (name: string) => join(root, `bad-${name}`);
const cases: [string, string[], RegExp][] = [
  ['no --n', ['--out', o('n')], /--n: missing; give the number of mock galaxies/],
  ['--n 0', ['--n', '0', '--out', o('n0')], /--n: is 0; give an integer >= 1/],
  ['--n 1.5', ['--n', '1.5', '--out', o('n15')], /--n: is 1\.5; give an integer >= 1/],
  ['--walkers 9', ['--n', '1', '--walkers', '9', '--out', o('w')], /--walkers: is 9; give an integer >= 10/],
  ['--steps 5', ['--n', '1', '--steps', '5', '--out', o('s')], /--steps: is 5; give an integer >= 10/],
  ['--draws 0', ['--n', '1', '--draws', '0', '--out', o('d')], /--draws: is 0; give an integer >= 1/],
  ['--rank-bins 3 with L = 9', ['--n', '1', '--draws', '9', '--rank-bins', '3', '--out', o('b')], /--rank-bins: is 3; it must divide --draws \+ 1 = 10/],
  ['more draws than the chain keeps', ['--n', '1', '--walkers', '10', '--steps', '10', '--draws', '99', '--out', o('dd')], /--draws: is 99, more than the 50 samples a chain of --steps 10 x --walkers 10 keeps/],
  ['no --out', ['--n', '1'], /--out: missing; give the validation folder/],
  ['--out a file', ['--n', '1', '--out', file], /--out: .*a-file is a file; give a folder/],
  ['a positional argument', ['x', '--n', '1', '--out', o('p')], /x: unexpected argument; jamfit validate takes options only/],
];
for (const [what, argv, re] of cases) {
  test(`validate with ${what}: one line, exit 2, nothing written`, async () => {
    const r = await runCli(['validate', ...argv]);
    assert.equal(r.code, 2);
    assert.match(r.err, re);
    assert.equal(r.err.split('\n').length, 1, r.err);
    const out = argv[argv.indexOf('--out') + 1];
    if (argv.includes('--out') && out !== file) assert.equal(existsSync(out), false);
  });
}
