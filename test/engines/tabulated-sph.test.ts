/**
 * The tabulated engine's spherically aligned model (Cappellari 2020): a table in (inclination,
 * beta) of per-group, per-component maps (src/engines/tabulated/basis.ts binBasisSph, table.ts)
 * against the direct sph JAM at prior draws; groups at different betas; the stored table; the
 * engine choice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomGalaxySpec, tabulatedVsDirect } from './tabulated-helpers.ts';
import { buildFitProblem } from '../../src/fit/fit-problem.ts';
import { betaOfV, vOfBeta, type BetaAxis } from '../../src/engines/tabulated/table.ts';
import { readTable, writeTable } from '../../src/engines/tabulated/store.ts';
import { chooseEngine } from '../../src/engines/choose.ts';
import { InputError } from '../../core/errors.ts';

// A small galaxy (6 Gaussians, q' >= 0.6, 12 bins, PSF and pixels) keeps the build short.
const spec = randomGalaxySpec(6, 6, 0.6, { align: 'sph', ranges: { beta_z: [-0.5, 0.5], inc_deg: [60, 90] } }, 8, 4);

test('the beta axis: v <-> beta round trip, v = 1 is exactly hi', () => {
  const a: BetaAxis = { kind: 'beta', lo: -0.5, hi: 0.3 };
  for (const v of [0, 0.25, 0.6, 1]) assert.ok(Math.abs(vOfBeta(a, betaOfV(a, v)) - v) < 1e-12);
  assert.equal(betaOfV(a, 1), 0.3);
  assert.equal(betaOfV(a, 0), -0.5);
});

test('sph, tabulated in (inclination, beta) vs the direct sph JAM at 60 prior draws: within the table bound, <= 1e-4', () => {
  const r = tabulatedVsDirect(spec, 60, 3);
  assert.match(r.label, /tabulated spherically aligned exact JAM \(light mass model\), \d+ x \d+ \(inclination x beta\) nodes/);
  assert.ok(r.maxError <= 1e-4, `bound ${r.maxError}`);
  assert.ok(r.worst <= 1e-4, `max |V2_tab / V2_direct - 1| = ${r.worst}`);
  assert.ok(r.worst > 0, 'the two engines are not the same code path');
});

test('sph with a black hole and two anisotropy groups (each group at its own beta): tabulated vs direct <= 1e-4', () => {
  const r = tabulatedVsDirect({ ...spec, mbh: 3e8, betaGroups: [3] }, 30, 4);
  assert.match(r.label, /2 anisotropy groups/);
  assert.ok(r.worst <= 1e-4, `${r.worst}`);
});

test('an sph table survives the run folder bit for bit, beta axis included', () => {
  const t = buildFitProblem({ ...spec, engine: 'tabulated' }).table!;
  assert.equal(t.patches.length, 1);
  assert.deepEqual(t.patches[0].axis, { kind: 'beta', lo: -0.5, hi: 0.5 });
  assert.equal(t.tol, 1e-4, 'the sph default tolerance');
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-sph-table-'));
  try {
    writeTable(dir, 'sph', t);
    const back = readTable(dir, 'sph')!;
    assert.deepEqual(back.patches.map((p) => p.axis), t.patches.map((p) => p.axis));
    assert.deepEqual(back.patches.map((p) => p.values), t.patches.map((p) => p.values));
    assert.equal(readTable(dir, 'cyl'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('engine choice: sph with mass following light is tabulated, qm with sph is direct; tabulated refuses qm + sph and the surrogate refuses sph, naming the option', () => {
  const needs = { massModel: 'light' as const, halo: 'none' as const, blackHole: false, groups: false, align: 'sph' as const };
  assert.equal(chooseEngine(undefined, false, needs), 'tabulated');
  assert.equal(chooseEngine(undefined, true, { ...needs, halo: 'nfw' }), 'tabulated');
  assert.equal(chooseEngine(undefined, false, { ...needs, massModel: 'qm' }), 'direct');
  assert.throws(() => chooseEngine('tabulated', false, { ...needs, massModel: 'qm' }), (e: unknown) => e instanceof InputError && e.where === 'mass_model');
  assert.throws(() => chooseEngine('surrogate', false, { ...needs, massModel: 'qm' }), (e: unknown) => e instanceof InputError && e.where === 'align');
});
