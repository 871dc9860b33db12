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
 */
import { InputError } from '../core/errors.ts';
import { intrinsicQ } from '../src/jam/deproject.ts';
import { luminosityWeightedQ } from '../src/photometry/mge.ts';
import { TRAINING_DOMAIN_V1, type TrainingDomain } from '../src/surrogate/domain.ts';
import type { Rng } from '../samplers/rng.ts';
import type { GridParams, MassModel } from './grid-model.ts';
import type { MlMode } from './vrms-grid.ts';

export type IncPrior = 'uniform' | 'isotropic';

export interface FitPriorOptions {
  massModel: MassModel;
  mlMode: MlMode;
  /** Default 'uniform' (in degrees). */
  inc?: IncPrior;
  /** [lo, hi] ranges; defaults: the training domain's box, M/L [0.1, 10]. */
  betaZ?: readonly [number, number];
  qM?: readonly [number, number];
  incDeg?: readonly [number, number];
  ml?: readonly [number, number];
  /** The light MGE (its q' set the constraints). */
  light: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number> };
  /** Where the light came from (named in errors), e.g. the photometry file. */
  lightSource?: string;
  domain?: TrainingDomain;
}

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
}

const DEG = Math.PI / 180;

function range(name: string, r: readonly [number, number] | undefined, dflt: readonly [number, number], within: readonly [number, number] | null): [number, number] {
  const v = r ?? dflt;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((t) => typeof t === 'number' && Number.isFinite(t)) || !(v[0] < v[1])) {
    throw new InputError(name, `is ${JSON.stringify(v)}; give lo,hi with finite lo < hi`);
  }
  if (within && (v[0] < within[0] - 1e-12 || v[1] > within[1] + 1e-12)) {
    throw new InputError(name, `[${v[0]}, ${v[1]}] leaves the training domain [${within[0]}, ${within[1]}]; narrow the prior`);
  }
  return [v[0], v[1]];
}

/** Builds and validates the prior (see the module header). @throws InputError naming the option. */
export function fitPrior(o: FitPriorOptions): FitPrior {
  const dom = o.domain ?? TRAINING_DOMAIN_V1;
  const inc = o.inc ?? 'uniform';
  if (inc !== 'uniform' && inc !== 'isotropic') throw new InputError('--prior-inc', `is ${JSON.stringify(inc)}; use uniform or isotropic`);
  const beta = range('--beta-range', o.betaZ, dom.box.beta_z, dom.box.beta_z);
  const qm = range('--qm-range', o.qM, dom.box.q_M, dom.box.q_M);
  const incR = range('--inc-range', o.incDeg, dom.box.inc_deg, dom.box.inc_deg);
  const ml = range('--ml-range', o.ml, [0.1, 10], null);
  if (!(ml[0] > 0)) throw new InputError('--ml-range', `[${ml[0]}, ${ml[1]}]: M/L must be > 0 (the prior is log-uniform)`);
  const src = o.lightSource ?? 'photometry';
  const q = Float64Array.from(o.light.qobs);
  const qLight = luminosityWeightedQ(o.light);
  if (!(qLight >= dom.box.q_L[0])) {
    throw new InputError(src, `the light's luminosity-weighted q' = ${qLight.toFixed(3)} is flatter than the training domain's q_L >= ${dom.box.q_L[0]}`);
  }
  let qMin = Infinity;
  for (const v of q) qMin = Math.min(qMin, v);
  const qIntrMin = dom.qIntrMin;
  if (!(intrinsicQ(qMin, incR[1]) >= qIntrMin)) {
    throw new InputError(src, `its flattest Gaussian (q' = ${qMin}) cannot be deprojected at any inclination of the prior (<= ${incR[1]} deg); check the MGE`);
  }
  const sampleMl = o.mlMode === 'sample';
  const hasQm = o.massModel === 'qm';
  const names = ['beta_z', ...(hasQm ? ['q_m'] : []), 'inc_deg', ...(sampleMl ? ['log10_ml'] : [])];
  const lo = Float64Array.from([beta[0], ...(hasQm ? [qm[0]] : []), incR[0], ...(sampleMl ? [Math.log10(ml[0])] : [])]);
  const hi = Float64Array.from([beta[1], ...(hasQm ? [qm[1]] : []), incR[1], ...(sampleMl ? [Math.log10(ml[1])] : [])]);
  const iInc = hasQm ? 2 : 1;
  const iMl = sampleMl ? names.length - 1 : -1;
  const isotropic = inc === 'isotropic';

  function logPrior(x: ArrayLike<number>): number {
    for (let k = 0; k < lo.length; k++) if (!(x[k] >= lo[k] && x[k] <= hi[k])) return -Infinity;
    const i = x[iInc];
    // The light's flattest Gaussian sets the lowest inclination it can be seen at.
    if (!(intrinsicQ(qMin, i) >= qIntrMin)) return -Infinity;
    if (hasQm && !(intrinsicQ(x[1], i) >= qIntrMin)) return -Infinity;
    if (!(x[0] < dom.betaEpsFactor * (1 - intrinsicQ(qLight, i)))) return -Infinity;
    return isotropic ? Math.log(Math.sin(i * DEG)) : 0;
  }

  function unpack(x: ArrayLike<number>, out: GridParams = { betaZ: 0, qM: 1, incDeg: 90, ml: 1 }): GridParams {
    out.betaZ = x[0];
    out.qM = hasQm ? x[1] : 1;
    out.incDeg = x[iInc];
    out.ml = iMl >= 0 ? 10 ** x[iMl] : 1;
    return out;
  }

  function draw(rng: Rng): Float64Array {
    const x = new Float64Array(names.length);
    const cLo = Math.cos(incR[1] * DEG);
    const cHi = Math.cos(incR[0] * DEG);
    for (let t = 0; t < 100000; t++) {
      for (let k = 0; k < x.length; k++) x[k] = lo[k] + (hi[k] - lo[k]) * rng.uniform();
      if (isotropic) x[iInc] = Math.acos(cLo + (cHi - cLo) * rng.uniform()) / DEG;
      if (logPrior(x) > -Infinity) return x;
    }
    throw new InputError('prior', `no point of the prior satisfies cos i < q' and beta_z < ${dom.betaEpsFactor} eps_intr for this photometry; widen --inc-range or --beta-range`);
  }

  return { names, lo, hi, qLight, logPrior, unpack, draw };
}
