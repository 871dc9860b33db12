/**
 * Image degradations: zero settings are the identity; a PSF blur conserves the light of a
 * source far from the edges and widens it by the expected sigma; pixel noise has the requested
 * standard deviation in dex; a sky residual adds a constant to the linear surface brightness;
 * a 90-degree rotation maps the major axis onto the minor axis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { degrade } from '../../src/surrogate/augment.ts';
import { Rng } from '../../samplers/rng.ts';

const N = 32;
const NONE = { paDeg: 0, shiftX: 0, shiftY: 0, psfPx: 0, sky: 0, noiseDex: 0 };
// A Gaussian blob (sigma 2 px, elongated along x by 1.5) centred on the image centre, log10 units.
function blob(sx = 3, sy = 2): Float32Array {
  const m = (N - 1) / 2;
  return Float32Array.from({ length: N * N }, (_, i) => Math.log10(Math.exp(-0.5 * (((i % N) - m) / sx) ** 2 - 0.5 * ((Math.floor(i / N) - m) / sy) ** 2) + 1e-6));
}
const lin = (a: Float32Array) => Array.from(a, (v) => 10 ** v);
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const second = (a: number[], axis: 0 | 1) => {
  const m = (N - 1) / 2;
  return sum(a.map((v, i) => v * ((axis === 0 ? i % N : Math.floor(i / N)) - m) ** 2)) / sum(a);
};

test('zero degradation is the identity (float32 round trip of 10^x and log10)', () => {
  const img = blob();
  const out = degrade(img, N, NONE, new Rng(1));
  for (let i = 0; i < img.length; i++) assert.ok(Math.abs(out[i] - img[i]) < 1e-6);
});

test('PSF blur conserves the light and adds sigma^2 to the second moments', () => {
  const img = blob();
  const out = lin(degrade(img, N, { ...NONE, psfPx: 1.5 }, new Rng(1)));
  const inp = lin(img);
  // The blob's wings at the edge are < 1e-10 of its peak, so edge clamping costs nothing here.
  assert.ok(Math.abs(sum(out) / sum(inp) - 1) < 1e-4);
  // Gaussian * Gaussian: variances add (discrete kernel, so 2% tolerance).
  assert.ok(Math.abs(second(out, 0) - (second(inp, 0) + 2.25)) < 0.05 * 2.25);
  assert.ok(Math.abs(second(out, 1) - (second(inp, 1) + 2.25)) < 0.05 * 2.25);
});

test('pixel noise has the requested sigma in dex; sky adds a constant to the linear image', () => {
  const img = new Float32Array(N * N).fill(0);
  const out = degrade(img, N, { ...NONE, noiseDex: 0.05 }, new Rng(3));
  const sd = Math.sqrt(sum(Array.from(out, (v) => v * v)) / out.length);
  // 1024 pixels: the sample sd is within ~3 x 0.05 / sqrt(2048) = 0.0033 of 0.05.
  assert.ok(Math.abs(sd - 0.05) < 0.004, `sd ${sd}`);
  const sky = degrade(img, N, { ...NONE, sky: 0.25 }, new Rng(3));
  for (const v of sky) assert.ok(Math.abs(10 ** v - 1.25) < 1e-6);
});

test('a 90-degree position-angle error swaps the second moments', () => {
  const img = blob(3, 2);
  const out = lin(degrade(img, N, { ...NONE, paDeg: 90 }, new Rng(1)));
  const inp = lin(img);
  assert.ok(Math.abs(second(out, 0) - second(inp, 1)) < 0.02 * second(inp, 1));
  assert.ok(Math.abs(second(out, 1) - second(inp, 0)) < 0.02 * second(inp, 0));
});

test('a 30-degree rotation and a shift resample the analytic image (bilinear accuracy)', () => {
  const m = (N - 1) / 2;
  const f = (x: number, y: number) => Math.exp(-0.5 * (x / 4) ** 2 - 0.5 * (y / 3) ** 2);
  const img = Float32Array.from({ length: N * N }, (_, i) => Math.log10(f((i % N) - m, Math.floor(i / N) - m)));
  const ang = (30 * Math.PI) / 180;
  const out = degrade(img, N, { ...NONE, paDeg: 30, shiftX: 1.5, shiftY: -0.5 }, new Rng(1));
  // Output pixel (x, y) samples the input at R(ang) (x - dx, y - dy) (augment.ts resample).
  for (let iy = 4; iy < N - 4; iy++) {
    for (let ix = 4; ix < N - 4; ix++) {
      const x = ix - m - 1.5;
      const y = iy - m + 0.5;
      const want = f(Math.cos(ang) * x + Math.sin(ang) * y, -Math.sin(ang) * x + Math.cos(ang) * y);
      if (want < 0.3) continue; // core only: in the wings f"/f, hence the bilinear error, grows
      // Bilinear error ~ (1/8) f''/f h^2 <= 1/(8 * 3^2) ~ 1.4% for sigma >= 3 px: 3% bound.
      assert.ok(Math.abs(10 ** out[iy * N + ix] / want - 1) < 0.03, `pixel ${ix},${iy}`);
    }
  }
});
