/**
 * The fit likelihood on the real NGC 6278 bins (DYNAMITE ECSV + bins.dat, PA -54 deg, PSF 1.06",
 * 1" pixels, its 6-Gaussian MGE, mass follows light): time per likelihood call (one exact JAM on
 * the 40 x 19 grid, W applied) and the agreement of the operator path with jamVrms2's own PSF
 * path on the same bins. Run: node --import tsx bench/fit-likelihood.ts
 */
import { readKinematics } from '../src/data/kinematics.ts';
import { orientKinematics } from '../src/data/kinematics-build.ts';
import { readPhotometry } from '../src/data/photometry.ts';
import { jamVrms2 } from '../src/jam/jam.ts';
import { buildFitProblem } from '../src/fit/fit-problem.ts';

const kin = orientKinematics(readKinematics('fixtures/ngc6278/gauss_hermite_kins.ecsv'), { paDeg: -54 });
const phot = readPhotometry('fixtures/ngc6278/mge.ecsv');
if (phot.kind !== 'mge') throw new Error('expected an MGE');
const light = { surf: Array.from(phot.mge.surf), sigma: Array.from(phot.mge.sigma), qobs: Array.from(phot.mge.qobs) };
const psf = { sigma: [1.06], weight: [1] };
const t0 = performance.now();
const p = buildFitProblem({
  x: Array.from(kin.x), y: Array.from(kin.y), vrms: Array.from(kin.vrms), err: Array.from(kin.vrmsErr), source: 'ngc6278', light, lightSource: 'mge.ecsv',
  distanceMpc: 39.96, massModel: 'light', mbh: 0, psf, pixsize: 1, mlMode: 'sample', incPrior: 'uniform', ranges: {},
});
const buildMs = performance.now() - t0;
const t = { betaZ: 0.1, qM: 1, incDeg: 70, ml: 5 };
let worst = 0;
for (const q of [t, { ...t, betaZ: -0.2, incDeg: 85 }]) {
  const m = p.like.modelVrms(q);
  const ref = jamVrms2({ mgeLum: light, mgePot: light, incDeg: q.incDeg, beta: q.betaZ, distanceMpc: 39.96, ml: q.ml }, kin.x, kin.y, { psf, pixsize: 1 });
  for (let i = 0; i < m.length; i++) worst = Math.max(worst, Math.abs(m[i] ** 2 / ref[i] - 1));
}
const n = 40;
const t1 = performance.now();
for (let k = 0; k < n; k++) p.like.evaluate({ ...t, incDeg: 70 + 0.1 * k });
const callMs = (performance.now() - t1) / n;
console.log(`bins ${p.used.length}, grid ${p.grid.lnRad.length} x ${p.grid.ang.length} nodes, W built in ${buildMs.toFixed(0)} ms`);
console.log(`operator vs jamVrms2 (PSF path), max |V2/V2_ref - 1| = ${worst.toExponential(2)}`);
console.log(`likelihood call: ${callMs.toFixed(1)} ms (exact JAM at ${p.grid.x.length} nodes + W)`);
