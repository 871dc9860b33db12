/**
 * The canonical image (src/photometry/canonical-image.ts) and the MGE half-light isophote
 * (src/photometry/half-light.ts) it is scaled by.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalImage } from '../../src/photometry/canonical-image.ts';
import { mgeHalfLight } from '../../src/photometry/half-light.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { sersicBn, sersicProfile } from '../../src/photometry/sersic.ts';

test('half-light isophote of a single Gaussian: closed form a = sigma sqrt(2 ln 2), level = surf/2, r_circ = a sqrt(q)', () => {
  for (const q of [1, 0.7, 0.35]) {
    const hl = mgeHalfLight({ surf: [3], sigma: [2.5], qobs: [q] });
    // Bisection stops at 1e-14 in ln(level); the midpoint ray rule is exact for an ellipse to ~1e-14.
    assert.ok(Math.abs(hl.aMajor / (2.5 * Math.sqrt(2 * Math.LN2)) - 1) < 1e-10, `a ${hl.aMajor}`);
    assert.ok(Math.abs(hl.level / 1.5 - 1) < 1e-10, `level ${hl.level}`);
    assert.ok(Math.abs(hl.rCirc / (hl.aMajor * Math.sqrt(q)) - 1) < 1e-10, `rCirc ${hl.rCirc}`);
  }
});

test('half-light isophote of a two-q MGE encloses half the light (brute-force pixel sum)', () => {
  const mge = { surf: [10, 0.8], sigma: [0.3, 2], qobs: [0.9, 0.4] };
  const hl = mgeHalfLight(mge);
  // Independent check: sum Sigma over a fine Cartesian grid where Sigma > level. Pixel 0.004 over
  // +-10 (5 sigma of the widest Gaussian); the isophote boundary cuts ~2 pi a / h pixels, each off
  // by < h * a * level, so the sum is good to ~1e-3 of the half light.
  const h = 0.004;
  let inside = 0;
  let total = 0;
  for (let x = -10 + h / 2; x < 10; x += h) {
    for (let y = -10 + h / 2; y < 10; y += h) {
      let s = 0;
      for (let k = 0; k < 2; k++) s += mge.surf[k] * Math.exp(-(x * x + (y * y) / mge.qobs[k] ** 2) / (2 * mge.sigma[k] ** 2));
      total += s;
      if (s > hl.level) inside += s;
    }
  }
  assert.ok(Math.abs(inside / total - 0.5) < 2e-3, `fraction ${inside / total}`);
  assert.ok(Math.abs((total * h * h) / hl.total - 1) < 1e-4, `total ${total * h * h} vs ${hl.total}`);
  // Sigma at (aMajor, 0) is the level.
  let s = 0;
  for (let k = 0; k < 2; k++) s += mge.surf[k] * Math.exp(-(hl.aMajor ** 2) / (2 * mge.sigma[k] ** 2));
  assert.ok(Math.abs(s / hl.level - 1) < 1e-10);
});

test('R_e and I_e of the MGE of a Sersic (n = 1, 2) match the Sersic R_e = 1, I_e = 1 to the fit error', () => {
  for (const n of [1, 2]) {
    const m = sersicToMge({ n, Re: 1, Ie: 1, qobs: 0.6 });
    const hl = mgeHalfLight(m);
    // A relative profile error e shifts the half-light radius by ~e / (dlnL/dlnR at R_e) < e (the
    // log slope of the enclosed light at R_e exceeds 1 for n <= 2) and I_e by ~(1 + slope) e; the
    // light missing beyond 10 R_e (2.7e-3 for n = 2, < 1e-8 for n = 1) moves R_e by ~1e-3 of that.
    assert.ok(Math.abs(hl.aMajor - 1) < 2 * m.maxRelErr, `n=${n}: a_e ${hl.aMajor}, fit error ${m.maxRelErr}`);
    assert.ok(Math.abs(hl.level - 1) < 3 * m.maxRelErr, `n=${n}: I_e ${hl.level}`);
    assert.ok(Math.abs(hl.rCirc / Math.sqrt(0.6) - hl.aMajor) < 1e-9, 'one q: r_circ = a sqrt(q)');
  }
});

test('a Sersic rendered exactly and its MGE rendered agree within the MGE fit error', () => {
  for (const [n, q] of [[1, 0.5], [2, 0.8]]) {
    const m = sersicToMge({ n, Re: 1, Ie: 1, qobs: q });
    const hl = mgeHalfLight(m);
    const a = canonicalImage({ kind: 'sersic', n, q }).pixels;
    const b = canonicalImage({ kind: 'mge', mge: m }).pixels;
    // Error budget in ln Sigma: the fit error, plus the scale mismatch |a_e - 1| times the steepest
    // log slope in the field, (b_n / n) m^(1/n) at the corner's elliptical radius
    // m = 3 sqrt(1 + 1/q^2), plus |ln I_e|; x 1.5 margin for the pixel average of the fit error.
    const slope = (sersicBn(n) / n) * (3 * Math.sqrt(1 + 1 / q ** 2)) ** (1 / n);
    const tol = (1.5 * (m.maxRelErr + slope * Math.abs(hl.aMajor - 1) + Math.abs(Math.log(hl.level)))) / Math.LN10;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst < tol, `n=${n}: max |diff| ${worst} dex, tolerance ${tol}`);
    assert.ok(worst > 0, 'the two renderers are different code paths');
  }
});

test('frame: major axis on x, row-major iy * N + ix, pixel averages of the exact profile in every quadrant', () => {
  const n = 3;
  const q = 0.5;
  const N = 32;
  const fov = 2.5;
  const img = canonicalImage({ kind: 'sersic', n, q }, { size: N, fov, oversample: 3 });
  const h = (2 * fov) / N;
  // Independent reference: sersicProfile on the elliptical radius, averaged over the same 3 x 3
  // midpoints (the central 4 x 4 pixels use 12 x 12), float32 rounding ~3e-7 on values |v| < 5.
  const expect = (ix: number, iy: number) => {
    const central = Math.abs(ix - N / 2 + 0.5) < 2 && Math.abs(iy - N / 2 + 0.5) < 2;
    const os = central ? 12 : 3;
    const r: number[] = [];
    for (let sy = 0; sy < os; sy++) {
      for (let sx = 0; sx < os; sx++) {
        const x = -fov + ix * h + ((sx + 0.5) * h) / os;
        const y = -fov + iy * h + ((sy + 0.5) * h) / os;
        r.push(Math.hypot(x, y / q));
      }
    }
    const s = sersicProfile(r, { n, Re: 1, Ie: 1 });
    return Math.log10(s.reduce((a, b) => a + b, 0) / s.length);
  };
  for (const [ix, iy] of [[0, 0], [31, 0], [0, 31], [31, 31], [5, 20], [20, 5], [15, 16], [16, 15], [26, 9]]) {
    assert.ok(Math.abs(img.pixels[iy * N + ix] - expect(ix, iy)) < 1e-6, `pixel (${ix}, ${iy}): ${img.pixels[iy * N + ix]} vs ${expect(ix, iy)}`);
  }
  // Symmetric under x -> -x and y -> -y.
  for (let iy = 0; iy < N; iy++) {
    for (let ix = 0; ix < N; ix++) {
      const v = img.pixels[iy * N + ix];
      assert.equal(img.pixels[iy * N + (N - 1 - ix)], v);
      assert.equal(img.pixels[(N - 1 - iy) * N + ix], v);
    }
  }
  // Major axis on x: at the same distance, the pixel on the x axis is brighter than on the y axis.
  const c = N / 2;
  assert.ok(img.pixels[c * N + (c + 8)] > img.pixels[(c + 8) * N + c] + 0.5);
  // Normalisation: ~0 at (R_e, 0): the pixel whose centre is nearest (1, h/2).
  const ix1 = Math.floor((1 + fov) / h);
  assert.ok(Math.abs(img.pixels[c * N + ix1]) < 0.2, `value near R_e ${img.pixels[c * N + ix1]}`);
});

test('scale-free: an MGE scaled in size and brightness renders the same image', () => {
  const m = sersicToMge({ n: 4, Re: 1, Ie: 1, qobs: 0.7 });
  const a = canonicalImage({ kind: 'mge', mge: m });
  const b = canonicalImage({ kind: 'mge', mge: { surf: m.surf.map((s) => s * 340), sigma: m.sigma.map((s) => s * 7.3), qobs: m.qobs } });
  assert.ok(Math.abs(b.re / a.re - 7.3) < 1e-9 && Math.abs(b.ie / a.ie - 340) < 1e-7);
  for (let i = 0; i < a.pixels.length; i++) assert.ok(Math.abs(a.pixels[i] - b.pixels[i]) < 2e-6);
});

test('bad input: one-line InputErrors naming the option', () => {
  assert.throws(() => canonicalImage({ kind: 'sersic', n: 2, q: 1.2 }), /^InputError: q:|q: is 1.2/);
  assert.throws(() => canonicalImage({ kind: 'sersic', n: 2, q: 0.5 }, { size: 4 }), /image\.size/);
  assert.throws(() => canonicalImage({ kind: 'sersic', n: 2, q: 0.5 }, { fov: 0 }), /image\.fov/);
  assert.throws(() => canonicalImage({ kind: 'mge', mge: { surf: [1], sigma: [-1], qobs: [1] } }), /mge\.sigma\[0\]/);
  assert.throws(() => canonicalImage({ kind: 'nope' } as never), /source/);
});
