/**
 * A family of realistic galaxy photometries, as MGEs: the training photometry of the
 * multi-component surrogate (mass follows light). Draw k of a seed depends only on (seed, k).
 *
 * Two branches:
 *  - 'sersic' (fraction `sersicFraction`): one Sérsic, n in [1, 6], q' in [0.4, 1], the v1
 *    training box (src/surrogate/domain.ts), so the single-Sérsic galaxies of today's surrogate
 *    stay inside the family;
 *  - 'composite': a Sérsic bulge + an exponential-like disc + (sometimes) a nucleus, every
 *    Gaussian then jittered. The ranges, and where they come from:
 *    - bulge n_b in [1.5, 6], q'_b in [0.6, 1]: pseudo-bulges near n ~ 1.5-2, classical bulges
 *      and ellipticals up to n ~ 6 (Fisher & Drory 2008, AJ 136, 773; Gadotti 2009, MNRAS 393,
 *      1531, Fig. 9); bulges are rounder than discs (Méndez-Abreu et al. 2017, A&A 598, A32:
 *      CALIFA bulge q' mostly 0.6-1);
 *    - disc n_d in [0.7, 1.3] (exponential, Freeman 1970, with the spread of free-n fits),
 *      q'_d in [0.15, 0.6] (the flat component of an S0/spiral seen away from face-on; ATLAS3D
 *      fast rotators have their flattest Gaussian at q' ~ 0.2-0.6, Scott et al. 2013, MNRAS 432,
 *      1894);
 *    - bulge-to-total B/T uniform in [0, 1] (Simard et al. 2011, ApJS 196, 11 and Meert et al.
 *      2015, MNRAS 446, 3943 span the whole range);
 *    - R_e,bulge / R_e,disc log-uniform in [0.08, 1.5]: r_e/h ~ 0.1-1 for bulges of discs
 *      (Gadotti 2009; Méndez-Abreu et al. 2017), i.e. R_e,b/R_e,d ~ 0.06-0.6, widened upwards
 *      for ellipticals with embedded discs (Krajnović et al. 2013, MNRAS 432, 1768);
 *    - nucleus (probability `nucleusProbability`): one round Gaussian (q' in [0.7, 1]) of
 *      dispersion 10^[-2.3, -1.3] R_e,disc and 10^[-4, -2] of the total light (nuclear star
 *      clusters hold ~0.3% of the host's light, Côté et al. 2006, ApJS 165, 57; Georgiev & Böker
 *      2014, MNRAS 441, 3570);
 *    - jitter of every Gaussian of a composite: surf x 10^N(0, 0.05), sigma x 10^N(0, 0.02), q' + N(0, 0.02)
 *      (kept in [q'_min, 1]), so the training MGEs are not all exact sums of two Sérsic fits, as
 *      no observed MGE is.
 * Units: the disc's (or the single Sérsic's) R_e is 1 arcsec and its I_e 1 Lsun/pc^2 before the
 * bulge is scaled to the drawn B/T; users of the family measure the MGE's own half-light
 * isophote (src/photometry/half-light.ts) and work in those units.
 */
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { mgeTotal, type Mge } from './mge.ts';
import { sersicToMge } from './sersic-mge.ts';

export interface GalaxyFamily {
  /** Probability of the single-Sérsic branch, [0, 1]. */
  sersicFraction: number;
  sersic: { n: readonly [number, number]; q: readonly [number, number] };
  bulge: { n: readonly [number, number]; q: readonly [number, number] };
  disc: { n: readonly [number, number]; q: readonly [number, number] };
  bulgeToTotal: readonly [number, number];
  /** log10 (R_e,bulge / R_e,disc) range. */
  log10SizeRatio: readonly [number, number];
  nucleusProbability: number;
  /** log10 (sigma_nucleus / R_e,disc) and log10 (L_nucleus / L_total) ranges. */
  nucleusLog10Sigma: readonly [number, number];
  nucleusLog10Fraction: readonly [number, number];
  nucleusQ: readonly [number, number];
  /** Standard deviations of the per-Gaussian jitter: dex in surf, dex in sigma, absolute in q'. */
  jitter: { log10Surf: number; log10Sigma: number; q: number };
  /** Smallest q' any jittered Gaussian may take. */
  qMin: number;
  /** Gaussians of each Sérsic component's MGE (the single Sérsic, the bulge, the disc). */
  gaussians: { sersic: number; bulge: number; disc: number };
}

export const GALAXY_FAMILY_V1: GalaxyFamily = {
  sersicFraction: 0.2,
  sersic: { n: [1, 6], q: [0.4, 1] },
  bulge: { n: [1.5, 6], q: [0.6, 1] },
  disc: { n: [0.7, 1.3], q: [0.15, 0.6] },
  bulgeToTotal: [0, 1],
  log10SizeRatio: [Math.log10(0.08), Math.log10(1.5)],
  nucleusProbability: 0.5,
  nucleusLog10Sigma: [-2.3, -1.3],
  nucleusLog10Fraction: [-4, -2],
  nucleusQ: [0.7, 1],
  jitter: { log10Surf: 0.05, log10Sigma: 0.02, q: 0.02 },
  qMin: 0.12,
  gaussians: { sersic: 12, bulge: 10, disc: 8 },
};

/** The drawn family parameters (NaN where a branch has none). */
export interface FamilyParams {
  /** 0 = single Sérsic, 1 = composite. */
  composite: 0 | 1;
  nBulge: number;
  qBulge: number;
  nDisc: number;
  qDisc: number;
  bulgeToTotal: number;
  sizeRatio: number;
  /** L_nucleus / L_total, 0 without a nucleus. */
  nucleusFraction: number;
  /** sigma of the nucleus in units of R_e,disc, NaN without one. */
  nucleusSigma: number;
}

/** The order of FamilyParams as numbers (the training set's columns). */
export const FAMILY_PARAM_NAMES = ['composite', 'nBulge', 'qBulge', 'nDisc', 'qDisc', 'bulgeToTotal', 'sizeRatio', 'nucleusFraction', 'nucleusSigma'] as const;

export interface FamilyGalaxy {
  params: FamilyParams;
  /** The light MGE, sorted by sigma (surf Lsun/pc^2, sigma arcsec, qobs). */
  mge: Mge;
}

const uniform = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.uniform();

function concat(parts: { surf: ArrayLike<number>; sigma: ArrayLike<number>; qobs: ArrayLike<number>; scale: number }[]): { surf: number[]; sigma: number[]; qobs: number[] } {
  const surf: number[] = [], sigma: number[] = [], qobs: number[] = [];
  for (const p of parts) {
    for (let k = 0; k < p.surf.length; k++) {
      surf.push(p.surf[k] * p.scale);
      sigma.push(p.sigma[k]);
      qobs.push(p.qobs[k]);
    }
  }
  return { surf, sigma, qobs };
}

/**
 * Draw k (integer >= 0) of `family` under `seed`. Pure: the same (family, seed, k) always gives
 * the same galaxy. Every Gaussian has surf > 0, sigma > 0 and q' in [family.qMin, 1].
 */
export function drawFamilyGalaxy(seed: number, k: number, family: GalaxyFamily = GALAXY_FAMILY_V1): FamilyGalaxy {
  const rng = new Rng(`jamfit-galaxy-family:${seed}:${k}`);
  const nan = Number.NaN;
  let raw: { surf: number[]; sigma: number[]; qobs: number[] };
  let params: FamilyParams;
  if (rng.uniform() < family.sersicFraction) {
    const n = uniform(rng, family.sersic.n);
    const q = uniform(rng, family.sersic.q);
    const m = sersicToMge({ n, Re: 1, Ie: 1, qobs: q }, { ngauss: family.gaussians.sersic });
    raw = concat([{ ...m, scale: 1 }]);
    params = { composite: 0, nBulge: n, qBulge: q, nDisc: nan, qDisc: nan, bulgeToTotal: 1, sizeRatio: nan, nucleusFraction: 0, nucleusSigma: nan };
  } else {
    const nBulge = uniform(rng, family.bulge.n);
    const qBulge = uniform(rng, family.bulge.q);
    const nDisc = uniform(rng, family.disc.n);
    const qDisc = uniform(rng, family.disc.q);
    const bt = uniform(rng, family.bulgeToTotal);
    const sizeRatio = 10 ** uniform(rng, family.log10SizeRatio);
    const hasNucleus = rng.uniform() < family.nucleusProbability;
    const nucFrac = 10 ** uniform(rng, family.nucleusLog10Fraction);
    const nucSigma = 10 ** uniform(rng, family.nucleusLog10Sigma);
    const nucQ = uniform(rng, family.nucleusQ);
    const disc = sersicToMge({ n: nDisc, Re: 1, Ie: 1, qobs: qDisc }, { ngauss: family.gaussians.disc });
    const bulge = sersicToMge({ n: nBulge, Re: sizeRatio, Ie: 1, qobs: qBulge }, { ngauss: family.gaussians.bulge });
    const lDisc = mgeTotal(disc);
    const lBulge = mgeTotal(bulge);
    // Scale the bulge to the drawn B/T; the ends (a pure disc or a pure bulge) keep one component.
    const parts: Parameters<typeof concat>[0] = [];
    if (bt < 1) parts.push({ ...disc, scale: 1 });
    if (bt > 0) parts.push({ ...bulge, scale: bt < 1 ? (bt / (1 - bt)) * (lDisc / lBulge) : 1 });
    raw = concat(parts);
    if (hasNucleus) {
      const lNuc = (nucFrac / (1 - nucFrac)) * mgeTotal(raw);
      raw.surf.push(lNuc / (2 * Math.PI * nucSigma ** 2 * nucQ));
      raw.sigma.push(nucSigma);
      raw.qobs.push(nucQ);
    }
    params = {
      composite: 1, nBulge, qBulge, nDisc, qDisc, bulgeToTotal: bt, sizeRatio,
      nucleusFraction: hasNucleus ? nucFrac : 0, nucleusSigma: hasNucleus ? nucSigma : nan,
    };
  }
  // The Sérsic branch is not jittered: it is today's training family, exactly.
  const j = params.composite ? family.jitter : { log10Surf: 0, log10Sigma: 0, q: 0 };
  const idx = raw.sigma.map((_, i) => i);
  const surf = new Float64Array(idx.length), sigma = new Float64Array(idx.length), qobs = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    surf[i] = raw.surf[i] * 10 ** (j.log10Surf * rng.normal());
    sigma[i] = raw.sigma[i] * 10 ** (j.log10Sigma * rng.normal());
    qobs[i] = Math.min(1, Math.max(family.qMin, raw.qobs[i] + j.q * rng.normal()));
  }
  idx.sort((a, b) => sigma[a] - sigma[b]);
  return {
    params,
    mge: { surf: Float64Array.from(idx, (i) => surf[i]), sigma: Float64Array.from(idx, (i) => sigma[i]), qobs: Float64Array.from(idx, (i) => qobs[i]) },
  };
}

/** FamilyParams as numbers in FAMILY_PARAM_NAMES order. */
export function familyParamVector(p: FamilyParams): number[] {
  return FAMILY_PARAM_NAMES.map((k) => p[k]);
}

/** Checks a family object (e.g. read back from a manifest). Throws InputError naming the field. */
export function checkGalaxyFamily(f: GalaxyFamily, where = 'galaxies'): GalaxyFamily {
  if (!f || typeof f !== 'object') throw new InputError(where, 'missing; give a galaxy family (GALAXY_FAMILY_V1)');
  const range = (name: string, r: unknown, lo: number, hi: number) => {
    const a = r as number[];
    if (!Array.isArray(a) || a.length !== 2 || !(a[0] >= lo && a[0] <= a[1] && a[1] <= hi)) throw new InputError(`${where}.${name}`, `is ${JSON.stringify(r)}; give [lo, hi] with ${lo} <= lo <= hi <= ${hi}`);
  };
  const prob = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new InputError(`${where}.${name}`, `is ${JSON.stringify(v)}; give a probability in [0, 1]`);
  };
  prob('sersicFraction', f.sersicFraction);
  prob('nucleusProbability', f.nucleusProbability);
  range('sersic.n', f.sersic?.n, 0.2, 20);
  range('bulge.n', f.bulge?.n, 0.2, 20);
  range('disc.n', f.disc?.n, 0.2, 20);
  if (!(f.qMin > 0.05 && f.qMin <= 1)) throw new InputError(`${where}.qMin`, `is ${f.qMin}; give a number in (0.05, 1]`);
  range('sersic.q', f.sersic?.q, f.qMin, 1);
  range('bulge.q', f.bulge?.q, f.qMin, 1);
  range('disc.q', f.disc?.q, f.qMin, 1);
  range('nucleusQ', f.nucleusQ, f.qMin, 1);
  range('bulgeToTotal', f.bulgeToTotal, 0, 1);
  range('log10SizeRatio', f.log10SizeRatio, -3, 3);
  range('nucleusLog10Sigma', f.nucleusLog10Sigma, -5, 0);
  range('nucleusLog10Fraction', f.nucleusLog10Fraction, -8, -0.5);
  for (const k of ['log10Surf', 'log10Sigma', 'q'] as const) {
    const v = f.jitter?.[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= 0.5)) throw new InputError(`${where}.jitter.${k}`, `is ${JSON.stringify(v)}; give a standard deviation in [0, 0.5]`);
  }
  for (const k of ['sersic', 'bulge', 'disc'] as const) {
    const v = f.gaussians?.[k];
    if (!Number.isInteger(v) || v < 1 || v > 30) throw new InputError(`${where}.gaussians.${k}`, `is ${JSON.stringify(v)}; give an integer in [1, 30]`);
  }
  return f;
}
