/**
 * The tabulated exact engine (src/engines/tabulated) against the direct exact JAM on the same bins,
 * PSF and pixels: V_rms^2 per bin at prior draws, to the issue's bar of 1e-5 relative, on NGC 6278
 * (mass follows light, a sampled black hole, two anisotropy groups, NFW and gNFW haloes) and on
 * random multi-component MGEs down to q' = 0.2. The direct engine is tested against jampy
 * (test/jam/jam-reference.test.ts), so these tie the tabulated engine to the reference.
 * bench/tabulated-accuracy.ts runs the same comparison at 1,000 draws on 10 random galaxies.
 * The table's pieces are tested on their own too: the separable kernel (linearity in b and the
 * amplitudes), the interpolation variable, and the adaptive build reaching its tolerance.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ngc6278Spec, randomGalaxySpec, tabulatedVsDirect } from './tabulated-helpers.ts';
import { buildTablePatch, deprojectionLimitDeg, errorMeasure, incOfT, stencilAt, STENCIL, tOfInc } from '../../src/engines/tabulated/table.ts';
import { anisotropyGroups, buildFitProblem, prepareInParallel } from '../../src/fit/fit-problem.ts';
import { prepareModel } from '../../src/jam/model.ts';
import { vrms2Direct } from '../../src/jam/direct.ts';
import { losBasisMoments, prepareBasisKernel } from '../../src/jam/los-basis.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import { InputError } from '../../core/errors.ts';

const TOL = 1e-5;

test('NGC 6278, mass follows light with PSF and pixels: tabulated V_rms^2 equals the direct JAM to 1e-5 at 40 prior draws', () => {
  const r = tabulatedVsDirect(ngc6278Spec(), 40);
  assert.ok(r.worst < TOL, `max relative error ${r.worst}`);
  assert.ok(r.maxError <= TOL, `the build's own error bound ${r.maxError}`);
});

test('NGC 6278 with a sampled black hole and with two anisotropy groups: <= 1e-5', () => {
  for (const over of [{ mbhRange: [7, 9.5] as [number, number] }, { betaGroups: [3] }]) {
    const r = tabulatedVsDirect(ngc6278Spec(over), 25);
    assert.ok(r.worst < TOL, `${JSON.stringify(over)}: max relative error ${r.worst}`);
  }
});

test('NGC 6278 with NFW and gNFW haloes: <= 1e-5', () => {
  // The default 48 u-nodes: with fewer, the direct engine's own quadrature error (it grades the
  // rule by mass share, the basis grades every narrow Gaussian) exceeds 1e-5 (24 nodes: 2e-4).
  for (const halo of ['nfw', 'gnfw'] as const) {
    const r = tabulatedVsDirect(ngc6278Spec({ halo }), 8, 2);
    assert.ok(r.worst < TOL, `${halo}: max relative error ${r.worst}`);
  }
});

test('random multi-component MGEs (7-12 Gaussians, q\' down to 0.2) with PSF, pixels, a black hole, groups and a gNFW halo: <= 1e-5', () => {
  const cases = [
    randomGalaxySpec(1, 12, 0.2),
    randomGalaxySpec(2, 9, 0.35, { mbhRange: [8, 9.7], betaGroups: [2] }),
    randomGalaxySpec(3, 7, 0.5, { halo: 'gnfw', mbh: 3e8 }, 8, 2.5),
  ];
  for (const s of cases) {
    const r = tabulatedVsDirect(s, 8, 3);
    assert.ok(r.worst < TOL, `${s.source}: max relative error ${r.worst} (${r.label})`);
  }
});

test('the separable kernel: P + b Q per group and component reproduces eq. 28 at any b, and the sum over components the whole mass', () => {
  const s = ngc6278Spec();
  const light = { surf: s.light.surf, sigma: s.light.sigma, qobs: s.light.qobs };
  const x = [0, 1.5, -4, 9, 20];
  const y = [0, 2, -1, 6, -3];
  const inc = 66;
  // Two mass components: the inner three Gaussians and the outer three (amplitudes 1 and 2).
  const beta = [-0.3, -0.3, 0.2, 0.2, 0.2, 0.35];
  const group = [0, 0, 1, 1, 1, 2];
  const potMge = { ...light, surf: light.surf.map((v, k) => (k < 3 ? v : 2 * v)) };
  const ref = vrms2Direct(prepareModel({ mgeLum: light, mgePot: potMge, incDeg: inc, beta, distanceMpc: s.distanceMpc }), x, y);
  const unit = prepareModel({ mgeLum: light, mgePot: light, incDeg: inc, beta: 0, distanceMpc: s.distanceMpc });
  const kernel = prepareBasisKernel(unit.lumDeproj, unit.potDeproj, group, 3, [0, 0, 0, 1, 1, 1], 2, inc, 48, 25 * unit.pcPerArcsec);
  const maps = losBasisMoments(kernel, x.map((v) => v * unit.pcPerArcsec), y.map((v) => v * unit.pcPerArcsec));
  const sb = mgeSurfaceDensity(light, x, y);
  const b = [1 / 1.3, 1 / 0.8, 1 / 0.65];
  const amp = [1, 2];
  for (let i = 0; i < x.length; i++) {
    let v = 0;
    for (let g = 0; g < 3; g++) for (let c = 0; c < 2; c++) v += amp[c] * (maps[((g * 2 + c) * 2) * x.length + i] + b[g] * maps[((g * 2 + c) * 2 + 1) * x.length + i]);
    assert.ok(Math.abs(v / sb[i] / ref[i] - 1) < 1e-7, `point ${i}: ${v / sb[i]} vs ${ref[i]}`);
  }
});

test('the interpolation variable: t <-> i round trip; the deprojection limit; stencil weights reproduce a quintic exactly', () => {
  const q = 0.55;
  for (const i of [60, 75, 89.9, 90]) assert.ok(Math.abs(incOfT(q, tOfInc(q, i)) - i) < 1e-9, `${i}`);
  const lim = deprojectionLimitDeg(q);
  const c = Math.cos((lim * Math.PI) / 180);
  assert.ok(Math.abs(Math.hypot(c, 0.05 * Math.sin((lim * Math.PI) / 180)) - q) < 1e-12, 'q\' = hypot(cos i, 0.05 sin i) at the limit');
  assert.ok(Number.isNaN(tOfInc(q, 50)), 'no t below cos i = q\'');
  const tab = { t0: -1, t1: 2, nNodes: 13, incLo: 0, incHi: 1 };
  const w = new Float64Array(STENCIL);
  const f = (t: number) => 1 + t - 2 * t ** 2 + 0.5 * t ** 3 - 0.1 * t ** 5;
  for (const t of [-1, -0.93, 0.1, 1.97, 2]) {
    const s0 = stencilAt(tab, t, w);
    let v = 0;
    for (let m = 0; m < STENCIL; m++) v += w[m] * f(-1 + ((s0 + m) * 3) / 12);
    assert.ok(Math.abs(v - f(t)) < 1e-12, `t = ${t}: ${v} vs ${f(t)}`);
  }
  assert.throws(() => stencilAt(tab, 2.1, w), /inc_deg/);
});

test('the adaptive build halves the spacing until the midpoint check meets the tolerance, and reports the error it measured', () => {
  // A one-bin, one-component "basis" whose P is a known smooth function of the inclination.
  const q = 0.6;
  const basis = ({ incDeg: inc }: { incDeg: number }) => Float64Array.of(1 + 0.5 * Math.sin((3 * inc * Math.PI) / 180) ** 2 / intrinsic(q, inc), 0);
  const loose = buildTablePatch(basis, q, deprojectionLimitDeg(q) + 1e-6, 90, undefined, { tol: 1e-3, nGroups: 1, nComps: 1, nbins: 1, bRange: [0.7, 1.7] });
  const tight = buildTablePatch(basis, q, deprojectionLimitDeg(q) + 1e-6, 90, undefined, { tol: 1e-8, nGroups: 1, nComps: 1, nbins: 1, bRange: [0.7, 1.7] });
  assert.ok(tight.nNodes > loose.nNodes, `${tight.nNodes} > ${loose.nNodes}`);
  assert.ok(loose.maxError <= 1e-3 && tight.maxError <= 1e-8);
  assert.throws(() => buildTablePatch(basis, q, 60, 90, undefined, { tol: 1e-17, maxNodes: 50, nGroups: 1, nComps: 1, nbins: 1, bRange: [0.7, 1.7] }), /table_tol: 1e-17 not reached/);
});

function intrinsic(q: number, inc: number): number {
  const c = Math.cos((inc * Math.PI) / 180);
  return Math.sqrt(q * q - c * c) / Math.sin((inc * Math.PI) / 180);
}

test('anisotropy groups: Gaussians by sigma; radii that are not increasing or leave a group empty are refused naming beta_groups', () => {
  assert.deepEqual(Array.from(anisotropyGroups({ sigma: [0.5, 1, 3, 10] }, [2])), [0, 0, 1, 1]);
  assert.deepEqual(Array.from(anisotropyGroups({ sigma: [0.5, 1, 3, 10] }, [0.7, 5])), [0, 1, 1, 2]);
  assert.throws(() => anisotropyGroups({ sigma: [0.5, 1, 3] }, [2, 1]), (e: unknown) => e instanceof InputError && /beta_groups/.test(e.message));
  assert.throws(() => anisotropyGroups({ sigma: [0.5, 1, 3] }, [5]), /group 2/);
});

test('the tabulated engine refuses what it does not tabulate (qm with a halo; qm with sph) naming the field', () => {
  assert.throws(() => buildFitProblem(ngc6278Spec({ massModel: 'qm', halo: 'nfw', engine: 'tabulated' })), /^InputError: halo|halo/);
  assert.throws(() => buildFitProblem(ngc6278Spec({ massModel: 'qm', align: 'sph', engine: 'tabulated' })), (e: unknown) => e instanceof InputError && e.where === 'mass_model');
});

test('the parallel table build (2 piscina threads) gives the serial table to the last bit, and buildFitProblem then reuses it', async () => {
  const spec = { ...randomGalaxySpec(4, 6, 0.6, {}, 6, 3), engine: 'tabulated' as const };
  const serial = buildFitProblem(spec).table!;
  const parallel = (await prepareInParallel({ ...spec, source: 'parallel' }, 2)) as typeof serial;
  assert.equal(parallel.nodes, serial.nodes);
  assert.deepEqual(parallel.patches.map((p) => p.values), serial.patches.map((p) => p.values));
  const again = buildFitProblem({ ...spec, source: 'parallel' });
  assert.equal(again.table, parallel, 'the remembered preparation, not a rebuilt one');
});

test('the error measure takes its scale from the physical models: a b range whose end gives V^2 <= 0 at a bin does not make it infinite', () => {
  // One group, one component, two bins; at bin 1, P + b_hi Q < 0 (an anisotropy the prior's
  // beta_z < 0.7 eps_intr excludes there) while the isotropic P + Q > 0.
  const exact = Float64Array.of(1, 1, 0.5, -0.9); // P = [1, 1], Q = [0.5, -0.9]
  const approx = Float64Array.of(1 + 1e-7, 1, 0.5, -0.9 + 1e-7);
  const e = errorMeasure(exact, approx, { nGroups: 1, nComps: 1, nbins: 2, bRange: [0.7, 1.7] });
  assert.ok(Number.isFinite(e) && e > 0 && e < 1e-5, `${e}`);
});
