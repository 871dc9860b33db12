/**
 * Basis maps in bin space at one inclination: the separable eq.-28 moments (src/jam/los-basis.ts)
 * on the galaxy's polar grid, divided by the tracer surface density (V_rms^2 per unit amplitude,
 * as src/jam/direct.ts does for one model), then mapped to the bins by the grid -> bins operator W
 * (src/operator/grid-to-bins.ts: PSF, pixels, surface-brightness weighting). W is linear and does
 * not depend on the parameters, so for any anisotropies b_g and amplitudes a_c
 *     V2_bins = sum_{g, c} a_c (P_gc + b_g Q_gc)      (P, Q the maps returned here).
 */
import { deprojectMge } from '../../jam/deproject.ts';
import { pcPerArcsec } from '../../jam/constants.ts';
import { losBasisMoments, prepareBasisKernel } from '../../jam/los-basis.ts';
import { applyGridToBins, type GridToBins } from '../../operator/grid-to-bins.ts';
import type { PolarGrid } from '../../operator/polar-grid.ts';
import { mgeSurfaceDensity, type Mge } from '../../photometry/mge.ts';

/** One linear mass component: Gaussians that share one amplitude. */
export interface MassComponent {
  /** 'stars', 'bh', or 'halo:<j>' (named in reports). */
  name: string;
  /** The Gaussians at unit amplitude: surf in Msun/pc^2, sigma arcsec, qobs. */
  mge: Mge;
  /** The `qm` mass model's stars: every q' is replaced by the basis's q_M. */
  followsQm?: boolean;
}

/** Everything the basis of a galaxy depends on besides the inclination. */
export interface BasisSpec {
  /** Tracer MGE (surf Lsun/pc^2, sigma arcsec). */
  light: Mge;
  /** Anisotropy group (0..nGroups-1) of each luminous Gaussian. */
  group: ArrayLike<number>;
  nGroups: number;
  components: MassComponent[];
  distanceMpc: number;
  grid: PolarGrid;
  op: GridToBins;
  /** Gauss-Legendre nodes of the u-integral (default 48). */
  nodes?: number;
}

/** Number of values of one basis: nGroups x nComps x 2 x nbins. */
export function basisLength(s: BasisSpec): number {
  return s.nGroups * s.components.length * 2 * s.op.nbins;
}

/**
 * The basis at inclination `incDeg` (degrees; every Gaussian must deproject: DomainError
 * otherwise) and, for components that follow it, mass flattening `qM` (observed q' of the mass,
 * (0, 1]), laid out [g][c][part][bin] with part 0 = P, 1 = Q; units (km/s)^2 per unit
 * amplitude (M/L for the stars, Msun for a black hole of unit-mass Gaussian, ...).
 */
export function binBasis(s: BasisSpec, incDeg: number, qM?: number): Float64Array {
  const scale = pcPerArcsec(s.distanceMpc);
  const lum = deprojectMge(s.light, incDeg, scale, 'photometry');
  const cat = (f: (c: MassComponent) => ArrayLike<number>) => Float64Array.from(s.components.flatMap((c) => Array.from(f(c))));
  const qobs = (c: MassComponent): ArrayLike<number> => {
    if (!c.followsQm) return c.mge.qobs;
    if (!(qM! > 0 && qM! <= 1)) throw new RangeError(`binBasis: component ${c.name} follows q_M but q_M is ${qM}`);
    return Array.from(c.mge.qobs, () => qM!);
  };
  const pot = deprojectMge({ surf: cat((c) => c.mge.surf), sigma: cat((c) => c.mge.sigma), qobs: cat(qobs) }, incDeg, scale, 'mass');
  const comp = s.components.flatMap((c, i) => Array.from(c.mge.surf, () => i));
  const { x, y } = s.grid;
  let rMax = 0;
  for (let i = 0; i < x.length; i++) rMax = Math.max(rMax, Math.hypot(x[i], y[i]));
  const kernel = prepareBasisKernel(lum, pot, s.group, s.nGroups, comp, s.components.length, incDeg, s.nodes ?? 48, rMax * scale);
  const npts = x.length;
  const xPc = Float64Array.from(x, (v) => v * scale);
  const yPc = Float64Array.from(y, (v) => v * scale);
  const raw = losBasisMoments(kernel, xPc, yPc);
  const sb = mgeSurfaceDensity(s.light, x, y);
  const nb = s.op.nbins;
  const nMaps = raw.length / npts;
  const out = new Float64Array(nMaps * nb);
  const g = new Float64Array(npts);
  for (let m = 0; m < nMaps; m++) {
    for (let i = 0; i < npts; i++) g[i] = sb[i] > 0 ? raw[m * npts + i] / sb[i] : 0;
    applyGridToBins(s.op, g, out.subarray(m * nb, (m + 1) * nb));
  }
  return out;
}
