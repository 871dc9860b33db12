/**
 * Multi-Gaussian Expansion (Cappellari 2002) of a projected surface density.
 *
 * Gaussian k has peak surface density `surf[k]` (Lsun/pc^2 for light, Msun/pc^2 for mass),
 * dispersion `sigma[k]` along the projected major axis (arcsec) and observed axial ratio
 * `qobs[k]` in (0, 1]:  Sigma(x', y') = sum_k surf_k exp[-(x'^2 + y'^2/qobs_k^2) / (2 sigma_k^2)].
 * Its total is L_k = 2 pi surf_k sigma_k^2 qobs_k (sigma in pc).
 */
import { InputError } from '../../core/errors.ts';

export interface Mge {
  readonly surf: ArrayLike<number>;
  readonly sigma: ArrayLike<number>;
  readonly qobs: ArrayLike<number>;
}

/**
 * Checks an MGE and returns it as Float64Arrays. `name` prefixes field paths in errors
 * (e.g. `mge_lum.sigma[2]`). Rejects: empty or mismatched arrays, non-finite values,
 * surf < 0, sigma <= 0, qobs outside (0, 1].
 */
export function checkMge(mge: Mge, name: string): { surf: Float64Array; sigma: Float64Array; qobs: Float64Array } {
  if (!mge || typeof mge !== 'object') throw new InputError(name, 'missing; give {"surf": [..], "sigma": [..], "qobs": [..]}');
  const out: Record<string, Float64Array> = {};
  for (const key of ['surf', 'sigma', 'qobs'] as const) {
    const a = mge[key];
    if (a === undefined || a === null || typeof a.length !== 'number') {
      throw new InputError(`${name}.${key}`, 'missing; give an array of numbers, one per Gaussian');
    }
    out[key] = Float64Array.from(a as ArrayLike<number>, (v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InputError(`${name}.${key}[${i}]`, `is ${JSON.stringify(v)}; every value must be a finite number`);
      }
      return v;
    });
  }
  const n = out.surf.length;
  if (n === 0) throw new InputError(`${name}.surf`, 'the MGE is empty; give at least one Gaussian');
  for (const key of ['sigma', 'qobs']) {
    if (out[key].length !== n) {
      throw new InputError(`${name}.${key}`, `has ${out[key].length} values but ${name}.surf has ${n}; give one per Gaussian`);
    }
  }
  for (let k = 0; k < n; k++) {
    if (out.surf[k] < 0) throw new InputError(`${name}.surf[${k}]`, `is ${out.surf[k]}; surface densities must be >= 0`);
    if (out.sigma[k] <= 0) throw new InputError(`${name}.sigma[${k}]`, `is ${out.sigma[k]}; dispersions must be > 0 arcsec`);
    if (!(out.qobs[k] > 0 && out.qobs[k] <= 1)) {
      throw new InputError(`${name}.qobs[${k}]`, `is ${out.qobs[k]}; observed axial ratios must lie in (0, 1]`);
    }
  }
  return { surf: out.surf, sigma: out.sigma, qobs: out.qobs };
}

/** Observed surface density of an MGE at sky points (units of `surf`; x, y in arcsec like sigma). */
export function mgeSurfaceDensity(mge: Mge, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let s = 0;
    for (let k = 0; k < mge.surf.length; k++) {
      const q = mge.qobs[k];
      s += mge.surf[k] * Math.exp(-(x[i] * x[i] + (y[i] * y[i]) / (q * q)) / (2 * mge.sigma[k] * mge.sigma[k]));
    }
    out[i] = s;
  }
  return out;
}

/**
 * Luminosity-weighted observed axial ratio of an MGE: sum(L_k q'_k) / sum(L_k) with L_k =
 * surf_k sigma_k^2 q'_k (proportional to each Gaussian's total light). For a single q' (e.g. an
 * MGE of a Sersic) it is that q'. It is the light's q_L in the beta_z < 0.7 eps_intr limit and the
 * ellipse of the mock's field. Needs at least one Gaussian with positive light (NaN otherwise).
 */
export function luminosityWeightedQ(mge: Mge): number {
  let lw = 0;
  let lq = 0;
  for (let k = 0; k < mge.surf.length; k++) {
    const L = mge.surf[k] * mge.sigma[k] ** 2 * mge.qobs[k];
    lw += L;
    lq += L * mge.qobs[k];
  }
  return lq / lw;
}

/** Total of the MGE, sum_k 2 pi surf_k sigma_k^2 q'_k (unit of surf x sigma^2). */
export function mgeTotal(mge: Mge): number {
  let t = 0;
  for (let k = 0; k < mge.surf.length; k++) t += 2 * Math.PI * mge.surf[k] * mge.sigma[k] ** 2 * mge.qobs[k];
  return t;
}

/** Smallest observed axial ratio of the MGE (1 for an empty one): its flattest Gaussian. */
export function flattestQ(mge: Mge): number {
  let q = 1;
  for (let k = 0; k < mge.qobs.length; k++) q = Math.min(q, mge.qobs[k]);
  return q;
}

/**
 * The mass MGE of the `qm` mass model (the training-set convention of design.md): the light's
 * surf and sigma with every q' replaced by q_M (in (0, 1]), per unit M/L. Shares surf and sigma
 * with `light`.
 */
export function qmMassMge(light: Mge, qM: number): Mge {
  return { surf: light.surf, sigma: light.sigma, qobs: new Float64Array(light.sigma.length).fill(qM) };
}
