/**
 * NGC 6278 two ways: the CALIFA FITS spaxel table and DYNAMITE's ECSV + bins.dat + aperture.dat
 * (made from that FITS file by DYNAMITE's data preparation) must give the same 152 bins. This
 * checks both readers, the bins.dat pixel order and id mapping, and the orientation convention
 * (against the galaxy itself: its velocity gradient and light distribution).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAperture, parseBins, pixelCentre } from '../../src/data/dynamite.ts';
import { findHdu, readColumn, readFits } from '../../src/data/fits.ts';
import { orientKinematics } from '../../src/data/kinematics-build.ts';
import { readKinematics } from '../../src/data/kinematics.ts';
import { toGalaxyFrame } from '../../src/data/orientation.ts';
import { readText } from '../../src/data/table.ts';

const DIR = 'fixtures/ngc6278';
const FITS = `${DIR}/NGC6278_stellar_kin.fits`;
const ECSV = `${DIR}/gauss_hermite_kins.ecsv`;
// The ECSV stores V, sigma and errors with 4 decimals: rounding leaves up to 5e-5 km/s.
const ROUND = 1e-4;

const fitsKin = readKinematics(FITS, { centres: 'mean' });
const dynKin = readKinematics(ECSV);

test('every bins.dat pixel carries the BIN_ID of the CALIFA spaxel at the same position (x fastest, ids = BIN_ID)', () => {
  const ap = parseAperture(readText(`${DIR}/aperture.dat`), 'aperture.dat');
  const ids = parseBins(readText(`${DIR}/bins.dat`), 'bins.dat', ap.nx * ap.ny);
  const f = readFits(FITS);
  const hdu = findHdu(f, 'STEKIN_UNBIN3');
  const col = (n: string) => readColumn(f, hdu, n).values as Float64Array;
  const X = col('X');
  const Y = col('Y');
  const B = col('BIN_ID');
  const byPos = new Map<string, number>();
  for (let r = 0; r < X.length; r++) byPos.set(`${X[r]},${Y[r]}`, B[r] >= 0 ? B[r] : 0);
  let checked = 0;
  for (let k = 0; k < ids.length; k++) {
    const [x, y] = pixelCentre(ap, k);
    const want = byPos.get(`${x},${y}`);
    assert.notEqual(want, undefined, `pixel ${k} at (${x}, ${y}) has no spaxel`);
    assert.equal(ids[k], want, `pixel ${k} at (${x}, ${y})`);
    checked++;
  }
  assert.equal(checked, 3016);
  // And no binned spaxel lies outside the grid.
  let binned = 0;
  for (const b of B) if (b >= 0) binned++;
  assert.equal(binned, ids.filter((i) => i > 0).length);
});

test('FITS and DYNAMITE give the same 152 bins: ids, positions (before and after the PA), sigma and errors', () => {
  assert.equal(fitsKin.x.length, 152);
  assert.equal(dynKin.x.length, 152);
  assert.deepEqual([...fitsKin.binId!], [...dynKin.binId!]);
  assert.deepEqual([...dynKin.binId!], Array.from({ length: 152 }, (_, i) => i + 1));
  const pa = dynKin.meta.paDeg!;
  assert.equal(pa, -54);
  const fg = orientKinematics(fitsKin, { paDeg: pa });
  const dg = orientKinematics(dynKin, { paDeg: pa });
  let worst = 0;
  let worstRot = 0;
  for (let i = 0; i < 152; i++) {
    worst = Math.max(worst, Math.hypot(fitsKin.x[i] - dynKin.x[i], fitsKin.y[i] - dynKin.y[i]));
    worstRot = Math.max(worstRot, Math.hypot(fg.x[i] - dg.x[i], fg.y[i] - dg.y[i]));
  }
  // Both are means of the same integer-arcsec pixel centres: equal to rounding.
  assert.ok(worst < 1e-12 && worstRot < 1e-12, `positions differ by ${worst}, ${worstRot} arcsec`);
  for (const [a, b, name] of [
    [fitsKin.sigma!, dynKin.sigma!, 'sigma'],
    [fitsKin.vErr!, dynKin.vErr!, 'dv'],
    [fitsKin.sigmaErr!, dynKin.sigmaErr!, 'dsigma'],
  ] as const) {
    for (let i = 0; i < 152; i++) assert.ok(Math.abs(a[i] - b[i]) <= ROUND, `${name} bin ${i + 1}: ${a[i]} vs ${b[i]}`);
  }
});

test('V: the FITS V minus its estimated V_sys equals the ECSV V up to one constant, DYNAMITE V_sys - ours', () => {
  const vs = fitsKin.meta.vsys!;
  assert.equal(vs.method, 'estimated');
  // Reference: numpy's np.average(V, weights=dV**-2) over the 152 bins = 2864.5964317318276.
  assert.ok(Math.abs(vs.kms - 2864.5964317318276) < 1e-9, `${vs.kms}`);
  assert.deepEqual(dynKin.meta.vsys, { kms: 0, method: 'removed upstream' });
  const d = Array.from({ length: 152 }, (_, i) => fitsKin.v![i] - dynKin.v![i]);
  const c = d.reduce((a, b) => a + b, 0) / 152;
  for (let i = 0; i < 152; i++) assert.ok(Math.abs(d[i] - c) <= ROUND, `bin ${i + 1}: V offset ${d[i]} vs mean ${c}`);
  // DYNAMITE removed 2864.4206 km/s; our estimate is 0.18 km/s higher (0.1% of a typical V_rms).
  assert.ok(Math.abs(c) < 0.5, `offset ${c}`);
  const dynVsys = vs.kms + c; // c = (V - ours) - (V - theirs)
  assert.ok(Math.abs(dynVsys - 2864.4206) < 1e-3, `${dynVsys}`);
  // Given DYNAMITE's value, the FITS route reproduces the ECSV V and then V_rms.
  const same = readKinematics(FITS, { centres: 'mean', vsys: dynVsys });
  for (let i = 0; i < 152; i++) {
    assert.ok(Math.abs(same.v![i] - dynKin.v![i]) <= ROUND, `bin ${i + 1}`);
    assert.ok(Math.abs(same.vrms[i] - dynKin.vrms[i]) <= ROUND, `vrms bin ${i + 1}`);
  }
});

test('orientation on the galaxy: with PA from aperture.dat, x is the kinematic and the photometric major axis', () => {
  const g = orientKinematics(fitsKin, { paDeg: dynKin.meta.paDeg! });
  // Least-squares plane V = a + b x' + c y' over the bins: the gradient lies along +x'.
  let sxx = 0, sxy = 0, syy = 0, sxv = 0, syv = 0, sx = 0, sy = 0, sv = 0;
  const n = g.x.length;
  for (let i = 0; i < n; i++) {
    sx += g.x[i]; sy += g.y[i]; sv += g.v![i];
  }
  const mx = sx / n, my = sy / n, mv = sv / n;
  for (let i = 0; i < n; i++) {
    const x = g.x[i] - mx, y = g.y[i] - my, v = g.v![i] - mv;
    sxx += x * x; sxy += x * y; syy += y * y; sxv += x * v; syv += y * v;
  }
  const det = sxx * syy - sxy * sxy;
  const b = (syy * sxv - sxy * syv) / det;
  const c = (sxx * syv - sxy * sxv) / det;
  const kinAngle = (Math.atan2(c, b) * 180) / Math.PI;
  // Measured: -0.05 deg from x' (slope +10.9 km/s per arcsec). A wrong PA sign puts it near -108 deg.
  assert.ok(Math.abs(kinAngle) < 5, `velocity gradient at ${kinAngle} deg from x'`);
  // Flux-weighted second moments of the binned spaxels within 20": major axis along x'.
  const f = readFits(FITS);
  const hdu = findHdu(f);
  const col = (name: string) => readColumn(f, hdu, name).values as Float64Array;
  const B = col('BIN_ID');
  const F = col('FLUX');
  const r = toGalaxyFrame(col('X'), col('Y'), { paDeg: dynKin.meta.paDeg! });
  let ixx = 0, iyy = 0, ixy = 0;
  for (let k = 0; k < B.length; k++) {
    if (!(B[k] >= 0) || Math.hypot(r.x[k], r.y[k]) >= 20) continue;
    ixx += F[k] * r.x[k] ** 2; iyy += F[k] * r.y[k] ** 2; ixy += F[k] * r.x[k] * r.y[k];
  }
  const photAngle = (0.5 * Math.atan2(2 * ixy, ixx - iyy) * 180) / Math.PI;
  // Measured: -2.4 deg (isophotes of an S0 twist a little inwards; 17 deg within 5").
  assert.ok(ixx > iyy && Math.abs(photAngle) < 5, `light major axis at ${photAngle} deg from x'`);
});

test("the table's XBIN/YBIN are not its spaxels' centres for 41 outer bins (up to 3.06\", bin 150)", () => {
  const note = fitsKin.meta.notes.find((s) => s.startsWith('XBIN, YBIN of'));
  assert.ok(note && /of 41 bins .*at most 3\.06", bin 150/.test(note), note);
  const file = readKinematics(FITS, { centres: 'file' });
  const k = 149; // bin 150
  assert.equal(file.binId![k], 150);
  assert.ok(Math.abs(file.x[k] - 9.3333) < 1e-3 && Math.abs(fitsKin.x[k] - 12.09375) < 1e-9);
  // The default (flux-weighted) centres stay within the bins: within 2" of the plain mean here.
  const fw = readKinematics(FITS);
  for (let i = 0; i < 152; i++) assert.ok(Math.hypot(fw.x[i] - fitsKin.x[i], fw.y[i] - fitsKin.y[i]) < 2);
  assert.ok(fw.flux!.every((v) => v > 0));
  // Bin flux = the sum of FLUX over the bin's spaxels (summed here independently).
  const f = readFits(FITS);
  const hdu = findHdu(f);
  const B = readColumn(f, hdu, 'BIN_ID').values as Float64Array;
  const F = readColumn(f, hdu, 'FLUX').values as Float64Array;
  const sum = new Float64Array(153);
  for (let r = 0; r < B.length; r++) if (B[r] >= 1) sum[B[r]] += F[r];
  for (let i = 0; i < 152; i++) assert.ok(Math.abs(fw.flux![i] - sum[i + 1]) <= 1e-12 * sum[i + 1], `flux bin ${i + 1}`);
});
