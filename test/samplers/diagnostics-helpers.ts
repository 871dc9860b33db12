/**
 * Seeded random draws for the diagnostics tests (not a test file itself).
 * Uniforms from seedrandom's Alea generator; normals by the Box-Muller transform.
 */
import seedrandom from 'seedrandom';

export interface Rng {
  uniform(): number; // (0, 1)
  normal(): number; // N(0, 1)
  cauchy(): number; // standard Cauchy
}

export function makeRng(seed: string | number): Rng {
  const u = seedrandom.alea(String(seed));
  let spare = NaN;
  const uniform = (): number => {
    let v = u();
    while (v === 0) v = u();
    return v;
  };
  const normal = (): number => {
    if (!Number.isNaN(spare)) { const s = spare; spare = NaN; return s; }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
  const cauchy = (): number => Math.tan(Math.PI * (uniform() - 0.5));
  return { uniform, normal, cauchy };
}

/**
 * Stationary AR(1) series x_t = phi x_{t-1} + sqrt(1 - phi^2) e_t, e_t ~ N(0,1), x_0 ~ N(0,1):
 * unit marginal variance, rho(t) = phi^|t|, integrated time tau = (1 + phi)/(1 - phi).
 */
export function ar1(rng: Rng, n: number, phi: number, out = new Float64Array(n)): Float64Array {
  const s = Math.sqrt(1 - phi * phi);
  let x = rng.normal();
  for (let i = 0; i < n; i++) {
    if (i > 0) x = phi * x + s * rng.normal();
    out[i] = x;
  }
  return out;
}

/** phi giving integrated autocorrelation time tau for an AR(1): tau = (1+phi)/(1-phi). */
export const phiForTau = (tau: number): number => (tau - 1) / (tau + 1);

/** Ensemble of independent AR(1) walkers as a flat step-major chain (ndim = 1 unless given). */
export function ar1Flat(rng: Rng, nsteps: number, nwalkers: number, phi: number, ndim = 1): Float64Array {
  const data = new Float64Array(nsteps * nwalkers * ndim);
  const buf = new Float64Array(nsteps);
  for (let w = 0; w < nwalkers; w++) {
    for (let d = 0; d < ndim; d++) {
      ar1(rng, nsteps, phi, buf);
      for (let s = 0; s < nsteps; s++) data[(s * nwalkers + w) * ndim + d] = buf[s];
    }
  }
  return data;
}

/** m chains of n draws each, produced by gen(chainIndex, rng). */
export function chainsOf(m: number, gen: (c: number) => Float64Array): Float64Array[] {
  return Array.from({ length: m }, (_, c) => gen(c));
}
