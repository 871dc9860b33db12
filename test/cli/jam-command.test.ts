/**
 * The `jamfit jam` contract: valid input gives the reference V_rms; each kind of bad input gives
 * one line naming the file and field, exit code 2, and no output file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadReferenceCases, maxRelErr } from '../helpers/reference-cases.ts';
import { runBin, runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-cli-'));
const ref = loadReferenceCases()[0];
const good = {
  mge_lum: ref.params.mgeLum,
  mge_pot: ref.params.mgePot,
  inc_deg: ref.params.incDeg,
  beta_z: ref.params.beta,
  distance_mpc: ref.params.distanceMpc,
  x: ref.bins.x.slice(0, 10),
  y: ref.bins.y.slice(0, 10),
};

function caseFile(name: string, obj: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return p;
}

test('jam --input --output writes the reference V_rms (real process, through bin/jamfit.js)', () => {
  const input = caseFile('good', good);
  const output = join(dir, 'good-out.json');
  const r = runBin(['jam', '--input', input, '--output', output]);
  assert.equal(r.code, 0, r.err);
  const vrms = JSON.parse(readFileSync(output, 'utf8')).vrms;
  assert.ok(maxRelErr(vrms, ref.bins.vrms.slice(0, 10)) < 1e-4);
});

test('jam without --output prints {"vrms": [...]} on stdout', async () => {
  const r = await runCli(['jam', '--input', caseFile('stdout', good)]);
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).vrms.length, 10);
});

test('jam accepts per-Gaussian beta, a black hole, a PSF and pixels', async () => {
  const n = good.mge_lum.surf.length;
  const r = await runCli(['jam', '--input', caseFile('full', { ...good, beta_z: new Array(n).fill(0.1), mbh: 1e8, psf: { sigma: [0.8, 2], weight: [0.7, 0.3] }, pixsize: 0.5 })]);
  assert.equal(r.code, 0, r.err);
  const v = JSON.parse(r.out).vrms;
  assert.ok(v.every((a: number) => Number.isFinite(a) && a > 0));
});

const n = good.mge_lum.surf.length;
const bad: [string, unknown, RegExp][] = [
  ['mismatched mge arrays', { ...good, mge_lum: { ...good.mge_lum, sigma: (good.mge_lum.sigma as number[]).slice(1) } }, /mge_lum\.sigma: has 14 values but mge_lum\.surf has 15/],
  ['mismatched x, y', { ...good, y: good.y.slice(1) }, /y: has 9 values but x has 10/],
  ['NaN in x (null in JSON)', { ...good, x: [null, ...good.x.slice(1)] }, /x\[0\]: is null/],
  ['NaN as a string', { ...good, mge_pot: { ...good.mge_pot, surf: ['NaN', ...(good.mge_pot.surf as number[]).slice(1)] } }, /mge_pot\.surf\[0\]: is "NaN"/],
  ["q' below what the inclination allows", { ...good, inc_deg: 30 }, /mge_lum\.qobs\[0\]: q' = 0\.7\d+ is flatter than inclination 30 deg allows/],
  ['sigma <= 0', { ...good, mge_lum: { ...good.mge_lum, sigma: [0, ...(good.mge_lum.sigma as number[]).slice(1)] } }, /mge_lum\.sigma\[0\]: is 0; dispersions must be > 0/],
  ['empty MGE', { ...good, mge_pot: { surf: [], sigma: [], qobs: [] } }, /mge_pot\.surf: the MGE is empty/],
  ['mode with a PSF', { ...good, psf: { sigma: [1], weight: [1] }, mode: 'polar' }, /mode: is "polar" but a PSF is given/],
  ['unknown top-level key', { ...good, incl: 60 }, /incl: unknown key; allowed keys are/],
  ['unknown MGE key', { ...good, mge_lum: { ...good.mge_lum, q: [1] } }, /mge_lum\.q: unknown key; allowed keys are surf, sigma, qobs/],
  ['missing key', { ...good, distance_mpc: undefined }, /distance_mpc: is missing; it is required/],
  ['beta_z >= 1', { ...good, beta_z: 1 }, /beta_z: is 1; beta_z must be < 1/],
  ['beta_z of wrong length', { ...good, beta_z: [0.1, 0.2] }, new RegExp(`beta_z: has 2 values but mge_lum has ${n} Gaussians`)],
  ['inclination out of range', { ...good, inc_deg: 95 }, /inc_deg: is 95; the inclination must lie in \(0, 90\]/],
  ['negative distance', { ...good, distance_mpc: -1 }, /distance_mpc: is -1; the distance must be > 0 Mpc/],
  ['negative black-hole mass', { ...good, mbh: -5 }, /mbh: is -5; the black-hole mass must be >= 0/],
  ['psf weights mismatched', { ...good, psf: { sigma: [1, 2], weight: [1] } }, /psf\.weight: has 1 values but psf\.sigma has 2/],
  ['qobs > 1', { ...good, mge_lum: { ...good.mge_lum, qobs: [1.2, ...(good.mge_lum.qobs as number[]).slice(1)] } }, /mge_lum\.qobs\[0\]: is 1\.2; observed axial ratios must lie in \(0, 1\]/],
  ['not JSON', '{"mge_lum": ', /is not valid JSON/],
];

for (const [what, obj, re] of bad) {
  test(`jam rejects ${what}: one line naming file and field, exit 2, nothing written`, async () => {
    const input = caseFile(what.replace(/\W+/g, '_'), obj);
    const output = join(dir, `${what.replace(/\W+/g, '_')}-out.json`);
    const r = await runCli(['jam', '--input', input, '--output', output]);
    assert.equal(r.code, 2);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.ok(r.err.includes(input), `message should name the file: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(existsSync(output), false);
  });
}

test('usage errors: missing --input, unknown option, unknown command, missing file', async () => {
  const cases: [string[], RegExp][] = [
    [['jam'], /missing --input/],
    [['jam', '--input', 'x.json', '--bogus'], /unknown option '--bogus'/],
    [['fit-everything'], /unknown command 'fit-everything'/],
    [['jam', '--input', join(dir, 'nope.json')], /nope\.json: cannot be read \(ENOENT\)/],
  ];
  for (const [argv, re] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, re);
  }
});
