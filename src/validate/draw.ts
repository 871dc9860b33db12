/**
 * The galaxies of `jamfit validate` and their truths, drawn from the prior that `jamfit fit`
 * uses, so that simulation-based calibration holds by construction.
 *
 * Galaxy k under --seed s uses its own generator Rng(`jamfit-validate:s:k`), so it depends only on
 * (s, k), never on N, the order or what ran before. In draw order:
 *  1. the light: a Sérsic profile with n ~ U[1, 6] and q' = q_L ~ U[0.4, 1] (the surrogate's
 *     training box, src/surrogate/domain.ts), R_e = 10", I_e = 500 Lsun/pc^2: the bundled mock's
 *     (fixtures/examples/mock-galaxy) size and brightness;
 *  2. the parameters (validateColumns(massModel): beta_z, q_M, inc_deg, log10 M/L for the 'qm'
 *     mass model; beta_z, inc_deg, log10 M/L for 'light', mass follows light) from `jamfit fit`'s
 *     default prior for that light and mass model (likelihoods/fit-prior.ts): uniform over the
 *     training box in beta_z, q_M, inc_deg, log-uniform M/L in [0.1, 10], restricted to cos i < q'
 *     (intrinsic q >= 0.05 for light and, in 'qm', mass) and beta_z < 0.7 eps_intr. This is the
 *     conditional prior p(theta | light) the fit samples, which is all SBC needs: the photometry is
 *     data the fit conditions on, so how it is drawn does not matter for calibration;
 *  3. the mock's noise seed and the fit's seed (integers in [0, 2^32)), separate streams so that
 *     the noise and the sampler never share random numbers.
 * The prior depends on the light only through its q' (all Gaussians of a Sérsic MGE share q_L,
 * so the light-weighted q' is q_L), hence a one-Gaussian stand-in of that q' gives the same prior
 * without expanding the Sérsic profile; the fit builds its prior from the full MGE.
 *
 * `--photometry family` (mass follows light only) replaces step 1 by a galaxy of the training
 * family of the multi-component surrogate (src/photometry/galaxy-family.ts drawFamilyGalaxy: 20%
 * single Sérsic, 80% bulge + disc + nucleus, jittered), drawn from its own generator seeded with
 * (seed, k) and scaled to the same R_e (10") and I_e (500 Lsun/pc^2) at the half-light ellipse;
 * the prior is then the fit's for that whole MGE under the engines' limits of mass following
 * light (EXACT_LIMITS, which the multi-component surrogate shares but for its beta_z box, the
 * default range anyway; its flattest q' bounds the inclination, its luminosity-weighted q' the
 * anisotropy), and the mock's photometry is that MGE, written in full
 * precision so the fit reads the same Gaussians.
 *
 * Observation (the bundled mock's): 3" square spaxels within the elliptical radius 2 R_e (axis
 * ratio q_L), a 1" Gaussian PSF, 3" pixels, Gaussian noise of 5% of V_rms, D = 20 Mpc.
 */
import { EXACT_LIMITS, fitPrior } from '../../likelihoods/fit-prior.ts';
import type { MassModel } from '../../likelihoods/grid-model.ts';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { drawFamilyGalaxy, type FamilyParams } from '../photometry/galaxy-family.ts';
import { inHalfLightUnits } from '../photometry/half-light.ts';
import { TRAINING_DOMAIN_V1, type TrainingDomain } from '../surrogate/domain.ts';

/** The observation every validation mock shares (units in the names). */
export const VALIDATE_SETUP = {
  re_arcsec: 10,
  ie_lsun_pc2: 500,
  distance_mpc: 20,
  pixel_arcsec: 3,
  psf_sigma_arcsec: 1,
  pixsize_arcsec: 3,
  noise_frac: 0.05,
} as const;

/** The mass models `jamfit validate` calibrates (`--mass-model`). */
export const VALIDATE_MASS_MODELS = ['qm', 'light'] as const satisfies readonly MassModel[];
export type ValidateMassModel = (typeof VALIDATE_MASS_MODELS)[number];

/**
 * The calibrated columns of a mass model: the fit prior's parameter names (M/L sampled), which
 * chain.npy's last axis starts with (nuisance columns such as log10_f_sys follow).
 */
export function validateColumns(massModel: ValidateMassModel): string[] {
  return fitPrior({ massModel, mlMode: 'sample', light: { surf: [1], sigma: [1], qobs: [1] }, lightSource: 'validate' }).names.slice();
}

/** The light of the mocks (`--photometry`): a Sérsic profile, or a galaxy of the multi-component family. */
export const VALIDATE_PHOTOMETRY = ['sersic', 'family'] as const;
export type ValidatePhotometry = (typeof VALIDATE_PHOTOMETRY)[number];

/** A light MGE in physical units: surf Lsun/pc^2, sigma arcsec, observed q'. */
export interface MgeLight {
  surf: number[];
  sigma: number[];
  qobs: number[];
}

export interface MockDraw {
  k: number;
  massModel: ValidateMassModel;
  /** The light: a Sérsic profile, or (`--photometry family`) an MGE and the family parameters it was drawn with. */
  sersic?: { n: number; re_arcsec: number; q: number; ie_lsun_pc2: number };
  mge?: MgeLight;
  family?: FamilyParams;
  /** The calibrated columns (validateColumns(massModel)). */
  columns: string[];
  /** The truth in `columns` order (log10 M/L), the space the sampler moves in. */
  truth: number[];
  /** The prior box of each column ([lo, hi], `columns` order): TARP's normalisation. */
  lo: number[];
  hi: number[];
  mockSeed: number;
  fitSeed: number;
}

const unit = (rng: Rng, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rng.uniform();

/** Parameters from the fit's default prior for a light MGE (a one-Gaussian stand-in of q' for a Sérsic light: see the header). */
function drawParameters(massModel: ValidateMassModel, light: MgeLight, rng: Rng, limits?: TrainingDomain) {
  const prior = fitPrior({ massModel, mlMode: 'sample', light, lightSource: 'validate', limits });
  return { columns: prior.names.slice(), x: Array.from(prior.draw(rng)), lo: Array.from(prior.lo), hi: Array.from(prior.hi) };
}

const standIn = (q: number): MgeLight => ({ surf: [1], sigma: [1], qobs: [q] });

/** Galaxy k of the multi-component family under `seed`, at the validation's R_e and I_e. */
export function familyLight(seed: number, k: number): { mge: MgeLight; family: FamilyParams } {
  const g = drawFamilyGalaxy(seed, k);
  const { mge } = inHalfLightUnits(g.mge, `family galaxy ${k}`);
  return {
    mge: { surf: Array.from(mge.surf, (v) => v * VALIDATE_SETUP.ie_lsun_pc2), sigma: Array.from(mge.sigma, (v) => v * VALIDATE_SETUP.re_arcsec), qobs: Array.from(mge.qobs) },
    family: g.params,
  };
}

/**
 * Galaxy k (integer >= 0) under `seed` (integer >= 0) for a mass model (default 'qm') and a kind
 * of photometry (default 'sersic'; 'family' needs mass following light): pure, see the module
 * header. The Sérsic light and the generator are the same for both mass models.
 */
export function drawMock(seed: number, k: number, massModel: ValidateMassModel = 'qm', photometry: ValidatePhotometry = 'sersic'): MockDraw {
  const rng = new Rng(`jamfit-validate:${seed}:${k}`);
  const mockSeeds = () => ({ mockSeed: rng.int(2 ** 32), fitSeed: rng.int(2 ** 32) });
  if (photometry === 'family') {
    if (massModel !== 'light') throw new InputError('photometry', `family with --mass-model ${massModel}: the family's mocks have mass following the light; use --mass-model light`);
    const { mge, family } = familyLight(seed, k);
    const p = drawParameters(massModel, mge, rng, EXACT_LIMITS);
    return { k, massModel, mge, family, columns: p.columns, truth: p.x, lo: p.lo, hi: p.hi, ...mockSeeds() };
  }
  const n = unit(rng, TRAINING_DOMAIN_V1.box.n);
  const q = unit(rng, TRAINING_DOMAIN_V1.box.q_L);
  const p = drawParameters(massModel, standIn(q), rng);
  return { k, massModel, sersic: { n, re_arcsec: VALIDATE_SETUP.re_arcsec, q, ie_lsun_pc2: VALIDATE_SETUP.ie_lsun_pc2 }, columns: p.columns, truth: p.x, lo: p.lo, hi: p.hi, ...mockSeeds() };
}

/**
 * The prior's standard deviation of each column of a mass model over the galaxies (the light marginalised), by
 * Monte Carlo over `m` draws of the same generator with a fixed seed (the prior does not depend on
 * --seed). Its relative Monte-Carlo error is about 1/sqrt(2m): 0.5% at m = 20000, the default for
 * Sérsic light (1000, 2.2%, for the family, whose galaxies take ~25 ms each to draw and scale).
 */
export function priorSd(m?: number, massModel: ValidateMassModel = 'qm', photometry: ValidatePhotometry = 'sersic'): number[] {
  const M = m ?? (photometry === 'family' ? 1000 : 20000);
  const d = validateColumns(massModel).length;
  const sum = new Float64Array(d);
  const sum2 = new Float64Array(d);
  for (let i = 0; i < M; i++) {
    const rng = new Rng(`jamfit-validate-prior:${i}`);
    let light: MgeLight;
    if (photometry === 'family') light = familyLight(-1, i).mge;
    else {
      unit(rng, TRAINING_DOMAIN_V1.box.n);
      light = standIn(unit(rng, TRAINING_DOMAIN_V1.box.q_L));
    }
    const x = drawParameters(massModel, light, rng, photometry === 'family' ? EXACT_LIMITS : undefined).x;
    for (let j = 0; j < d; j++) {
      sum[j] += x[j];
      sum2[j] += x[j] * x[j];
    }
  }
  return Array.from(sum, (s, j) => Math.sqrt(Math.max(0, (sum2[j] - (s * s) / M) / (M - 1))));
}
