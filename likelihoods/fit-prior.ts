/**
 * The prior of a V_rms fit over (beta_z, q_M, inclination, M/L), in the parameter vector the
 * sampler moves:
 *   'qm' mass model:    [beta_z, q_m, inc_deg, log10_ml]
 *   'light' mass model: [beta_z, inc_deg, log10_ml]
 * (log10_ml is dropped when M/L is profiled or marginalised). Defaults: uniform in beta_z, q_M
 * and inc_deg over the surrogate's training domain (src/surrogate/domain.ts TRAINING_DOMAIN_V1),
 * log-uniform M/L in [0.1, 10] (uniform in log10 M/L); `inc: 'isotropic'` makes it uniform in
 * cos i instead (density ∝ sin i in degrees: random orientations). Ranges outside the training
 * domain are refused when the prior is built (one line naming the option).
 *
 * Always imposed (the density is 0 outside, as in domain.ts):
 *  - every Gaussian of the light, and in 'qm' the mass q' = q_M, deprojects with intrinsic
 *    q >= qIntrMin (q' >= hypot(cos i, 0.05 sin i), which implies cos i < q');
 *  - beta_z < 0.7 eps_intr, eps_intr = 1 - q_intr of the light at that inclination, with the
 *    light's q' taken as its luminosity-weighted mean q' (for one q', e.g. an MGE of a Sérsic,
 *    exactly domain.ts's q_L; for a multi-q' MGE one number must stand for "the light's
 *    flattening", and the light-weighted q' is the one the total light sees).
 *
 * Dark halo block (`halo` 'nfw' or 'gnfw'; likelihoods/grid-model.ts defines the parameters),
 * appended after the parameters above:
 *   'nfw':  [..., f_dm, log10_rs]      'gnfw': [..., f_dm, log10_rs, gamma]
 * with uniform priors: f_dm (dark fraction inside the sphere of radius R_e) in [0, 0.9];
 * log10_rs = log10(r_s / R_e) in [0, 1.5] (r_s from 1 to 32 R_e: NFW haloes of galaxies have
 * r_s of ~10-50 kpc against R_e of ~1-10 kpc); gamma in [0, 1.6] (a core to a cusp steeper than
 * NFW). Ranges may be narrowed or moved within f_dm [0, 0.99], log10_rs [-2, 3], gamma [0, 2].
 * The surrogate's domain has no halo: its engine refuses one (src/engines/surrogate.ts).
 */
import { newGridParams } from './grid-model.ts';
import { PARAMETERS } from './parameters.ts';
import { InputError } from '../core/errors.ts';
import { intrinsicQ } from '../src/jam/deproject.ts';
import { luminosityWeightedQ } from '../src/photometry/mge.ts';
import { TRAINING_DOMAIN_V1, type TrainingDomain } from '../src/surrogate/domain.ts';
import type { Rng } from '../samplers/rng.ts';
import type { GridParams, MassModel } from './grid-model.ts';
import type { HaloKind } from '../src/photometry/halo.ts';
import type { MlMode } from './vrms-grid.ts';

export type IncPrior = 'uniform' | 'isotropic';

export interface FitPriorOptions {
  massModel: MassModel;
  mlMode: MlMode;
  /** Inclination prior: 'uniform' in degrees (the default) or 'isotropic' (uniform in cos i). */
  incPrior?: IncPrior;
  /** @deprecated The old name of incPrior. */
  inc?: IncPrior;
  /** [lo, hi] ranges (incDeg in degrees); defaults: the training domain's box, M/L [0.1, 10]. */
  betaZ?: readonly [number, number];
  qM?: readonly [number, number];
  incDeg?: readonly [number, number];
  ml?: readonly [number, number];
  /** The light MGE (its q' set the constraints). */
  light: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
  /** Where the light came from (named in errors), e.g. the photometry file. */
  lightSource?: string;
  domain?: TrainingDomain;
  /**
   * Where a user's range may go (default `domain`): the surrogate's training domain, or the
   * exact engines' physical limits (EXACT_LIMITS); the defaults stay `domain`'s box either way.
   */
  limits?: TrainingDomain;
  /**
   * Anisotropy groups (default 1): with G > 1 the prior has beta_z_1..beta_z_G (inner to outer),
   * each over the beta_z range and each below 0.7 eps_intr.
   */
  betaGroups?: number;
  /** Sampled black-hole mass: the range of log10(M_BH / Msun) (uniform); absent = fixed or none. */
  log10Mbh?: readonly [number, number];
  /** Dark halo (default 'none'): adds the halo block (see the module header). */
  halo?: HaloKind | 'none';
  /** Halo prior ranges [lo, hi]; defaults in HALO_PRIOR. */
  fDm?: readonly [number, number];
  log10Rs?: readonly [number, number];
  gamma?: readonly [number, number];
}

/**
 * The exact engines' limits: physics only (intrinsic q >= 0.05 through the constraints, beta_z < 1,
 * any inclination that deprojects the light), not the surrogate's training box. The box entries
 * of the sampled parameters are their `limits` in likelihoods/parameters.ts.
 */
export const EXACT_LIMITS: TrainingDomain = {
  box: { n: [0.1, 20], q_L: [0.05, 1], q_M: PARAMETERS.q_m.limits!, beta_z: PARAMETERS.beta_z.limits!, inc_deg: PARAMETERS.inc_deg.limits! },
  betaEpsFactor: TRAINING_DOMAIN_V1.betaEpsFactor,
  qIntrMin: TRAINING_DOMAIN_V1.qIntrMin,
};

const haloEntry = (n: 'f_dm' | 'log10_rs' | 'gamma') => ({ dflt: PARAMETERS[n].prior!, within: PARAMETERS[n].limits!, option: PARAMETERS[n].option });

/** Default halo prior ranges (uniform), the limits a user range must stay within and the range's option (from likelihoods/parameters.ts). */
export const HALO_PRIOR = {
  f_dm: haloEntry('f_dm'),
  log10_rs: haloEntry('log10_rs'),
  gamma: haloEntry('gamma'),
} as const;

export interface FitPrior {
  /** Parameter names in vector order. */
  readonly names: string[];
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  /** Luminosity-weighted q' of the light (the q_L of the beta_z limit). */
  readonly qLight: number;
  /** log prior density up to a constant; -Infinity outside the box or a constraint. */
  logPrior(x: ArrayLike<number>): number;
  /** Physical parameters of a vector (M/L = 10^log10_ml, or 1 when M/L is not sampled). */
  unpack(x: ArrayLike<number>, out?: GridParams): GridParams;
  /** One draw from the prior (rejection on the constraints); throws InputError if it finds none. */
  draw(rng: Rng): Float64Array;
  /**
   * The joint constraints (beyond the box) this prior imposes, each as a slack that is >= 0
   * inside and 0 on the boundary, in its own dimensionless units (an intrinsic axial ratio, or
   * beta_z): lets a fit tell when its posterior presses against one.
   */
  readonly constraints: readonly { name: string; slack(x: ArrayLike<number>): number }[];
}

const DEG = Math.PI / 180;

function range(name: string, r: readonly [number, number] | undefined, dflt: readonly [number, number], within: readonly [number, number] | null, what = 'the training domain'): [number, number] {
  const v = r ?? dflt;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((t) => typeof t === 'number' && Number.isFinite(t)) || !(v[0] < v[1])) {
    throw new InputError(name, `is ${JSON.stringify(v)}; give lo,hi with finite lo < hi`);
  }
  if (within && (v[0] < within[0] - 1e-12 || v[1] > within[1] + 1e-12)) {
    throw new InputError(name, `[${v[0]}, ${v[1]}] leaves ${what} [${within[0]}, ${within[1]}]; narrow the prior`);
  }
  return [v[0], v[1]];
}

/** The halo block's names and ranges (empty without a halo); @throws InputError naming the range option. */
function haloPriorBlock(o: FitPriorOptions): { names: string[]; lo: number[]; hi: number[] } {
  const halo = o.halo ?? 'none';
  if (halo === 'none') return { names: [], lo: [], hi: [] };
  if (halo !== 'nfw' && halo !== 'gnfw') throw new InputError('halo', `is ${JSON.stringify(halo)}; use none, nfw or gnfw`);
  const names = halo === 'nfw' ? (['f_dm', 'log10_rs'] as const) : (['f_dm', 'log10_rs', 'gamma'] as const);
  const given = { f_dm: o.fDm, log10_rs: o.log10Rs, gamma: o.gamma };
  const lo: number[] = [];
  const hi: number[] = [];
  for (const n of names) {
    const h = HALO_PRIOR[n];
    const r = range(h.option, given[n], h.dflt, null);
    if (r[0] < h.within[0] || r[1] > h.within[1]) throw new InputError(h.option, `[${r[0]}, ${r[1]}] leaves [${h.within[0]}, ${h.within[1]}], where ${n} is defined; narrow the range`);
    lo.push(r[0]);
    hi.push(r[1]);
  }
  return { names: [...names], lo, hi };
}

/** Builds and validates the prior (see the module header). @throws InputError naming the option. */
export function fitPrior(o: FitPriorOptions): FitPrior {
  const dom = o.domain ?? TRAINING_DOMAIN_V1;
  const lim = o.limits ?? dom;
  const what = lim === TRAINING_DOMAIN_V1 ? "the surrogate's training domain" : "the model's domain";
  const incPrior = o.incPrior ?? o.inc ?? 'uniform';
  if (incPrior !== 'uniform' && incPrior !== 'isotropic') throw new InputError('inc_prior', `is ${JSON.stringify(incPrior)}; use uniform or isotropic`);
  const P = PARAMETERS;
  const beta = range(P.beta_z.option, o.betaZ, dom.box.beta_z, lim.box.beta_z, what);
  const qm = range(P.q_m.option, o.qM, dom.box.q_M, lim.box.q_M, what);
  const incRange = range(P.inc_deg.option, o.incDeg, dom.box.inc_deg, lim.box.inc_deg, what);
  const nGroups = o.betaGroups ?? 1;
  if (!(Number.isInteger(nGroups) && nGroups >= 1 && nGroups <= 10)) throw new InputError('beta_groups', `gives ${nGroups} groups; give 1 to 10`);
  const mbhR = o.log10Mbh ? range(P.log10_mbh.option, o.log10Mbh, o.log10Mbh, P.log10_mbh.limits, 'log10 M_BH in') : null;
  const ml = range(P.log10_ml.option, o.ml, P.log10_ml.prior!, null);
  if (!(ml[0] > 0)) throw new InputError(P.log10_ml.option, `[${ml[0]}, ${ml[1]}]: M/L must be > 0 (the prior is log-uniform)`);
  const src = o.lightSource ?? 'photometry';
  const q = Float64Array.from(o.light.qobs);
  const qLight = luminosityWeightedQ(o.light);
  if (!(qLight >= lim.box.q_L[0])) {
    throw new InputError(src, `the light's luminosity-weighted q' = ${qLight.toFixed(3)} is flatter than ${what}'s q_L >= ${lim.box.q_L[0]}`);
  }
  let qMin = Infinity;
  for (const v of q) qMin = Math.min(qMin, v);
  const qIntrMin = dom.qIntrMin;
  if (!(intrinsicQ(qMin, incRange[1]) >= qIntrMin)) {
    throw new InputError(src, `its flattest Gaussian (q' = ${qMin}) cannot be deprojected at any inclination of the prior (<= ${incRange[1]} deg); check the MGE`);
  }
  const sampleMl = o.mlMode === 'sample';
  const hasQm = o.massModel === 'qm';
  const hb = haloPriorBlock(o);
  const betaNames = nGroups === 1 ? ['beta_z'] : Array.from({ length: nGroups }, (_, g) => `beta_z_${g + 1}`);
  const rep = <T,>(v: T) => betaNames.map(() => v);
  const names = [...betaNames, ...(hasQm ? ['q_m'] : []), 'inc_deg', ...(sampleMl ? ['log10_ml'] : []), ...(mbhR ? ['log10_mbh'] : []), ...hb.names];
  const lo = Float64Array.from([...rep(beta[0]), ...(hasQm ? [qm[0]] : []), incRange[0], ...(sampleMl ? [Math.log10(ml[0])] : []), ...(mbhR ? [mbhR[0]] : []), ...hb.lo]);
  const hi = Float64Array.from([...rep(beta[1]), ...(hasQm ? [qm[1]] : []), incRange[1], ...(sampleMl ? [Math.log10(ml[1])] : []), ...(mbhR ? [mbhR[1]] : []), ...hb.hi]);
  const iQm = hasQm ? nGroups : -1;
  const iIncDeg = nGroups + (hasQm ? 1 : 0);
  const iMl = sampleMl ? iIncDeg + 1 : -1;
  const iMbh = mbhR ? iIncDeg + 1 + (sampleMl ? 1 : 0) : -1;
  const iHalo = names.length - hb.names.length;
  const isotropic = incPrior === 'isotropic';

  function logPrior(x: ArrayLike<number>): number {
    for (let k = 0; k < lo.length; k++) if (!(x[k] >= lo[k] && x[k] <= hi[k])) return -Infinity;
    const incDeg = x[iIncDeg];
    // The light's flattest Gaussian sets the lowest inclination it can be seen at.
    if (!(intrinsicQ(qMin, incDeg) >= qIntrMin)) return -Infinity;
    if (hasQm && !(intrinsicQ(x[iQm], incDeg) >= qIntrMin)) return -Infinity;
    const betaMax = dom.betaEpsFactor * (1 - intrinsicQ(qLight, incDeg));
    for (let g = 0; g < nGroups; g++) if (!(x[g] < betaMax)) return -Infinity;
    return isotropic ? Math.log(Math.sin(incDeg * DEG)) : 0;
  }

  function unpack(x: ArrayLike<number>, out: GridParams = newGridParams()): GridParams {
    out.betaZ = x[0];
    if (nGroups > 1) {
      // Reuse the caller's array (a likelihood's hot loop) but never share one between outs.
      const bg = out.betaGroups instanceof Float64Array && out.betaGroups.length === nGroups ? out.betaGroups : new Float64Array(nGroups);
      for (let g = 0; g < nGroups; g++) bg[g] = x[g];
      out.betaGroups = bg;
    } else out.betaGroups = undefined;
    out.qM = hasQm ? x[iQm] : 1;
    out.incDeg = x[iIncDeg];
    out.ml = iMl >= 0 ? 10 ** x[iMl] : 1;
    out.mbh = iMbh >= 0 ? 10 ** x[iMbh] : undefined;
    // The halo's parameters, or none (the same `out` may be reused across prior types).
    out.fDm = hb.names.length ? x[iHalo] : undefined;
    out.log10Rs = hb.names.length ? x[iHalo + 1] : undefined;
    out.gamma = hb.names.length > 2 ? x[iHalo + 2] : undefined;
    return out;
  }

  function draw(rng: Rng): Float64Array {
    const x = new Float64Array(names.length);
    const cLo = Math.cos(incRange[1] * DEG);
    const cHi = Math.cos(incRange[0] * DEG);
    for (let t = 0; t < 100000; t++) {
      for (let k = 0; k < x.length; k++) x[k] = lo[k] + (hi[k] - lo[k]) * rng.uniform();
      if (isotropic) x[iIncDeg] = Math.acos(cLo + (cHi - cLo) * rng.uniform()) / DEG;
      if (logPrior(x) > -Infinity) return x;
    }
    throw new InputError('prior', `no point of the prior satisfies cos i < q' and beta_z < ${dom.betaEpsFactor} eps_intr for this photometry; widen --inc-range or --beta-range`);
  }

  const constraints = [
    ...(hasQm ? [{ name: `intrinsic q of the mass (from q_M and i) >= ${qIntrMin}`, slack: (x: ArrayLike<number>) => intrinsicQ(x[iQm], x[iIncDeg]) - qIntrMin }] : []),
    { name: `intrinsic q of the light's flattest Gaussian (q' ${+qMin.toPrecision(4)}) >= ${qIntrMin}`, slack: (x: ArrayLike<number>) => intrinsicQ(qMin, x[iIncDeg]) - qIntrMin },
    ...betaNames.map((bn, g) => ({ name: `${bn} < ${dom.betaEpsFactor} eps_intr of the light (q' ${+qLight.toPrecision(4)})`, slack: (x: ArrayLike<number>) => dom.betaEpsFactor * (1 - intrinsicQ(qLight, x[iIncDeg])) - x[g] })),
  ];
  return { names, lo, hi, qLight, logPrior, unpack, draw, constraints };
}

/**
 * `prior` with one more column `name`, uniform over [lo, hi] (in the column's own units), appended
 * last: the base prior's columns, constraints, unpack and draws are unchanged (its logPrior and
 * unpack read only their leading columns), and a draw takes the base draw and then one uniform
 * number. The sampled noise term (systematics.ts) and kappa (v-sigma.ts) are such columns.
 */
export function withUniformColumn(prior: FitPrior, name: string, lo: number, hi: number): FitPrior {
  const k = prior.names.length;
  return {
    ...prior,
    names: [...prior.names, name],
    lo: Float64Array.from([...prior.lo, lo]),
    hi: Float64Array.from([...prior.hi, hi]),
    logPrior(x) {
      if (!(x[k] >= lo && x[k] <= hi)) return -Infinity;
      return prior.logPrior(x);
    },
    draw(rng: Rng) {
      const x = new Float64Array(k + 1);
      x.set(prior.draw(rng));
      x[k] = lo + (hi - lo) * rng.uniform();
      return x;
    },
  };
}
