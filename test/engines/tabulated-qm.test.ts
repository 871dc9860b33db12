/**
 * The tabulated engine's qm mass model: a table in (inclination, q_M) (src/engines/tabulated/table.ts,
 * model.ts) against the direct exact JAM, the q_M axis's mapping, the split of the inclination range
 * where the prior's q_lo meets the mass's deprojection limit, the stored table, and the engine choice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomGalaxySpec, tabulatedVsDirect } from './tabulated-helpers.ts';
import { buildFitProblem } from '../../src/fit/fit-problem.ts';
import { qmOfV, vOfQm, deprojectionLimitDeg, type QmAxis } from '../../src/engines/tabulated/table.ts';
import { readTable, writeTable } from '../../src/engines/tabulated/store.ts';
import { chooseEngine } from '../../src/engines/choose.ts';
import { intrinsicQ } from '../../src/jam/deproject.ts';

test('the q_M axis: v <-> q_M round trip; v = 0 is the prior q_lo where it deprojects, else the mass limit; v = 1 is q_hi', () => {
  const prior: QmAxis = { kind: 'qm', lower: 'prior', qLo: 0.45, qHi: 1 };
  const limit: QmAxis = { ...prior, lower: 'limit' };
  for (const inc of [62, 70, 85, 90]) {
    for (const v of [0, 0.13, 0.5, 0.97, 1]) {
      const q = qmOfV(prior, inc, v);
      assert.ok(Math.abs(vOfQm(prior, inc, q) - v) < 1e-9, `inc ${inc} v ${v}`);
    }
    if (inc > deprojectionLimitDeg(0.45)) assert.ok(Math.abs(qmOfV(prior, inc, 0) - 0.45) < 1e-9, `q_lo at ${inc}`);
    assert.equal(qmOfV(prior, inc, 1), 1);
    // At the limit the mass's intrinsic q is 0.05 (to the axis's 1e-8 margin): flatter is refused.
    assert.ok(Math.abs(intrinsicQ(qmOfV(limit, inc, 0), inc) - 0.05) < 1e-8, `limit at ${inc}`);
  }
  // Below the split (q_lo = 0.45 deprojects from 63.3 deg) the 'prior' curve falls back to the limit.
  const iX = deprojectionLimitDeg(0.45);
  assert.ok(iX > 63 && iX < 64);
  assert.ok(intrinsicQ(qmOfV(prior, iX - 1, 0), iX - 1) >= 0.05);
});

// A small galaxy (6 Gaussians, q' >= 0.6, 12 bins, PSF and pixels) keeps the 2-D build short.
const spec = randomGalaxySpec(5, 6, 0.6, { massModel: 'qm', ranges: { q_m: [0.45, 1], inc_deg: [60, 90] }, tableTol: 1e-4 }, 8, 4);

test('qm, tabulated in (inclination, q_M) vs the direct exact JAM at 60 prior draws: within the table bound, <= 1e-4', () => {
  const r = tabulatedVsDirect(spec, 60, 7);
  // The prior's q_lo = 0.45 deprojects only above 63.3 deg: two patches, with the split inside.
  assert.match(r.label, /qm mass model.*\d+ x \d+ \+ \d+ x \d+ \(inclination x q_M\) nodes/);
  assert.ok(r.maxError <= 1e-4, `bound ${r.maxError}`);
  assert.ok(r.worst <= 1e-4, `max |V2_tab / V2_direct - 1| = ${r.worst}`);
  assert.ok(r.worst > 0, 'the two engines are not the same code path');
});

test('qm with a black hole and two anisotropy groups: tabulated vs direct <= 1e-4', () => {
  const r = tabulatedVsDirect({ ...spec, mbh: 3e8, betaGroups: [3] }, 30, 8);
  assert.ok(r.worst <= 1e-4, `${r.worst}`);
});

test('a two-patch qm table survives the run folder bit for bit; another fingerprint is not read', () => {
  const t = buildFitProblem({ ...spec, engine: 'tabulated' }).table!;
  assert.equal(t.patches.length, 2);
  assert.ok(t.patches.every((p) => p.nV > 1 && p.axis?.kind === 'qm'));
  const dir = mkdtempSync(join(tmpdir(), 'jamfit-qm-table-'));
  try {
    writeTable(dir, 'abc', t);
    const back = readTable(dir, 'abc')!;
    assert.deepEqual(back.patches.map((p) => p.values), t.patches.map((p) => p.values));
    assert.deepEqual({ ...back, patches: back.patches.map(({ values: _v, ...p }) => p) }, { ...t, patches: t.patches.map(({ values: _v, ...p }) => p) });
    assert.equal(readTable(dir, 'other'), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('engine choice: exact qm goes to direct unless --engine tabulated asks for the 2-D table; tabulated refuses qm + halo naming the option', () => {
  const needs = { massModel: 'qm' as const, halo: 'none' as const, blackHole: false, groups: false };
  assert.equal(chooseEngine(undefined, true, needs), 'direct');
  assert.equal(chooseEngine(undefined, false, { ...needs, blackHole: true }), 'direct');
  assert.equal(chooseEngine(undefined, false, needs), 'surrogate');
  assert.equal(chooseEngine('tabulated', false, { ...needs, blackHole: true, groups: true }), 'tabulated');
  assert.throws(() => chooseEngine('tabulated', false, { ...needs, halo: 'nfw' }), /engine/);
  assert.throws(() => buildFitProblem({ ...spec, halo: 'nfw', engine: 'tabulated' }), /halo/);
});
