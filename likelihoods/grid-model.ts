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
 */
import { DomainError, InputError } from '../core/errors.ts';
import { vrms2Direct } from '../src/jam/direct.ts';
import { prepareModel } from '../src/jam/model.ts';
import type { PolarGrid } from '../src/operator/polar-grid.ts';
import { checkMge, qmMassMge, type Mge } from '../src/photometry/mge.ts';

export type MassModel = 'qm' | 'light';

/** Physical parameters of one model: beta_z, q_M (ignored by 'light'), inclination (deg), M/L. */
export interface GridParams {
  betaZ: number;
  qM: number;
  incDeg: number;
  /** Stellar mass-to-light ratio (solar units), > 0. */
  ml: number;
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
}

/**
 * The exact JAM (eq. 28, src/jam/direct.ts) evaluated at every node of `grid`. Cost: one JAM model
 * per call, ~linear in the number of nodes (a 40 x 19 PSF grid of a 6-Gaussian MGE: ~60 ms).
 * @throws InputError at construction for a bad MGE, distance or black-hole mass.
 */
export function exactJamGridModel(o: ExactJamGridOptions): GridModel {
  const light = checkMge(o.light, 'photometry');
  if (o.massModel !== 'qm' && o.massModel !== 'light') throw new InputError('--mass-model', `is ${JSON.stringify(o.massModel)}; use qm or light`);
  if (!(typeof o.distanceMpc === 'number' && o.distanceMpc > 0 && Number.isFinite(o.distanceMpc))) {
    throw new InputError('--distance', `is ${o.distanceMpc}; give the distance in Mpc, > 0`);
  }
  const mbh = o.mbh ?? 0;
  if (!(typeof mbh === 'number' && mbh >= 0 && Number.isFinite(mbh))) throw new InputError('--mbh', `is ${mbh}; give the black-hole mass in Msun, >= 0`);
  const n = o.grid.x.length;
  const qm = o.massModel === 'qm';
  return {
    grid: o.grid,
    linearInMl: mbh === 0,
    label: `exact JAM (${o.massModel} mass model${mbh > 0 ? `, M_BH ${mbh.toExponential(3)} Msun` : ''}), ${o.grid.lnRad.length} x ${o.grid.ang.length} grid nodes`,
    vrms2(p, out) {
      if (out.length !== n) throw new RangeError(`exactJamGridModel: out has ${out.length} values for ${n} grid nodes`);
      if (qm && !(p.qM > 0 && p.qM <= 1)) throw new DomainError('q_m', `is ${p.qM}; q_M must lie in (0, 1]`);
      if (!(p.ml > 0)) throw new DomainError('ml', `is ${p.ml}; M/L must be > 0`);
      // JAM multiplies the black hole by ml too; dividing keeps its mass fixed.
      const model = prepareModel({ mgeLum: light, mgePot: qm ? qmMassMge(light, p.qM) : light, incDeg: p.incDeg, beta: p.betaZ, distanceMpc: o.distanceMpc, ml: p.ml, mbh: mbh / p.ml });
      out.set(vrms2Direct(model, o.grid.x, o.grid.y, { nodes: o.nodes ?? 48 }));
      return out;
    },
  };
}
