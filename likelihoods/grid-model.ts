/**
 * The "grid model" interface of the V_rms likelihood: parameters -> V_rms^2 at the nodes of a polar
 * grid fixed per galaxy. The likelihood (likelihoods/vrms-grid.ts) maps those values to the bins
 * with the grid -> bins operator W (src/operator/grid-to-bins.ts) built once on the same grid, so
 * an engine differs from another only in where the grid values come from: the exact JAM here, the
 * surrogate's theta-log r grid (scale-free, in R_e, times the physical scale) when it exists.
 *
 * Mass models (design.md):
 *  - 'qm': the light MGE's surf and sigma with every q' replaced by q_M, times M/L (the training
 *    set's convention: the total mass scales with q_M, so M/L and q_M are nearly degenerate);
 *  - 'light': mass follows light, the light MGE times M/L (q_M is not a parameter).
 * Optionally a black hole of fixed mass (Msun) that M/L does not multiply.
 *
 * Dark halo (`halo`: 'nfw' or 'gnfw', src/photometry/halo.ts): a spherical (g)NFW halo of scale
 * radius r_s = 10^log10Rs R_e and inner slope gamma (1 for NFW) is fitted with round Gaussians
 * over the radii the grid needs and appended to the stellar mass MGE. Its normalisation is set
 * by the dark-matter fraction inside R_e,
 *     f_DM = M_halo(<R_e) / (M_halo(<R_e) + (M/L) M_stars(<R_e)),
 * both masses inside the SPHERE of radius R_e (the light's half-light semi-major axis,
 * photometry/half-light.ts aMajor: the project's R_e), the stars deprojected at the model's
 * inclination (and q_M in 'qm'), the black hole excluded. At fixed f_DM the halo is proportional
 * to M/L, so the whole mass is and V_rms^2 stays proportional to M/L: the analytic M/L modes
 * ('profile', 'marginal') keep working with a halo (not with a black hole).
 */
import { DomainError, InputError } from '../core/errors.ts';
import { vrms2Direct } from '../src/jam/direct.ts';
import { vrms2DirectSph } from '../src/jam/sph-los.ts';
import { vlosDirect } from '../src/jam/first-moment.ts';
import { logisticBetas, type LogisticProfile } from '../src/jam/anisotropy-profile.ts';
import { prepareModel } from '../src/jam/model.ts';
import type { PolarGrid } from '../src/operator/polar-grid.ts';
import { haloWeightTable, type HaloWeightTable } from '../src/photometry/halo-weights.ts';
import { gnfwMge, gnfwMgeSigmas, haloScaleForFraction, mgeMassInSphere, type HaloKind } from '../src/photometry/halo.ts';
import { mgeHalfLight } from '../src/photometry/half-light.ts';
import { checkMge, qmMassMge, type Mge } from '../src/photometry/mge.ts';

export type MassModel = 'qm' | 'light';

/** Physical parameters of one model: beta_z, q_M (ignored by 'light'), inclination (deg), M/L. */
export interface GridParams {
  betaZ: number;
  qM: number;
  incDeg: number;
  /** Stellar mass-to-light ratio (solar units), > 0. */
  ml: number;
  /** Dark-matter fraction inside the sphere of radius R_e, in [0, 1) (halo models only; see the header). */
  fDm?: number;
  /** log10 of the halo scale radius in units of R_e (halo models only). */
  log10Rs?: number;
  /** Inner slope of a gNFW halo, in [0, 2] ('gnfw' only; NFW is 1). */
  gamma?: number;
  /** beta_z of each anisotropy group (absent: betaZ for every luminous Gaussian); each < 1. */
  betaGroups?: Float64Array;
  /** Black-hole mass in Msun when it is a parameter (overrides the model's fixed mbh), >= 0. */
  mbh?: number;
  /** Rotation parameter of the first moment (fits of V and sigma, `--moments v-sigma`). */
  kappa?: number;
  /**
   * kappa of each anisotropy group (`kappa_groups`; overrides kappa): every luminous Gaussian
   * rotates with its group's kappa, as beta_z with betaGroups.
   */
  kappaGroups?: Float64Array;
  /**
   * A logistic radial anisotropy profile (src/jam/anisotropy-profile.ts): each luminous Gaussian
   * gets beta(sigma_k); overrides betaZ and betaGroups.
   */
  logistic?: LogisticProfile;
}

/**
 * A GridParams with every field present (the optional ones undefined), so that objects reused
 * in a likelihood's hot loop keep one shape whatever fields a model sets.
 */
export function newGridParams(): GridParams {
  return { betaZ: 0, qM: 1, incDeg: 90, ml: 1, fDm: undefined, log10Rs: undefined, gamma: undefined, betaGroups: undefined, mbh: undefined, kappa: undefined, kappaGroups: undefined, logistic: undefined };
}

export interface GridModel {
  /** The grid whose nodes (index iRad * nang + iAng) the values belong to; build W on it. */
  readonly grid: PolarGrid;
  /**
   * True when V_rms^2 is exactly proportional to M/L (no black hole), so M/L can be profiled or
   * marginalised analytically from a model evaluated at M/L = 1.
   */
  readonly linearInMl: boolean;
  /** Short description for logs, e.g. "exact JAM, 760 nodes". */
  readonly label: string;
  /**
   * Fills `out` (length = number of grid nodes) with V_rms^2 in (km/s)^2 and returns it.
   * @throws DomainError where the model does not exist (q' below the inclination's minimum,
   *   beta_z >= 1, M/L <= 0): a posterior maps it to -Infinity.
   */
  vrms2(p: GridParams, out: Float64Array): Float64Array;
  /**
   * V_rms^2 ((km/s)^2) and the mean velocity V (km/s, src/jam/first-moment.ts, rotation p.kappa) at
   * the grid nodes from one prepared model (kappa: p.kappaGroups by group, else p.kappa); the exact
   * cylindrically aligned JAM only (absent otherwise).
   */
  moments?(p: GridParams, outV2: Float64Array, outV: Float64Array): void;
}

export interface ExactJamGridOptions {
  /** Tracer MGE: surf Lsun/pc^2, sigma arcsec. */
  light: Mge;
  massModel: MassModel;
  /** Distance in Mpc, > 0. */
  distanceMpc: number;
  /** Black-hole mass in Msun, >= 0 (default 0), not scaled by M/L. */
  mbh?: number;
  /** The polar grid (arcsec) the likelihood's operator uses. */
  grid: PolarGrid;
  /** Gauss-Legendre nodes of JAM's u-integral (default 48). */
  nodes?: number;
  /** Dark halo added to the mass (default 'none'); its parameters come in GridParams. */
  halo?: HaloKind | 'none';
  /** The prior's halo ranges: the halo's weights are tabulated over them (haloMassModel). */
  haloRanges?: HaloRanges;
  /** Anisotropy group of each luminous Gaussian (default all 0); GridParams.betaGroups gives their beta_z, GridParams.kappaGroups their kappa. */
  group?: ArrayLike<number>;
  /** The black-hole mass is a parameter (GridParams.mbh); `mbh` is then ignored. */
  sampledMbh?: boolean;
  /**
   * Alignment of the velocity ellipsoid: 'cyl' (Cappellari 2008; default, beta_z) or 'sph'
   * (Cappellari 2020, src/jam/sph-los.ts; the same beta values are then beta = 1 - sigma_theta^2/sigma_r^2).
   */
  align?: 'cyl' | 'sph';
}

/**
 * Radii the halo MGE is fitted over, relative to the grid's nearest and farthest nodes (and R_e,
 * where f_DM is defined): the MGE lacks the cusp's mass inside its inner end and the profile
 * beyond its outer end, so both lie well outside the radii whose forces JAM needs. Measured
 * (test/photometry/halo.test.ts, radii from 40 times the inner end): enclosed mass within 0.02%
 * for NFW, 0.25% for a gamma = 1.6 cusp; mass beyond the outer end does not act on the radii
 * inside it (spherical shells). The JAM V_rms with the halo against the spherical Jeans solution
 * with the analytic NFW mass: test/likelihoods/halo-model.test.ts.
 */
const HALO_INNER = 1 / 20;
const HALO_OUTER = 10;

export interface HaloMass {
  /** The halo's round Gaussians for the given parameters, scaled to f_DM at M/L = 1 (surf in the stars' unit). */
  mge: Mge;
  /** Stellar mass (per unit M/L) and halo mass inside the sphere of radius R_e, units of surf x arcsec^2. */
  starsInRe: number;
  haloInRe: number;
}

/**
 * The exact JAM (eq. 28, src/jam/direct.ts) evaluated at every node of `grid`. Cost: one JAM model
 * per call, ~linear in the number of nodes (a 40 x 19 PSF grid of a 6-Gaussian MGE: ~60 ms).
 * @throws InputError at construction for a bad MGE, distance or black-hole mass.
 */
export function exactJamGridModel(o: ExactJamGridOptions): GridModel {
  const light = checkMge(o.light, 'photometry');
  if (o.massModel !== 'qm' && o.massModel !== 'light') throw new InputError('mass_model', `is ${JSON.stringify(o.massModel)}; use qm or light`);
  if (!(typeof o.distanceMpc === 'number' && o.distanceMpc > 0 && Number.isFinite(o.distanceMpc))) {
    throw new InputError('distance', `is ${o.distanceMpc}; give the distance in Mpc, > 0`);
  }
  const mbh = o.mbh ?? 0;
  if (!(typeof mbh === 'number' && mbh >= 0 && Number.isFinite(mbh))) throw new InputError('mbh', `is ${mbh}; give the black-hole mass in Msun, >= 0`);
  const n = o.grid.x.length;
  const qm = o.massModel === 'qm';
  const halo = o.halo ?? 'none';
  if (halo !== 'none' && halo !== 'nfw' && halo !== 'gnfw') throw new InputError('halo', `is ${JSON.stringify(halo)}; use none, nfw or gnfw`);
  const haloFor = halo === 'none' ? null : haloMassModel(light, o.grid, halo, o.haloRanges);
  const group = o.group ? Int32Array.from(o.group) : null;
  const beta = new Float64Array(light.surf.length);
  const kap = new Float64Array(light.surf.length);
  const nGroups = group ? Math.max(...group) + 1 : 1;
  const sampledMbh = o.sampledMbh === true;
  const align = o.align ?? 'cyl';
  if (align !== 'cyl' && align !== 'sph') throw new InputError('align', `is ${JSON.stringify(align)}; use cyl or sph`);
  const label = `exact JAM${align === 'sph' ? ', spherically aligned' : ''} (${o.massModel} mass model${halo !== 'none' ? ` + ${halo.toUpperCase()} halo` : ''}${sampledMbh ? ', M_BH sampled' : mbh > 0 ? `, M_BH ${mbh.toExponential(3)} Msun` : ''}), ${o.grid.lnRad.length} x ${o.grid.ang.length} grid nodes`;
  // The prepared JAM model at p (the mass model, halo, black hole and anisotropy of the header).
  const prepared = (p: GridParams) => {
    if (qm && !(p.qM > 0 && p.qM <= 1)) throw new DomainError('q_m', `is ${p.qM}; q_M must lie in (0, 1]`);
    if (!(p.ml > 0)) throw new DomainError('ml', `is ${p.ml}; M/L must be > 0`);
    const stars = qm ? qmMassMge(light, p.qM) : light;
    const h = haloFor ? haloFor(stars, p) : null;
    // f_DM = 0 adds nothing: leave the zero-mass Gaussians out of JAM's sums.
    const mgePot = h && h.haloInRe > 0 ? appendMge(stars, h.mge) : stars;
    // JAM multiplies the black hole by ml too; dividing keeps its mass fixed.
    const m = sampledMbh ? (p.mbh ?? NaN) : mbh;
    if (!(m >= 0)) throw new DomainError('mbh', `is ${p.mbh}; the black-hole mass must be >= 0 Msun`);
    let perGaussian = false;
    if (p.logistic) {
      if (!(p.logistic.rA > 0 && Number.isFinite(p.logistic.rA))) throw new DomainError('r_a', `is ${p.logistic.rA}; the transition radius must be > 0`);
      logisticBetas(light.sigma, p.logistic, beta);
      perGaussian = true;
    } else if (group && p.betaGroups) {
      for (let k = 0; k < beta.length; k++) beta[k] = p.betaGroups[group[k]];
      perGaussian = true;
    }
    return prepareModel({ mgeLum: light, mgePot, incDeg: p.incDeg, beta: perGaussian ? beta : p.betaZ, distanceMpc: o.distanceMpc, ml: p.ml, mbh: m / p.ml });
  };
  return {
    grid: o.grid,
    linearInMl: mbh === 0 && !sampledMbh,
    label,
    vrms2(p, out) {
      if (out.length !== n) throw new RangeError(`exactJamGridModel: out has ${out.length} values for ${n} grid nodes`);
      const model = prepared(p);
      out.set(align === 'sph' ? vrms2DirectSph(model, o.grid.x, o.grid.y) : vrms2Direct(model, o.grid.x, o.grid.y, { nodes: o.nodes ?? 48 }));
      return out;
    },
    ...(align === 'cyl'
      ? {
          moments(p: GridParams, outV2: Float64Array, outV: Float64Array) {
            if (outV2.length !== n || outV.length !== n) throw new RangeError(`exactJamGridModel: outputs have ${outV2.length}, ${outV.length} values for ${n} grid nodes`);
            let kappa: number | Float64Array;
            if (p.kappaGroups) {
              if (p.kappaGroups.length !== nGroups) throw new InputError('kappa_groups', `has ${p.kappaGroups.length} values for ${nGroups} anisotropy group(s); give one kappa per group`);
              for (let k = 0; k < kap.length; k++) {
                kap[k] = p.kappaGroups[group ? group[k] : 0];
                if (!Number.isFinite(kap[k])) throw new DomainError('kappa_groups', `is [${Array.from(p.kappaGroups).join(', ')}]; give finite rotation parameters`);
              }
              kappa = kap;
            } else {
              if (!Number.isFinite(p.kappa)) throw new DomainError('kappa', `is ${p.kappa}; give a finite rotation parameter`);
              kappa = p.kappa!;
            }
            const model = prepared(p);
            outV2.set(vrms2Direct(model, o.grid.x, o.grid.y, { nodes: o.nodes ?? 48 }));
            outV.set(vlosDirect(model, o.grid.x, o.grid.y, kappa));
          },
        }
      : {}),
  };
}

/** The Gaussians of `a` followed by those of `b` (a new MGE). */
function appendMge(a: Mge, b: Mge): Mge {
  const cat = (u: ArrayLike<number>, v: ArrayLike<number>) => Float64Array.of(...Array.from(u), ...Array.from(v));
  return { surf: cat(a.surf, b.surf), sigma: cat(a.sigma, b.sigma), qobs: cat(a.qobs, b.qobs) };
}

/**
 * The halo of the exact model (see the module header) for a light MGE and grid: a function of the
 * stellar mass MGE (per unit M/L, surf Msun/pc^2, sigma arcsec) and the parameters (incDeg, fDm,
 * log10Rs, gamma; gamma is 1 for 'nfw') returning the halo's Gaussians at M/L = 1 and the masses
 * inside R_e. The fitted radii run from HALO_INNER times the nearest grid node (or R_e) to
 * HALO_OUTER times the farthest (or R_e). With `ranges` (the prior's log10_rs and, for gNFW,
 * gamma ranges) the weights come from a table over them (src/photometry/halo-weights.ts: ~1 us a
 * call instead of ~0.5 ms, the same halo to ~0.1% in density); outside it, and without `ranges`,
 * from gnfwMge itself. Every engine of a fit passes the same ranges, so they model one halo.
 * @throws DomainError for f_DM outside [0, 1), a non-finite log10Rs, or gamma outside [0, 2]
 *   (a posterior maps it to -Infinity).
 */
export function haloMassModel(light: Mge, grid: PolarGrid, kind: HaloKind, ranges?: HaloRanges): HaloMassModel {
  const re = mgeHalfLight(light, 'photometry').aMajor;
  let rIn = Infinity;
  let rOut = 0;
  for (let i = 0; i < grid.x.length; i++) {
    const r = Math.hypot(grid.x[i], grid.y[i]);
    rIn = Math.min(rIn, r);
    rOut = Math.max(rOut, r);
  }
  const range = { rMin: HALO_INNER * Math.min(rIn, re), rMax: HALO_OUTER * Math.max(rOut, re) };
  // A round Gaussian's mass inside the sphere of radius R_e, per unit surf (mgeMassInSphere's
  // closed form for q = 1), for each dispersion a halo of this galaxy can have.
  const roundInRe = new Map<number, number>();
  for (const sg of gnfwMgeSigmas(range)) roundInRe.set(sg, mgeMassInSphere({ surf: [1], sigma: [sg], qobs: [1] }, 90, re));
  // Built at the first call: a table build that only needs the dispersions does not pay for it.
  let table: HaloWeightTable | null | undefined;
  let tw: Float64Array | null = null;
  const unitOf = (lrs: number, gamma: number): { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> } => {
    if (table === undefined) {
      table = ranges ? haloWeightTable(range, re, ranges.log10Rs, kind === 'gnfw' ? ranges.gamma ?? [0, 2] : null) : null;
      tw = table ? new Float64Array(table.sigmas.length) : null;
    }
    const w = table ? table.weights(lrs, gamma, tw!) : null;
    if (!w) return gnfwMge(10 ** lrs * re, gamma, range);
    let kept = 0;
    for (let j = 0; j < w.length; j++) if (w[j] > 0) kept++;
    const surf = new Float64Array(kept);
    const sigma = new Float64Array(kept);
    for (let j = 0, k = 0; j < w.length; j++) if (w[j] > 0) (surf[k] = w[j], (sigma[k++] = table!.sigmas[j]));
    return { surf, sigma, qobs: new Float64Array(kept).fill(1) };
  };
  const model = (stars: Mge, p: GridParams, starsInReGiven?: number): HaloMass => {
    const fDm = p.fDm ?? NaN;
    if (!(fDm >= 0 && fDm < 1)) throw new DomainError('f_dm', `is ${p.fDm}; the dark-matter fraction must lie in [0, 1)`);
    const lrs = p.log10Rs ?? NaN;
    if (!Number.isFinite(lrs)) throw new DomainError('log10_rs', `is ${p.log10Rs}; give log10(r_s / R_e) as a finite number`);
    const gamma = kind === 'nfw' ? 1 : (p.gamma ?? NaN);
    if (!(gamma >= 0 && gamma <= 2)) throw new DomainError('gamma', `is ${p.gamma}; the inner slope must lie in [0, 2]`);
    const unit = unitOf(lrs, gamma);
    const starsInRe = starsInReGiven ?? mgeMassInSphere(stars, p.incDeg, re);
    let unitInRe = 0;
    for (let j = 0; j < unit.sigma.length; j++) unitInRe += unit.surf[j] * (roundInRe.get(unit.sigma[j]) ?? mgeMassInSphere({ surf: [1], sigma: [unit.sigma[j]], qobs: [1] }, 90, re));
    const a = haloScaleForFraction(fDm, starsInRe, unitInRe);
    return { mge: { surf: Float64Array.from(unit.surf, (v) => a * v), sigma: unit.sigma, qobs: unit.qobs }, starsInRe, haloInRe: a * unitInRe };
  };
  return Object.assign(model, { sigmas: gnfwMgeSigmas(range), reArcsec: re });
}

/** The prior's halo ranges that haloMassModel tabulates the weights over. */
export interface HaloRanges {
  log10Rs: readonly [number, number];
  /** gNFW only (default the whole [0, 2]). */
  gamma?: readonly [number, number];
}

/** The halo of a galaxy (haloMassModel): its Gaussians for given parameters, and their fixed dispersions. */
export type HaloMassModel = ((stars: Mge, p: GridParams, starsInRe?: number) => HaloMass) & {
  /** Every dispersion a halo of this galaxy can have (arcsec, ascending): gnfwMgeSigmas of its fitted range. */
  sigmas: Float64Array;
  /** The light's R_e (arcsec), where f_DM is defined. */
  reArcsec: number;
};
