/**
 * PSF + pixel convolution (jamVrms2 with psf / pixsize, i.e. W . V_rms^2(polar grid)) against
 * brute-force integrals of the exact model (test/helpers/brute-psf.ts: log-polar quadrature
 * resolving the nucleus, Gauss-Legendre over the pixel; no convolution grid, no erf). The brute
 * force at the settings used here, measured against twice the resolution in every direction
 * (radial panels, angles, sub-pixel nodes): max |dV_rms/V_rms| 1.3e-7 (edge_n4), 2.0e-6
 * (random_03, two Gaussians + 1" pixel), 1.1e-6 (0.3" PSF + 2" pixel), 2e-11 (two Gaussians, no
 * pixel); the pixel-only quadtree 6.7e-7. All far below the tolerances.
 *
 * Two kinds of setup:
 *  - the original bar at the default settings (every bin within 1%, median 0.2%), bins along and
 *    off the axes out to 12";
 *  - setups where the pixel and its orientation matter: 2" pixels against a 0.3" PSF (or no PSF),
 *    rotated by 30 deg, bins off the axes within 2.5" of the nucleus, so that dropping the pixel,
 *    or flipping the sign of pixang (equivalently mirroring the pixel), moves V_rms by several
 *    times the tolerance (checked below with the library itself); and a two-Gaussian PSF without
 *    a pixel, where the relative normalisation of the Gaussians matters. These use a finer
 *    convolution step than the default (measured library error 1.5e-4 at sigma/8 vs 9e-4 at the
 *    default sigma/4 for the 0.3" + 2" case; 1e-3 at pixsize/32 vs 6e-3 at the default pixsize/16
 *    for the pixel alone), so the tolerances can sit well below the effects they guard.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vrms2Direct } from '../../src/jam/direct.ts';
import { jamVrms2, type JamOptions } from '../../src/jam/jam.ts';
import { prepareModel } from '../../src/jam/model.ts';
import { bruteForcePixel, bruteForcePsf } from '../helpers/brute-psf.ts';
import { loadReferenceCases } from '../helpers/reference-cases.ts';

const bx = [0, 0.3, 0, 0.7, 1.5, 0, 2.2, 3, 5, 0, -4, 6, 8, 1, 12, 0];
const by = [0, 0, 0.3, 0.4, 0, 1.5, 1.9, 0.5, 0, 5, 3, -6, 2, 9, 0, 12];
// Off-axis bins near the nucleus, at position angles 15..75 deg.
const ox = [0.6, 1.2, 0.9, 2.0, 1.6, 0.5, 1.1, 0.3, 1.3];
const oy = [0.4, 0.7, 1.3, 1.1, 2.2, 0.9, 0.3, 1.1, 1.0];

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => Math.abs(Math.sqrt(v / b[i]) - 1));
const model = (name: string) => prepareModel(loadReferenceCases().find((r) => r.name === name)!.params);

const defaults = [
  { name: 'edge_n4', psf: { sigma: [1.0], weight: [1] }, pixsize: 0.5, pixang: 0 },
  { name: 'edge_small_R_n4', psf: { sigma: [1.0], weight: [1] }, pixsize: 0.5, pixang: 10 },
  { name: 'random_03', psf: { sigma: [0.6, 1.8], weight: [0.7, 0.3] }, pixsize: 1.0, pixang: 30 },
];

for (const s of defaults) {
  test(`PSF convolution matches brute force at default settings: ${s.name}, psf ${s.psf.sigma.join('+')}", pixel ${s.pixsize}" at ${s.pixang} deg`, () => {
    const m = model(s.name);
    const lib = jamVrms2(m, bx, by, { psf: s.psf, pixsize: s.pixsize, pixang: s.pixang });
    const bf = bruteForcePsf(m, bx, by, { psfSigma: s.psf.sigma, psfWeight: s.psf.weight, pixsize: s.pixsize, pixang: s.pixang, rMax: 30, radPanels: 24, nAng: 128, subpix: 8 });
    const err = relErr(lib, bf).sort((a, b) => a - b);
    const effect = Math.max(...relErr(bf, vrms2Direct(m, bx, by)));
    assert.ok(err[err.length - 1] < 0.01, `max error ${err[err.length - 1]}`);
    assert.ok(err[err.length >> 1] < 0.002, `median error ${err[err.length >> 1]}`);
    assert.ok(effect > 0.05, `the PSF must change V_rms noticeably (max effect ${effect})`);
  });
}

test('a 2" pixel rotated by 30 deg under a 0.3" PSF: pixel size and orientation both matter', () => {
  const m = model('edge_small_R_n4');
  const psf = { sigma: [0.3], weight: [1] };
  const o: JamOptions = { psf, pixsize: 2, pixang: 30, step: 0.0375 };
  const bf = bruteForcePsf(m, ox, oy, { psfSigma: psf.sigma, psfWeight: psf.weight, pixsize: 2, pixang: 30, rMax: 8, radPanels: 24, nAng: 128, subpix: 8 });
  const tol = 5e-4; // measured library error 1.5e-4 at this step
  const err = relErr(jamVrms2(m, ox, oy, o), bf);
  assert.ok(Math.max(...err) < tol, `max error ${Math.max(...err)}`);
  // The setup can tell: the mirrored pixel and no pixel each miss by far more than the tolerance.
  const flipped = Math.max(...relErr(jamVrms2(m, ox, oy, { ...o, pixang: -30 }), bf));
  const noPixel = Math.max(...relErr(jamVrms2(m, ox, oy, { ...o, pixsize: 0 }), bf));
  assert.ok(flipped > 5 * tol, `pixang sign moves V_rms by ${flipped}`);
  assert.ok(noPixel > 20 * tol, `the pixel moves V_rms by ${noPixel}`);
});

test('a two-Gaussian PSF without a pixel: the Gaussians enter with their own weights and unit integrals', () => {
  const m = model('random_03');
  const psf = { sigma: [0.4, 1.5], weight: [0.6, 0.4] };
  const bf = bruteForcePsf(m, ox, oy, { psfSigma: psf.sigma, psfWeight: psf.weight, pixsize: 0, rMax: 16, radPanels: 24, nAng: 128, subpix: 8 });
  const tol = 1e-3;
  const err = relErr(jamVrms2(m, ox, oy, { psf, step: 0.05 }), bf);
  assert.ok(Math.max(...err) < tol, `max error ${Math.max(...err)}`);
  // Swapping the weights must be visible: the test can see a wrong relative normalisation.
  const swapped = Math.max(...relErr(jamVrms2(m, ox, oy, { psf: { sigma: psf.sigma, weight: [0.4, 0.6] }, step: 0.05 }), bf));
  assert.ok(swapped > 5 * tol, `swapping the weights moves V_rms by ${swapped}`);
});

test('a 2" pixel without a PSF is integrated over (pixel-only kernel), orientation included', () => {
  const m = model('edge_small_R_n4');
  const x = ox.slice(0, 6);
  const y = oy.slice(0, 6);
  const bf = bruteForcePixel(m, x, y, 2, 30, 2, 4);
  const tol = 2.5e-3; // measured library error 1.1e-3 at step = pixsize/32 (polar-grid floor ~2e-4)
  const o: JamOptions = { pixsize: 2, pixang: 30, step: 2 / 32 };
  const err = relErr(jamVrms2(m, x, y, o), bf);
  assert.ok(Math.max(...err) < tol, `max error ${Math.max(...err)}`);
  const flipped = Math.max(...relErr(jamVrms2(m, x, y, { ...o, pixang: -30 }), bf));
  const point = Math.max(...relErr(vrms2Direct(m, x, y), bf));
  assert.ok(flipped > 3 * tol, `pixang sign moves V_rms by ${flipped}`);
  assert.ok(point > 10 * tol, `the pixel moves V_rms by ${point}`);
  // At the default step the error is larger (6e-3 measured) but still well under the pixel's effect.
  assert.ok(Math.max(...relErr(jamVrms2(m, x, y, { pixsize: 2, pixang: 30 }), bf)) < 0.01);
});

test('options a mode would not use are refused, naming the option', () => {
  const m = model('edge_n4');
  const psf = { sigma: [1], weight: [1] };
  assert.throws(() => jamVrms2(m, [1], [1], { psf, mode: 'polar' }), /^InputError: mode: is "polar" but a PSF is given/);
  assert.throws(() => jamVrms2(m, [1], [1], { psf, mode: 'direct' }), /mode: is "direct" but a PSF is given/);
  assert.throws(() => jamVrms2(m, [1], [1], { pixsize: 1, mode: 'direct' }), /mode: is "direct" but pixsize > 0 is given/);
  assert.throws(() => jamVrms2(m, [1], [1], { psf, mode: 'bogus' as 'polar' }), /mode: is "bogus"; use "direct" or "polar"/);
  assert.throws(() => jamVrms2(m, [1], [1], { mode: 'bogus' as 'polar' }), /mode: is "bogus"; use "direct" or "polar"/);
  assert.throws(() => jamVrms2(m, [1], [1], { step: 0.1 }), /step: .* applies only with a PSF or pixsize > 0/);
  assert.throws(() => jamVrms2(m, [1], [1], { nrad: 30 }), /nrad: sets the polar grid, which mode "direct" does not use/);
  assert.throws(() => jamVrms2(m, [1], [1], { mode: 'direct', nang: 30 }), /nang: sets the polar grid/);
});

test('zero-weight PSF Gaussians are dropped (their sigma changes nothing); all-zero weights are refused', () => {
  const m = model('edge_n4');
  const x = [0.5, 2, 4];
  const y = [0.2, 1, 0];
  const one = jamVrms2(m, x, y, { psf: { sigma: [1], weight: [1] }, pixsize: 0.5 });
  // Kept, the 0.05" Gaussian would set the default step to 0.0125" and the 9" one the reach.
  const padded = jamVrms2(m, x, y, { psf: { sigma: [0.05, 1, 9], weight: [0, 2, 0] }, pixsize: 0.5 });
  assert.deepEqual(padded, one);
  assert.throws(() => jamVrms2(m, x, y, { psf: { sigma: [1, 2], weight: [0, 0] } }), /psf\.weight: all weights are 0/);
  assert.throws(() => jamVrms2(m, x, y, { psf: { sigma: [1, -2], weight: [1, 0] } }), /psf\.sigma\[1\]: is -2/);
});
