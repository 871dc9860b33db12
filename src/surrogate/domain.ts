/**
 * The surrogate's training domain: a box in (n, q_L, q_M, beta_z, inc_deg) with physical
 * constraints, and its seeded sampler.
 *
 * Box (contains Table 1 of Simon et al., widened where it costs little): Sérsic index n in
 * [1, 6] (Table 1: [2, 4]); observed axial ratios of light and mass q_L, q_M in [0.4, 1]
 * (Table 1: [0.6, 1]); beta_z in [-0.4, 0.4]; inclination in [arccos(0.6), 90] deg (53.13..90).
 * Constraints (every draw satisfies all of them):
 *  1. q_L >= hypot(cos i, 0.05 sin i): the light deprojects with intrinsic q_L,intr >= 0.05
 *     (src/jam/deproject.ts refuses flatter Gaussians). Below q' = 0.6 this is what ties q_L to i.
 *  2. q_M >= hypot(cos i, 0.05 sin i): the mass MGE (the light's surf and sigma with q' = q_M) is
 *     deprojected too, so it needs the same bound; without it JAM cannot evaluate the model.
 *  3. beta_z < 0.7 eps_intr with eps_intr = 1 - q_intr of the LIGHT at that inclination,
 *     q_intr = sqrt(q_L^2 - cos^2 i) / sin i (Simon et al.'s physical limit; the anisotropy is a
 *     property of the tracer's orbits).
 * n is not constrained, so its marginal is uniform; q_M is uniform given i wherever constraint 2
 * is inactive (q_M >= 0.61 for every i in the box).
 *
 * Sampling: uniform over the box, rejection on the constraints. Draw k uses its own generator
 * seeded with (seed, k), so it depends only on the seed and k, never on chunking or workers.
 */
import { Rng } from '../../samplers/rng.ts';
import { InputError } from '../../core/errors.ts';
import { intrinsicQ } from '../jam/deproject.ts';

/** Parameter order of a draw (and of the training set's parameter columns). */
export const DOMAIN_PARAMS = ['n', 'q_L', 'q_M', 'beta_z', 'inc_deg'] as const;
export type DomainParam = (typeof DOMAIN_PARAMS)[number];

export interface TrainingDomain {
  /** Closed ranges [lo, hi] of each parameter (inc_deg in degrees, 90 = edge-on). */
  box: Record<DomainParam, readonly [number, number]>;
  /** beta_z < betaEpsFactor * (1 - q_intr of the light). */
  betaEpsFactor: number;
  /** Smallest intrinsic axial ratio of light and mass. */
  qIntrMin: number;
}

const INC_MIN_DEG = (Math.acos(0.6) * 180) / Math.PI;

export const TRAINING_DOMAIN_V1: TrainingDomain = {
  box: {
    n: [1, 6],
    q_L: [0.4, 1],
    q_M: [0.4, 1],
    beta_z: [-0.4, 0.4],
    inc_deg: [INC_MIN_DEG, 90],
  },
  betaEpsFactor: 0.7,
  qIntrMin: 0.05,
};

/**
 * null when p (in DOMAIN_PARAMS order) lies in the domain, otherwise a sentence naming the first
 * violated bound or constraint.
 */
export function domainViolation(domain: TrainingDomain, p: ArrayLike<number>): string | null {
  for (let j = 0; j < DOMAIN_PARAMS.length; j++) {
    const [lo, hi] = domain.box[DOMAIN_PARAMS[j]];
    if (!(p[j] >= lo && p[j] <= hi)) return `${DOMAIN_PARAMS[j]} = ${p[j]} is outside [${lo}, ${hi}]`;
  }
  const qL = p[1], qM = p[2], beta = p[3], incDeg = p[4];
  // intrinsicQ clamps q' < cos i to 0, which the qIntrMin test then rejects.
  const qLi = intrinsicQ(qL, incDeg);
  if (!(qLi >= domain.qIntrMin)) return `q_L = ${qL} at inc_deg = ${incDeg} gives intrinsic q ${qLi} < ${domain.qIntrMin}`;
  const qMi = intrinsicQ(qM, incDeg);
  if (!(qMi >= domain.qIntrMin)) return `q_M = ${qM} at inc_deg = ${incDeg} gives intrinsic q ${qMi} < ${domain.qIntrMin}`;
  const limit = domain.betaEpsFactor * (1 - qLi);
  if (!(beta < limit)) return `beta_z = ${beta} is not < ${domain.betaEpsFactor} eps_intr = ${limit} (q_L = ${qL}, inc_deg = ${incDeg})`;
  return null;
}

/** Checks a domain object (e.g. read back from a manifest). Throws InputError naming the field. */
export function checkDomain(domain: TrainingDomain, where = 'domain'): TrainingDomain {
  if (!domain || typeof domain !== 'object' || !domain.box) throw new InputError(where, 'missing; give {box, betaEpsFactor, qIntrMin}');
  for (const k of DOMAIN_PARAMS) {
    const r = domain.box[k];
    if (!r || !(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] <= r[1])) throw new InputError(`${where}.box.${k}`, `is ${JSON.stringify(r)}; give [lo, hi] with lo <= hi`);
  }
  if (!(domain.betaEpsFactor > 0)) throw new InputError(`${where}.betaEpsFactor`, `is ${domain.betaEpsFactor}; give a number > 0`);
  if (!(domain.qIntrMin > 0 && domain.qIntrMin < 1)) throw new InputError(`${where}.qIntrMin`, `is ${domain.qIntrMin}; give a number in (0, 1)`);
  return domain;
}

/** Upper bound on rejection rounds for one draw; the v1 domain accepts ~60% of box draws. */
const MAX_TRIES = 10000;

/**
 * Draw k (integer >= 0) of the domain under `seed` (integer): a Float64Array in DOMAIN_PARAMS
 * order, uniform over the box subject to the constraints. Pure: the same (domain, seed, k) always
 * gives the same draw. Throws RangeError if the constraints leave (almost) nothing of the box.
 */
export function drawDomain(domain: TrainingDomain, seed: number, k: number): Float64Array {
  const rng = new Rng(`jamfit-domain:${seed}:${k}`);
  const p = new Float64Array(DOMAIN_PARAMS.length);
  for (let t = 0; t < MAX_TRIES; t++) {
    for (let j = 0; j < DOMAIN_PARAMS.length; j++) {
      const [lo, hi] = domain.box[DOMAIN_PARAMS[j]];
      p[j] = lo + (hi - lo) * rng.uniform();
    }
    if (domainViolation(domain, p) === null) return p;
  }
  throw new RangeError(`drawDomain: no draw satisfied the domain constraints in ${MAX_TRIES} tries; the box and constraints leave no volume`);
}
