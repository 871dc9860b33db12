/**
 * Basis maps in bin space at one inclination: the separable eq.-28 moments (src/jam/los-basis.ts)
 * on the galaxy's polar grid, divided by the tracer surface density (V_rms^2 per unit amplitude,
 * as src/jam/direct.ts does for one model), then mapped to the bins by the grid -> bins operator W
 * (src/operator/grid-to-bins.ts: PSF, pixels, surface-brightness weighting). W is linear and does
 * not depend on the parameters, so for any anisotropies b_g and amplitudes a_c
 *     V2_bins = sum_{g, c} a_c (P_gc + b_g Q_gc)      (P, Q the maps returned here).
 */
import { deprojectMge, type Deprojected } from '../../jam/deproject.ts';
import { sphGridSpan, sphLosSecondMoment } from '../../jam/sph-los.ts';
import { buildSphGrid, resolveSphOptions, type SphOptions } from '../../jam/sph-moments.ts';
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
  /** Gauss-Legendre nodes of the u-integral (default 48; cylindrical alignment). */
  nodes?: number;
  /** Velocity-ellipsoid alignment (default cyl): sph has one map per group and component, at one beta. */
  align?: 'cyl' | 'sph';
  /** Accuracy knobs of the spherically aligned model (src/jam/sph-moments.ts; defaults there). */
  sph?: SphOptions;
}

/** Maps per group and component: P and Q (cyl), one (sph). */
export function basisParts(s: Pick<BasisSpec, 'align'>): number {
  return s.align === 'sph' ? 1 : 2;
}

/** Number of values of one basis: nGroups x nComps x parts x nbins. */
export function basisLength(s: BasisSpec): number {
  return s.nGroups * s.components.length * basisParts(s) * s.op.nbins;
}

/**
 * The basis at inclination `incDeg` (degrees; every Gaussian must deproject: DomainError
 * otherwise) and, for components that follow it, mass flattening `qM` (observed q' of the mass,
 * (0, 1]), laid out [g][c][part][bin] with part 0 = P, 1 = Q; units (km/s)^2 per unit
 * amplitude (M/L for the stars, Msun for a black hole of unit-mass Gaussian, ...).
 */
export function binBasis(s: BasisSpec, incDeg: number, qM?: number): Float64Array {
  if (s.align === 'sph') throw new RangeError('binBasis: the spherically aligned basis is binBasisSph');
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

/**
 * The spherically aligned basis (Cappellari 2020; src/jam/sph-*.ts) at inclination `incDeg` and
 * anisotropy `beta` (= 1 - <v_theta^2>/<v_r^2>, < 1), laid out [g][c][bin]: the V_rms^2 (km/s)^2 per
 * unit amplitude of component c that the luminous Gaussians of group g contribute, all at this
 * beta. Unlike the cylindrical solution, this one is not linear in (a function of) beta, so beta is
 * a table axis (table.ts); it is linear in each mass component (the Jeans equations are linear in
 * the potential) and additive over the tracer Gaussians (each has its own Jeans solution), so for
 * group anisotropies beta_g and amplitudes a_c
 *     V2_bins = sum_{g, c} a_c S_gc(beta_g).
 * Every piece uses the meridional grid of the whole model (sphGridSpan), so a piece differs from the
 * direct model's share only by the grid's interpolation of the per-piece moments.
 */
export function binBasisSph(s: BasisSpec, incDeg: number, beta: number): Float64Array {
  if (s.components.some((c) => c.followsQm)) throw new RangeError('binBasisSph: no component may follow q_M (mass follows light)');
  if (!(beta < 1)) throw new RangeError(`binBasisSph: beta is ${beta}; it must be < 1`);
  const scale = pcPerArcsec(s.distanceMpc);
  const lum = deprojectMge(s.light, incDeg, scale, 'photometry');
  const pots = s.components.map((c) => deprojectMge(c.mge, incDeg, scale, 'mass'));
  const cat = (f: (d: Deprojected) => Float64Array) => Float64Array.from(pots.flatMap((d) => Array.from(f(d))));
  const potAll: Deprojected = { q: cat((d) => d.q), sigmaPc: cat((d) => d.sigmaPc), rho0: cat((d) => d.rho0) };
  const { x, y } = s.grid;
  let rMax = 0;
  let rMin = Infinity;
  for (let i = 0; i < x.length; i++) {
    const r = Math.hypot(x[i], y[i]);
    rMax = Math.max(rMax, r);
    rMin = Math.min(rMin, r);
  }
  const [r0, r1] = sphGridSpan(lum, potAll, scale, rMax, rMin);
  const o = resolveSphOptions(s.sph);
  const npts = x.length;
  const xPc = Float64Array.from(x, (v) => v * scale);
  const yPc = Float64Array.from(y, (v) => v * scale);
  const sb = mgeSurfaceDensity(s.light, x, y);
  const nb = s.op.nbins;
  const nC = s.components.length;
  const out = new Float64Array(s.nGroups * nC * nb);
  const g = new Float64Array(npts);
  for (let grp = 0; grp < s.nGroups; grp++) {
    const idx = Array.from(s.group, (v, k) => (v === grp ? k : -1)).filter((k) => k >= 0);
    if (!idx.length) continue;
    const pick = (a: Float64Array) => Float64Array.from(idx, (k) => a[k]);
    const lumG: Deprojected = { q: pick(lum.q), sigmaPc: pick(lum.sigmaPc), rho0: pick(lum.rho0) };
    const betas = new Float64Array(idx.length).fill(beta);
    for (let c = 0; c < nC; c++) {
      const grid = buildSphGrid(lumG, pots[c], betas, r0, r1, o);
      const raw = sphLosSecondMoment({ lumDeproj: lumG, incDeg }, grid, xPc, yPc, o);
      for (let i = 0; i < npts; i++) g[i] = sb[i] > 0 ? raw[i] / sb[i] : 0;
      const at = (grp * nC + c) * nb;
      applyGridToBins(s.op, g, out.subarray(at, at + nb));
    }
  }
  return out;
}

/**
 * The exact basis at a table point (table.ts TablePoint): the cylindrical one at the inclination
 * (and q_M for a qm table) or the spherically aligned one at the inclination and beta.
 */
export function basisAt(s: BasisSpec, p: { incDeg: number; qM?: number; beta?: number }): Float64Array {
  if (s.align !== 'sph') return binBasis(s, p.incDeg, p.qM);
  if (p.beta === undefined) throw new RangeError('basisAt: a spherically aligned basis needs beta');
  return binBasisSph(s, p.incDeg, p.beta);
}
