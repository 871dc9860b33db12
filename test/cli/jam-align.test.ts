/**
 * `--align cyl|sph` for `jamfit jam` and `jamfit map`, the "align" and "kappa" keys of the JAM case
 * JSON: each reaches the library (the CLI equals the hand-written library call, and the option
 * changes the numbers), and bad values give one line naming the option, exit 2, nothing written.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jamVrms } from '../../src/jam/jam.ts';
import { jamVlos } from '../../src/jam/first-moment-jam.ts';
import type { JamParams } from '../../src/jam/model.ts';
import { loadReferenceCases, maxRelErr } from '../helpers/reference-cases.ts';
import { runCli } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-align-'));
const ref = loadReferenceCases()[0];
const x = [0.2, 0.8, 1.5, -2, 2.5, 0.4, 3];
const y = [0.1, -0.3, 1.2, 0.7, -1.5, 2.5, 1];
const base = { mge_lum: ref.params.mgeLum, mge_pot: ref.params.mgePot, inc_deg: 60, beta_z: 0.3, distance_mpc: 16, x, y };
const params: JamParams = { mgeLum: ref.params.mgeLum, mgePot: ref.params.mgePot, incDeg: 60, beta: 0.3, distanceMpc: 16 };

function caseFile(name: string, obj: unknown): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(obj));
  return p;
}

async function jam(argv: string[]): Promise<{ vrms: number[]; v?: number[] }> {
  const r = await runCli(['jam', ...argv]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
}

test('jam --align sph and "align": "sph" give the spherically aligned library model; cyl stays the default', async () => {
  const input = caseFile('base', base);
  const cyl = (await jam(['--input', input])).vrms;
  const sph = (await jam(['--input', input, '--align', 'sph'])).vrms;
  const sphKey = (await jam(['--input', caseFile('sph-key', { ...base, align: 'sph' })])).vrms;
  const cylFlag = (await jam(['--input', caseFile('sph-key-over', { ...base, align: 'sph' }), '--align', 'cyl'])).vrms;
  assert.ok(maxRelErr(cyl, jamVrms(params, x, y)) < 1e-12);
  assert.ok(maxRelErr(sph, jamVrms(params, x, y, { align: 'sph' })) < 1e-12);
  assert.deepEqual(sphKey, sph);
  assert.deepEqual(cylFlag, cyl, '--align overrides the file');
  assert.ok(maxRelErr(sph, cyl) > 0.005, `align must matter at beta = 0.3: ${maxRelErr(sph, cyl)}`);
});

test('jam with kappa in the case outputs v (the first moment) next to vrms; without kappa there is no v', async () => {
  const withK = await jam(['--input', caseFile('kappa', { ...base, kappa: 0.7 })]);
  assert.equal((await jam(['--input', caseFile('nokappa', base)])).v, undefined);
  const want = jamVlos(params, x, y, 0.7);
  assert.ok(withK.v && maxRelErr(withK.v, want) < 1e-12);
  assert.ok(withK.v![0] > 0 && withK.v![3] < 0, 'V is odd in x');
  const n = ref.params.mgeLum.surf.length;
  const perGauss = Array.from({ length: n }, (_, k) => 0.5 + k / (2 * n));
  const withArr = await jam(['--input', caseFile('kappa-arr', { ...base, kappa: perGauss, psf: { sigma: [0.8], weight: [1] } })]);
  assert.ok(maxRelErr(withArr.v!, jamVlos(params, x, y, perGauss, { psf: { sigma: [0.8], weight: [1] } })) < 1e-12);
});

test('map --align sph writes the spherically aligned map (and v with kappa)', async () => {
  const input = caseFile('map', { ...base, x: undefined, y: undefined, kappa: 1 });
  const outC = join(dir, 'map-cyl');
  const outS = join(dir, 'map-sph');
  assert.equal((await runCli(['map', '--input', input, '--out', outC, '--half-size', '3', '--pixel', '1'])).code, 0);
  const r = await runCli(['map', '--input', input, '--out', outS, '--half-size', '3', '--pixel', '1', '--align', 'sph']);
  // kappa with sph is refused (the first moment is that of the cylindrical model).
  assert.equal(r.code, 2);
  assert.match(r.err, /--align: is "sph" but the case gives kappa/);
  const input2 = caseFile('map2', { ...base, x: undefined, y: undefined });
  assert.equal((await runCli(['map', '--input', input2, '--out', outS, '--half-size', '3', '--pixel', '1', '--align', 'sph'])).code, 0);
  const c = JSON.parse(readFileSync(join(outC, 'vrms_map.json'), 'utf8'));
  const s = JSON.parse(readFileSync(join(outS, 'vrms_map.json'), 'utf8'));
  assert.equal(c.align, 'cyl');
  assert.equal(s.align, 'sph');
  assert.equal(c.v.length, c.vrms.length);
  assert.equal(s.v, undefined);
  assert.ok(maxRelErr(s.vrms, c.vrms) > 0.005);
});

const badCases: [string, string[], unknown, RegExp][] = [
  ['--align unknown (jam)', ['jam', '--align', 'polar'], base, /^jamfit jam: --align: is "polar"; use "cyl" or "sph"/],
  ['--align unknown (map)', ['map', '--align', 'spherical'], { ...base, x: undefined, y: undefined }, /^jamfit map: --align: is "spherical"; use "cyl" or "sph"/],
  ['"align" unknown in the file', ['jam'], { ...base, align: 'cylindrical' }, /align: is "cylindrical"; use "cyl" or "sph"/],
  ['kappa not a number', ['jam'], { ...base, kappa: 'fast' }, /kappa: is "fast"; give a number/],
  ['kappa of the wrong length', ['jam'], { ...base, kappa: [1, 2] }, /kappa: has 2 values but mge_lum has/],
  ['kappa with "align": "sph"', ['jam'], { ...base, kappa: 1, align: 'sph' }, /kappa: gives the first moment of the cylindrically aligned model/],
];

for (const [what, argv, obj, re] of badCases) {
  test(`${what}: one line naming the option, exit 2, nothing written`, async () => {
    const input = caseFile(what.replace(/\W+/g, '_'), obj);
    const output = join(dir, `${what.replace(/\W+/g, '_')}-out`);
    const extra = argv[0] === 'jam' ? ['--output', output] : ['--out', output];
    const r = await runCli([...argv, '--input', input, ...extra]);
    assert.equal(r.code, 2, r.err);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.match(r.err, re);
    assert.equal(existsSync(output), false);
  });
}
