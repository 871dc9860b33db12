/**
 * The `jamfit jam` contract (README, "CLI"): valid input gives the reference V_rms; each optional
 * field reaches the library (the CLI equals a hand-written jamVrms call with that option, and the
 * option changes V_rms, so a parser that drops it fails); each kind of bad input gives one line
 * naming the file and field, exit code 2, and no output file.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jamVrms, type JamOptions } from '../../src/jam/jam.ts';
import type { JamParams } from '../../src/jam/model.ts';
import { loadReferenceCases, maxRelErr } from '../helpers/reference-cases.ts';
import { ROOT, runBin, runCli } from './run-cli.ts';

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
  const p = join(dir, `${name.replace(/\W+/g, '_')}.json`);
  writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj));
  return p;
}

async function cliVrms(name: string, obj: unknown): Promise<number[]> {
  const r = await runCli(['jam', '--input', caseFile(name, obj)]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out).vrms;
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
  assert.equal((await cliVrms('stdout', good)).length, 10);
});

// ---- Each optional field, against a hand-written library call ---------------------------------
// The base model, written twice by hand: once in the JSON contract (snake_case, as a user writes
// it) and once as the library's JamParams. The points avoid (0, 0) (polar mode is in the table)
// and include off-axis ones (the pixel rotation acts there) and one at 0.2" (the black hole).
const lum = ref.params.mgeLum;
const pot = ref.params.mgePot;
const x = [0.2, 0.8, 1.5, -2, 2.5, 0.4, 3];
const y = [0.1, -0.3, 1.2, 0.7, -1.5, 2.5, 1];
const baseJson = { mge_lum: lum, mge_pot: pot, inc_deg: 60, beta_z: 0.2, distance_mpc: 16, x, y };
const baseParams: JamParams = { mgeLum: lum, mgePot: pot, incDeg: 60, beta: 0.2, distanceMpc: 16 };
const psf = { sigma: [0.8, 1.6], weight: [0.7, 0.3] };
const nLum = lum.surf.length;
const betaArray = Array.from({ length: nLum }, (_, k) => -0.2 + (0.5 * k) / (nLum - 1));

interface FieldRow {
  field: string;
  /** JSON keys present with and without the field (the setting the field acts in). */
  ctx?: Record<string, unknown>;
  /** The field, as written in the JSON contract. */
  add: Record<string, unknown>;
  /** The same, written by hand as library arguments: without the field, and with it. */
  without: [Partial<JamParams>, JamOptions];
  with: [Partial<JamParams>, JamOptions];
  /**
   * Floor on max |V_with / V_without - 1| in this setting (about a tenth to a half of the measured
   * change, listed in the comment), far above the 1e-12 agreement bar, so a parser that drops the
   * field fails; 0 marks a field that must not change V_rms (a label, a convention).
   */
  minChange: number;
}

// Measured max relative changes in this setting: mbh 1.2, rbh 0.24, ml 0.58, beta_z array 0.052,
// psf 0.089, pixsize with PSF 2.1e-3, pixang 3.2e-5, nodes 9.4e-4, mode 4.3e-4, step 1.0e-3,
// nrad 4.5e-4, nang 1.4e-3.
const rows: FieldRow[] = [
  { field: 'mbh', add: { mbh: 1e9 }, without: [{}, {}], with: [{ mbh: 1e9 }, {}], minChange: 0.1 },
  { field: 'rbh', ctx: { mbh: 1e9 }, add: { rbh: 0.3 }, without: [{ mbh: 1e9 }, {}], with: [{ mbh: 1e9, rbh: 0.3 }, {}], minChange: 0.02 },
  { field: 'ml', add: { ml: 2.5 }, without: [{}, {}], with: [{ ml: 2.5 }, {}], minChange: 0.1 },
  { field: 'beta_z (one per Gaussian)', add: { beta_z: betaArray }, without: [{}, {}], with: [{ beta: betaArray }, {}], minChange: 0.01 },
  { field: 'psf', add: { psf }, without: [{}, {}], with: [{}, { psf }], minChange: 0.01 },
  { field: 'pixsize (with psf)', ctx: { psf }, add: { pixsize: 1 }, without: [{}, { psf }], with: [{}, { psf, pixsize: 1 }], minChange: 5e-4 },
  {
    field: 'pixsize (without psf)',
    add: { pixsize: 1 },
    without: [{}, {}],
    with: [{}, { pixsize: 1 }],
    minChange: 1e-4,
  },
  { field: 'pixang', ctx: { psf, pixsize: 1 }, add: { pixang: 30 }, without: [{}, { psf, pixsize: 1 }], with: [{}, { psf, pixsize: 1, pixang: 30 }], minChange: 1e-5 },
  { field: 'nodes', add: { nodes: 6 }, without: [{}, {}], with: [{}, { nodes: 6 }], minChange: 1e-4 },
  { field: 'mode', add: { mode: 'polar' }, without: [{}, {}], with: [{}, { mode: 'polar' }], minChange: 1e-4 },
  { field: 'step', ctx: { psf }, add: { step: 0.1 }, without: [{}, { psf }], with: [{}, { psf, step: 0.1 }], minChange: 2e-4 },
  { field: 'nrad', ctx: { mode: 'polar' }, add: { nrad: 8 }, without: [{}, { mode: 'polar' }], with: [{}, { mode: 'polar', nrad: 8 }], minChange: 1e-4 },
  { field: 'nang', ctx: { mode: 'polar' }, add: { nang: 4 }, without: [{}, { mode: 'polar' }], with: [{}, { mode: 'polar', nang: 4 }], minChange: 3e-4 },
  { field: 'name', add: { name: 'NGC 0000, a label' }, without: [{}, {}], with: [{}, {}], minChange: 0 },
  // The reference code's convention: a PSF of zero width is no PSF (pixsize would still apply).
  { field: 'psf of zero width', add: { psf: { sigma: [0], weight: [1] } }, without: [{}, {}], with: [{}, {}], minChange: 0 },
];

const lib = ([p, o]: [Partial<JamParams>, JamOptions]) => jamVrms({ ...baseParams, ...p }, x, y, o);

for (const row of rows) {
  const effect = row.minChange === 0 ? 'leaves V_rms unchanged' : 'changes V_rms';
  test(`jam: "${row.field}" reaches the library (CLI = hand-written jamVrms call) and ${effect}`, async () => {
    const cli = await cliVrms(row.field, { ...baseJson, ...row.ctx, ...row.add });
    const want = lib(row.with);
    // Same library code on the same numbers; only JSON lies between, and JSON numbers round-trip
    // doubles exactly. 1e-12 is a bar for "the same computation", not a numerical tolerance.
    assert.ok(maxRelErr(cli, want) < 1e-12, `${row.field}: CLI ${cli} vs library ${Array.from(want)}`);
    const change = maxRelErr(want, lib(row.without));
    if (row.minChange === 0) assert.equal(change, 0, `${row.field} must not change V_rms`);
    else assert.ok(change > row.minChange, `${row.field} changes V_rms by only ${change.toExponential(2)} here (floor ${row.minChange}); the row cannot detect a dropped field`);
  });
}

test('jam on a map input (the bundled demo file, no x/y) explains that it is a map and names jamfit map', async () => {
  const demo = join(ROOT, 'fixtures/examples/demo-galaxy.json');
  const r = await runCli(['jam', '--input', demo]);
  assert.equal(r.code, 2);
  assert.equal(r.err.split('\n').length, 1, r.err);
  assert.match(r.err, /demo-galaxy\.json: x, y: are missing: this file has no sky points, so it is a map input; render it as a map with `jamfit map --input <this file>` \(or `jamfit demo`/);
});

// ---- Bad input ---------------------------------------------------------------------------------
const n = good.mge_lum.surf.length;
const bad: [string, unknown, RegExp][] = [
  ['mismatched mge arrays', { ...good, mge_lum: { ...good.mge_lum, sigma: (good.mge_lum.sigma as number[]).slice(1) } }, /mge_lum\.sigma: has 14 values but mge_lum\.surf has 15/],
  ['mismatched x, y', { ...good, y: good.y.slice(1) }, /y: has 9 values but x has 10/],
  ['y without x', { ...good, x: undefined }, /: x: is missing; it is required/],
  ['NaN in x (null in JSON)', { ...good, x: [null, ...good.x.slice(1)] }, /x\[0\]: is null/],
  ['NaN as a string', { ...good, mge_pot: { ...good.mge_pot, surf: ['NaN', ...(good.mge_pot.surf as number[]).slice(1)] } }, /mge_pot\.surf\[0\]: is "NaN"/],
  ["q' below what the inclination allows", { ...good, inc_deg: 30 }, /mge_lum\.qobs\[0\]: q' = 0\.7\d+ is flatter than inclination 30 deg allows/],
  ['sigma <= 0', { ...good, mge_lum: { ...good.mge_lum, sigma: [0, ...(good.mge_lum.sigma as number[]).slice(1)] } }, /mge_lum\.sigma\[0\]: is 0; dispersions must be > 0/],
  ['empty MGE', { ...good, mge_pot: { surf: [], sigma: [], qobs: [] } }, /mge_pot\.surf: the MGE is empty/],
  ['an unknown mode', { ...good, mode: 'bogus' }, /mode: is "bogus"; use "direct" or "polar"/],
  ['an unknown mode with a PSF', { ...good, mode: 'bogus', psf: { sigma: [1], weight: [1] } }, /mode: is "bogus"; use "direct" or "polar"/],
  ['mode together with a PSF', { ...good, mode: 'direct', psf: { sigma: [1], weight: [1] } }, /mode: is "direct" but a psf is given; mode chooses the evaluation without a PSF only .* remove "mode" or "psf"/],
  ['a PSF whose weights are all 0', { ...good, psf: { sigma: [1, 2], weight: [0, 0] } }, /psf\.weight: all weights are 0/],
  ['a name that is not a string', { ...good, name: 7 }, /name: is 7; give a string label/],
  ['unknown top-level key', { ...good, incl: 60 }, /incl: unknown key; allowed keys are/],
  ['unknown MGE key', { ...good, mge_lum: { ...good.mge_lum, q: [1] } }, /mge_lum\.q: unknown key; allowed keys are surf, sigma, qobs/],
  ['missing key', { ...good, distance_mpc: undefined }, /distance_mpc: is missing; it is required/],
  ['beta_z >= 1', { ...good, beta_z: 1 }, /beta_z: is 1; beta_z must be < 1/],
  ['beta_z of wrong length', { ...good, beta_z: [0.1, 0.2] }, new RegExp(`beta_z: has 2 values but mge_lum has ${n} Gaussians`)],
  ['inclination out of range', { ...good, inc_deg: 95 }, /inc_deg: is 95; the inclination must lie in \(0, 90\]/],
  ['negative distance', { ...good, distance_mpc: -1 }, /distance_mpc: is -1; the distance must be > 0 Mpc/],
  ['negative black-hole mass', { ...good, mbh: -5 }, /mbh: is -5; the black-hole mass must be >= 0/],
  ['psf weights mismatched', { ...good, psf: { sigma: [1, 2], weight: [1] } }, /psf\.weight: has 1 values but psf\.sigma has 2/],
  ['negative pixsize', { ...good, pixsize: -1 }, /pixsize: is -1; it must be a finite number >= 0/],
  ['qobs > 1', { ...good, mge_lum: { ...good.mge_lum, qobs: [1.2, ...(good.mge_lum.qobs as number[]).slice(1)] } }, /mge_lum\.qobs\[0\]: is 1\.2; observed axial ratios must lie in \(0, 1\]/],
  ['not JSON', '{"mge_lum": ', /is not valid JSON/],
];

for (const [what, obj, re] of bad) {
  test(`jam rejects ${what}: one line naming file and field, exit 2, nothing written`, async () => {
    const input = caseFile(what, obj);
    const output = join(dir, `${what.replace(/\W+/g, '_')}-out.json`);
    const r = await runCli(['jam', '--input', input, '--output', output]);
    assert.equal(r.code, 2);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.ok(r.err.includes(input), `message should name the file: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(existsSync(output), false);
  });
}
