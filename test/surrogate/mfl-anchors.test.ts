/**
 * Exact anchors of the multi-component surrogate (src/surrogate/mfl/anchors.ts):
 *  - at an anchor's inclination the corrected maps ARE the exact P and Q (mflMaps), whatever the
 *    network says there; between anchors the correction is the Chebyshev-Lobatto polynomial in t
 *    (checked against a direct Lagrange evaluation of the stored errors);
 *  - the smoothed maps (the engine's basis) equal the anchored maps at their Chebyshev nodes;
 *  - on galaxies of the training family (drawn with a seed the training set never used), at
 *    inclinations between the anchors, the anchored maps are closer to the exact JAM than the
 *    network alone: the median over galaxies of the map's largest error falls (measured: by ~10x
 *    with 7 anchors on 120 held-out galaxies, src/surrogate/mfl/README.md); a correction with a
 *    wrong sign or a dropped weight makes it larger.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { deprojectionLimitDeg, incOfT, tOfInc } from '../../src/jam/deproject.ts';
import { drawFamilyGalaxy } from '../../src/photometry/galaxy-family.ts';
import { inHalfLightUnits } from '../../src/photometry/half-light.ts';
import { mgeSurfaceDensity } from '../../src/photometry/mge.ts';
import { SHIPPED_MGE_DIR } from '../../src/engines/surrogate-mge.ts';
import { thetaLogRGrid } from '../../src/surrogate/grid.ts';
import { anchoredMaps, mflAnchors, smoothedAt, smoothedMaps } from '../../src/surrogate/mfl/anchors.ts';
import { fitRange, projectedMaps } from '../../src/surrogate/mfl/beta-projection.ts';
import { loadMflSurrogate, mflPrepare } from '../../src/surrogate/mfl/model.ts';
import { mflMaps } from '../../src/surrogate/simulate/mfl-model.ts';

const s = loadMflSurrogate(SHIPPED_MGE_DIR);
const grid = thetaLogRGrid(s.manifest.grid);
const nG = grid.x.length;

function galaxy(seed: number) {
  // Seed 7: the training set (seed 1) and the held-out set (seed 2) never drew these.
  const mge = inHalfLightUnits(drawFamilyGalaxy(7, seed).mge, 'family').mge;
  const g = mflPrepare(s, mge);
  const lo = deprojectionLimitDeg(g.qMin) + 1e-6;
  return { mge, g, lo, fitHi: fitRange(s, g, lo, 90) };
}

test('at the anchors the maps are exact; between them the correction is the Lobatto polynomial in t', () => {
  const { mge, g, lo, fitHi } = galaxy(1);
  const a = mflAnchors(s, g, mge, lo, 90, fitHi, 5);
  // An interior anchor: exact there (the network alone is not).
  const inc = incOfT(g.qMin, a.t[2]);
  const exact = mflMaps(mge, inc, grid.x, grid.y, 24);
  const m = anchoredMaps(s, g, a, inc, fitHi);
  const net = projectedMaps(s, g, inc, fitHi);
  let worst = 0;
  let netWorst = 0;
  for (let j = 0; j < nG; j++) {
    const scale = Math.abs(exact[j]) + Math.abs(exact[nG + j]);
    worst = Math.max(worst, (Math.abs(m.P[j] - exact[j]) + Math.abs(m.Q[j] - exact[nG + j])) / scale);
    netWorst = Math.max(netWorst, (Math.abs(net.P[j] - exact[j]) + Math.abs(net.Q[j] - exact[nG + j])) / scale);
  }
  // incOfT(t) recovers the anchor's inclination to rounding: the weights are a unit vector up to ~1e-12.
  assert.ok(worst < 1e-8, `anchored vs exact at an anchor: ${worst}`);
  assert.ok(netWorst > 1e-4, `the network alone is not exact there (${netWorst}), so the check above can fail`);
  // Between anchors: the correction equals Lagrange interpolation of the stored errors in t.
  const tq = 0.3 * a.t[1] + 0.7 * a.t[2];
  const incQ = incOfT(g.qMin, tq);
  const got = anchoredMaps(s, g, a, incQ, fitHi);
  const base = projectedMaps(s, g, incQ, fitHi);
  const tt = tOfInc(g.qMin, incQ);
  const L = Array.from(a.t, (tk, k) => Array.from(a.t).reduce((p, tm, mm) => (mm === k ? p : (p * (tt - tm)) / (tk - tm)), 1));
  let diff = 0;
  for (const j of [0, 100, 500, nG - 1]) {
    const want = base.P[j] + L.reduce((acc, l, k) => acc + l * a.P[k][j], 0);
    diff = Math.max(diff, Math.abs(got.P[j] - want) / (Math.abs(want) + 1e-30));
  }
  assert.ok(diff < 1e-10, `barycentric vs Lagrange: ${diff}`);
});

test('on family galaxies between the anchors, 7 anchors cut the largest map error of the network alone', () => {
  const rng = new Rng('mfl-anchors-test:inc');
  const withA: number[] = [];
  const alone: number[] = [];
  for (let k = 0; k < 8; k++) {
    const { mge, g, lo, fitHi } = galaxy(100 + k);
    const a = mflAnchors(s, g, mge, lo, 90, fitHi, 7);
    const inc = lo + (90 - lo) * rng.uniform();
    const exact = mflMaps(mge, inc, grid.x, grid.y, 24);
    const sb = mgeSurfaceDensity(mge, grid.x, grid.y);
    const maxErr = (m: { P: ArrayLike<number>; Q: ArrayLike<number> }) => {
      let mx = 0;
      for (let j = 0; j < nG; j++) if (sb[j] >= s.manifest.floor) mx = Math.max(mx, Math.abs(Math.sqrt(Math.max(m.P[j] + m.Q[j], 0) / (exact[j] + exact[nG + j])) - 1));
      return mx;
    };
    withA.push(maxErr(anchoredMaps(s, g, a, inc, fitHi)));
    alone.push(maxErr(projectedMaps(s, g, inc, fitHi)));
  }
  const med = (x: number[]) => x.slice().sort((p, q) => p - q)[x.length >> 1];
  assert.ok(med(withA) < 0.5 * med(alone), `median map max: anchored ${med(withA)}, network alone ${med(alone)}`);
  assert.ok(med(withA) < 0.01, `median map max with 7 anchors ${med(withA)}`);
});

test('smoothed maps: the anchored maps at the Chebyshev nodes of t, the polynomial through them between', () => {
  const { mge, g, lo, fitHi } = galaxy(3);
  const a = mflAnchors(s, g, mge, lo, 90, fitHi, 7);
  const c = smoothedMaps(s, g, a, lo, 90, fitHi, 9);
  for (const k of [0, 4, 8]) {
    const inc = k === 0 ? lo : k === 8 ? 90 : incOfT(g.qMin, c.t[k]);
    const want = anchoredMaps(s, g, a, inc, fitHi);
    const got = smoothedAt(s, c, inc);
    let d = 0;
    for (let j = 0; j < nG; j++) d = Math.max(d, Math.abs(got.P[j] - want.P[j]) / (Math.abs(want.P[j]) + Math.abs(want.Q[j])));
    assert.ok(d < 1e-8, `node ${k}: ${d}`);
  }
  // Between nodes: within the anchored maps' own accuracy of them (the network's wiggles are what
  // the polynomial leaves out), not far off.
  const inc = incOfT(g.qMin, 0.5 * (c.t[2] + c.t[3]));
  const want = anchoredMaps(s, g, a, inc, fitHi);
  const got = smoothedAt(s, c, inc);
  let d = 0;
  for (let j = 0; j < nG; j++) d = Math.max(d, Math.abs(got.P[j] + got.Q[j] - want.P[j] - want.Q[j]) / Math.abs(want.P[j] + want.Q[j]));
  assert.ok(d < 0.01, `midpoint: ${d}`);
});

test('anchors: K outside [2, 12] and an empty range are refused', () => {
  const { mge, g, lo, fitHi } = galaxy(2);
  assert.throws(() => mflAnchors(s, g, mge, lo, 90, fitHi, 1), /K is 1/);
  assert.throws(() => mflAnchors(s, g, mge, 80, 70, fitHi, 5), /empty/);
});
