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
 * Observation (the bundled mock's): 3" square spaxels within the elliptical radius 2 R_e (axis
 * ratio q_L), a 1" Gaussian PSF, 3" pixels, Gaussian noise of 5% of V_rms, D = 20 Mpc.
 */
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import type { MassModel } from '../../likelihoods/grid-model.ts';
import { Rng } from '../../samplers/rng.ts';
import { TRAINING_DOMAIN_V1 } from '../surrogate/domain.ts';

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

export interface MockDraw {
  k: number;
  massModel: ValidateMassModel;
  sersic: { n: number; re_arcsec: number; q: number; ie_lsun_pc2: number };
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

/** Parameters from the fit's default prior for a Sérsic light of axial ratio q (see the header). */
function drawParameters(massModel: ValidateMassModel, q: number, rng: Rng) {
  const prior = fitPrior({ massModel, mlMode: 'sample', light: { surf: [1], sigma: [1], qobs: [q] }, lightSource: 'validate' });
  return { columns: prior.names.slice(), x: Array.from(prior.draw(rng)), lo: Array.from(prior.lo), hi: Array.from(prior.hi) };
}

/**
 * Galaxy k (integer >= 0) under `seed` (integer >= 0) for a mass model (default 'qm'): pure, see
 * the module header. The light and the generator are the same for both mass models.
 */
export function drawMock(seed: number, k: number, massModel: ValidateMassModel = 'qm'): MockDraw {
  const rng = new Rng(`jamfit-validate:${seed}:${k}`);
  const n = unit(rng, TRAINING_DOMAIN_V1.box.n);
  const q = unit(rng, TRAINING_DOMAIN_V1.box.q_L);
  const p = drawParameters(massModel, q, rng);
  const mockSeed = rng.int(2 ** 32);
  const fitSeed = rng.int(2 ** 32);
  return { k, massModel, sersic: { n, re_arcsec: VALIDATE_SETUP.re_arcsec, q, ie_lsun_pc2: VALIDATE_SETUP.ie_lsun_pc2 }, columns: p.columns, truth: p.x, lo: p.lo, hi: p.hi, mockSeed, fitSeed };
}

/**
 * The prior's standard deviation of each column of a mass model over the galaxies (the light marginalised), by
 * Monte Carlo over `m` draws of the same generator with a fixed seed (the prior does not depend on
 * --seed). Its relative Monte-Carlo error is about 1/sqrt(2m): 0.5% at the default m = 20000.
 */
export function priorSd(m = 20000, massModel: ValidateMassModel = 'qm'): number[] {
  const d = validateColumns(massModel).length;
  const sum = new Float64Array(d);
  const sum2 = new Float64Array(d);
  for (let i = 0; i < m; i++) {
    const rng = new Rng(`jamfit-validate-prior:${i}`);
    unit(rng, TRAINING_DOMAIN_V1.box.n);
    const x = drawParameters(massModel, unit(rng, TRAINING_DOMAIN_V1.box.q_L), rng).x;
    for (let j = 0; j < d; j++) {
      sum[j] += x[j];
      sum2[j] += x[j] * x[j];
    }
  }
  return Array.from(sum, (s, j) => Math.sqrt(Math.max(0, (sum2[j] - (s * s) / m) / (m - 1))));
}
