/**
 * The halo MGE (src/photometry/halo.ts) against analytic profiles: the NFW projected surface
 * density (Bartelmann 1996; Wright & Brainerd 2000, eq. 11) and 3-D enclosed mass, the gNFW
 * enclosed mass (closed forms for gamma = 0, 1, 2 and quadrature for 1.6); mgeMassInSphere against
 * the round closed form, the total-mass limit and a brute-force quadrature of a flattened
 * Gaussian; and bad input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { gnfwMge, haloScaleForFraction, mgeMassInSphere } from '../../src/photometry/halo.ts';
import { intrinsicQ } from '../../src/jam/deproject.ts';

/** NFW surface density / (rho_s r_s) at x = R / r_s (Wright & Brainerd 2000, eq. 11). */
function nfwSigma(x: number): number {
  if (x === 1) return 2 / 3;
  if (x < 1) return (2 / (x * x - 1)) * (1 - (2 / Math.sqrt(1 - x * x)) * Math.atanh(Math.sqrt((1 - x) / (1 + x))));
  return (2 / (x * x - 1)) * (1 - (2 / Math.sqrt(x * x - 1)) * Math.atan(Math.sqrt((x - 1) / (1 + x))));
}

/** gNFW mass inside the sphere r = x r_s, / (rho_s r_s^3): closed forms for gamma = 0, 1, 2. */
function gnfwMassAnalytic(x: number, gamma: number): number {
  const l = Math.log1p(x);
  if (gamma === 1) return 4 * Math.PI * (l - x / (1 + x));
  if (gamma === 0) return 4 * Math.PI * (l + 2 / (1 + x) - 1 / (2 * (1 + x) ** 2) - 1.5);
  if (gamma === 2) return 4 * Math.PI * l;
  throw new Error(`no closed form for gamma ${gamma}`);
}

/**
 * The same by quadrature in s = ln t: 4 pi int t^(3-gamma) (1+t)^(gamma-3) ds from s = -40 (where
 * the integrand is < e^-40) to ln x, a smooth integrand: the midpoint rule with 20000 cells errs by
 * ~h^2 f'/24 at the upper end, ~1e-6 relative (checked against the closed forms in the first
 * test), far below the MGE errors tested with it.
 */
function gnfwMassQuadrature(x: number, gamma: number): number {
  const n = 20000;
  const a = -40;
  const h = (Math.log(x) - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const t = Math.exp(a + (i + 0.5) * h);
    s += t ** (3 - gamma) * (1 + t) ** (gamma - 3);
  }
  return 4 * Math.PI * s * h;
}

const projected = (h: { surf: Float64Array; sigma: Float64Array }, R: number) => {
  let s = 0;
  for (let j = 0; j < h.surf.length; j++) s += h.surf[j] * Math.exp(-(R * R) / (2 * h.sigma[j] ** 2));
  return s;
};

/** Radii 0.1 .. 10 r_s, 8 per decade (x = 1 exactly among them). */
const X = Array.from({ length: 17 }, (_, k) => 10 ** ((k - 8) / 8));

// The model fits the halo from 1/20 of the nearest grid node to 10 times the farthest
// (likelihoods/grid-model.ts); here a grid covering 0.05 .. 20 r_s.
const RANGE = { rMin: 0.05 / 20, rMax: 20 * 10 };

test('the quadrature reference of the gNFW mass equals the closed forms (gamma = 0, 1, 2)', () => {
  for (const g of [0, 1, 2]) for (const x of [0.01, 0.3, 1, 7, 50]) {
    const e = Math.abs(gnfwMassQuadrature(x, g) / gnfwMassAnalytic(x, g) - 1);
    assert.ok(e < 5e-6, `gamma ${g} x ${x}: ${e}`);
  }
});

for (const rs of [1, 7.5]) {
  test(`NFW MGE (r_s = ${rs}): projected surface density and enclosed mass within the stated accuracy at 0.1..10 r_s`, () => {
    const h = gnfwMge(rs, 1, { rMin: RANGE.rMin * rs, rMax: RANGE.rMax * rs });
    assert.ok(h.qobs.every((q) => q === 1));
    let worstS = 0;
    let worstM = 0;
    for (const x of X) {
      // Sigma = 2D MGE with surf = the fit's w_j: checks the 3-D -> 2-D conversion (a wrong
      // factor sqrt(2 pi) sigma would be off by orders of magnitude, not percent).
      worstS = Math.max(worstS, Math.abs(projected(h, x * rs) / (nfwSigma(x) * rs) - 1));
      worstM = Math.max(worstM, Math.abs(mgeMassInSphere(h, 60, x * rs) / (gnfwMassAnalytic(x, 1) * rs ** 3) - 1));
    }
    // Measured 0.068% (Sigma) and 0.015% (mass) with the default 5 Gaussians per decade (the
    // density's ripple, which the mass integral averages out; 4 per decade: 0.32% and 0.06%).
    // Bounds at about three times that: a V_rms from these masses is good to ~1e-4.
    assert.ok(worstS < 2e-3, `surface density: max relative error ${worstS}`);
    assert.ok(worstM < 5e-4, `enclosed mass: max relative error ${worstM}`);
    assert.ok(worstS > 0 && worstM > 0);
  });
}

// The error is the cusp's mass inside the MGE's inner end (where it has a core), a share
// (r_min / r)^(3 - gamma) of the mass inside r: it grows with gamma. Measured at 0.1..10 r_s with
// the model's margins: 0.02% (gamma 0), 0.02% (0.5), 0.24% (1.6), 1.4% (2); the bounds are twice
// that, and 2% at gamma 2 is the documented accuracy at the edge of GAMMA_LIMITS.
for (const [g, tol] of [[0, 5e-4], [0.5, 5e-4], [1.6, 5e-3], [2, 0.03]] as const) {
  test(`gNFW MGE (gamma = ${g}): enclosed mass within ${tol * 100}% at 0.1..10 r_s`, () => {
    const h = gnfwMge(3, g, { rMin: RANGE.rMin * 3, rMax: RANGE.rMax * 3 });
    let worst = 0;
    for (const x of X) {
      const ref = g === 0 || g === 2 ? gnfwMassAnalytic(x, g) : gnfwMassQuadrature(x, g);
      worst = Math.max(worst, Math.abs(mgeMassInSphere(h, 90, 3 * x) / (ref * 27) - 1));
    }
    assert.ok(worst < tol, `gamma ${g}: max relative error ${worst}`);
  });
}

test('mgeMassInSphere: round closed form, total-mass limit, and a flattened Gaussian against brute force', () => {
  const round = { surf: [2], sigma: [1.5], qobs: [1] };
  const M = 2 * Math.PI * 2 * 1.5 ** 2;
  for (const r of [0.3, 1.5, 4]) {
    const a = r / 1.5;
    // erf by its own series here, independent of src/math/erf.ts.
    let erfv = 0;
    let term = a / Math.SQRT2;
    for (let n = 0; n < 200; n++) {
      erfv += term / (2 * n + 1);
      term *= -((a * a) / 2) / (n + 1);
    }
    erfv *= 2 / Math.sqrt(Math.PI);
    const ref = M * (erfv - Math.sqrt(2 / Math.PI) * a * Math.exp(-(a * a) / 2));
    assert.ok(Math.abs(mgeMassInSphere(round, 45, r) / ref - 1) < 1e-12, `r ${r}`);
  }
  assert.equal(mgeMassInSphere(round, 45, 0), 0);
  // Flattened: at inc 60 deg q' = 0.6 deprojects to q = 0.469; q' = 0.51 to ~0.05 (the limit).
  for (const qo of [0.6, 0.51]) {
    const g = { surf: [3], sigma: [2], qobs: [qo] };
    const inc = 60;
    const q = Math.max(intrinsicQ(qo, inc), 0.05);
    const total = 2 * Math.PI * 3 * 4 * qo;
    assert.ok(Math.abs(mgeMassInSphere(g, inc, 200) / total - 1) < 1e-10, `q' ${qo}: total`);
    // Brute force: midpoint rule in (s, cos theta) of rho0 exp(-s^2 (1 - u^2 + u^2/q^2)/(2 sigma^2)) 4 pi s^2.
    const rho0 = (3 * qo) / (Math.sqrt(2 * Math.PI) * 2 * q);
    const r = 2.5;
    const ns = 800;
    const nu = 4000;
    let s = 0;
    for (let i = 0; i < ns; i++) {
      const rr = ((i + 0.5) / ns) * r;
      for (let j = 0; j < nu; j++) {
        const u = (j + 0.5) / nu;
        s += rr * rr * Math.exp(-(rr * rr * (1 - u * u + (u * u) / (q * q))) / 8);
      }
    }
    const brute = 4 * Math.PI * rho0 * s * (r / ns) * (1 / nu);
    // Midpoint errors ~ (h^2/24) f'' ~ 1e-6 at these cell counts.
    assert.ok(Math.abs(mgeMassInSphere(g, inc, r) / brute - 1) < 1e-5, `q' ${qo}: ${mgeMassInSphere(g, inc, r)} vs ${brute}`);
  }
});

test('haloScaleForFraction gives the asked fraction', () => {
  for (const f of [0, 0.2, 0.9]) {
    const a = haloScaleForFraction(f, 7, 0.3);
    assert.ok(Math.abs((a * 0.3) / (a * 0.3 + 7) - f) < 1e-15);
  }
});

test('gnfwMge bad input: one InputError naming the argument', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => gnfwMge(0, 1, RANGE), /^rs: is 0/],
    [() => gnfwMge(NaN, 1, RANGE), /^rs: is NaN/],
    [() => gnfwMge(1, 2.5, RANGE), /^gamma: is 2.5; the inner slope must lie in \[0, 2\]/],
    [() => gnfwMge(1, -0.1, RANGE), /^gamma/],
    [() => gnfwMge(1, 1, { rMin: 5, rMax: 1 }), /^rMin\/rMax: is \[5, 1\]/],
    [() => gnfwMge(1, 1, { ...RANGE, perDecade: 0 }), /^perDecade/],
  ];
  for (const [f, re] of cases) {
    assert.throws(f, (e: unknown) => e instanceof InputError && re.test((e as Error).message), String(re));
  }
});
