/**
 * One fit's problem, from a plain JSON-serialisable spec (the bins in the galaxy frame, the light
 * MGE, PSF, distance, mass model, priors): the polar grid, the operator W, the grid model, the
 * likelihood, the prior and the log-posterior the sampler calls. `buildFitProblem` is a pure
 * function of the spec, so the main thread and every worker of the pool build the same problem
 * from the same spec (src/run/fit-worker.ts); nothing but the spec crosses threads.
 *
 * Grid (the per-galaxy polar grid W is built on, arcsec): exactly the grid jamVrms2 uses for the
 * same bins and light (src/jam/jam.ts): with a PSF or pixel its integration grid (40 x 19 nodes
 * from step/sqrt 2 to the bins' largest elliptical radius plus the kernel reach, step =
 * min(PSF sigma)/4 or pixsize/16), so the likelihood's binned model equals jamVrms2's PSF path
 * to round-off; without them the 'polar' mode grid (20 x 10 from sqrt(1/2) of the smallest
 * non-zero bin radius to the largest), where jamVrms2 by default evaluates eq. 28 at each bin
 * ('direct') instead: the difference is the bilinear interpolation error. Measured: with the
 * PSF, max |V2/V2_jamVrms2 - 1| = 2.2e-16 on the 152 NGC 6278 bins (bench/fit-likelihood.ts)
 * and < 1e-12 on the mock (test/likelihoods/fit-likelihood.test.ts); without it, 0.27% max in
 * V_rms against the direct eq. 28 on the 42-bin mock (same test).
 *
 * Bins outside the grid: without PSF and pixel, bins at the exact centre (inside the innermost
 * ring, where a log-radius grid has no node) are excluded; with a PSF the grid reaches every
 * bin's kernel by construction and none is. A fixed external grid (the surrogate's) would exclude
 * the bins beyond its outer ring the same way. Excluded bins are reported (`excluded`).
 *
 * Noise (likelihoods/systematics.ts): `systematics`, `likelihood`, `nu`, `sysRange`; absent
 * means the formal errors and a Gaussian (the CLI's default, 'fraction', is set by prepareFit).
 * A sampled term is the prior's last column (withNoisePrior). `clipped` (indices into the spec's
 * bins, set by the outlier clipping, src/run/clip.ts) are left out of the likelihood but keep
 * their model, so the clipping and the posterior predictive check see their residuals.
 */
import { InputError } from '../../core/errors.ts';
import { exactJamGridModel, type GridModel, type GridParams, type MassModel } from '../../likelihoods/grid-model.ts';
import { fitPrior, type IncPrior } from '../../likelihoods/fit-prior.ts';
import { logPosterior, type LogDensity } from '../../likelihoods/posterior.ts';
import { gridLikelihood, type GridLikelihood, type MlMode } from '../../likelihoods/vrms-grid.ts';
import { noiseModel, withNoisePrior, type LikelihoodKind, type NoiseModel, type NoisePrior, type Systematics } from '../../likelihoods/systematics.ts';
import { checkVrmsData } from '../../likelihoods/vrms-gaussian.ts';
import { integrationPolarGrid, pointsMedianQ, pointsPolarGrid } from '../jam/jam.ts';
import { buildGridToBins, checkPoints, defaultStep, type GridToBins } from '../operator/grid-to-bins.ts';
import { outsidePolarGrid, type PolarGrid } from '../operator/polar-grid.ts';
import { checkPsf, type Psf } from '../operator/psf.ts';
import { checkMge } from '../photometry/mge.ts';

/** Everything a fit's likelihood and prior depend on (JSON-serialisable; sent to each worker once). */
export interface FitSpec {
  /** Used bins in the galaxy frame (arcsec; x on the major axis), V_rms and error (km/s). */
  x: number[];
  y: number[];
  vrms: number[];
  err: number[];
  /** Where the bins came from (named in errors). */
  source: string;
  light: { surf: number[]; sigma: number[]; qobs: number[] };
  lightSource: string;
  distanceMpc: number;
  massModel: MassModel;
  mbh: number;
  psf: Psf | null;
  pixsize: number;
  mlMode: MlMode;
  incPrior: IncPrior;
  ranges: { beta_z?: [number, number]; q_m?: [number, number]; inc_deg?: [number, number]; ml?: [number, number] };
  /** Gauss-Legendre nodes of the JAM integral (default 48). */
  nodes?: number;
  /** Noise model (default 'none' and 'gaussian'; see the module header). */
  systematics?: Systematics;
  likelihood?: LikelihoodKind;
  nu?: number;
  sysRange?: [number, number];
  /** Bins (indices into x, y, ...) left out of the likelihood by the outlier clipping. */
  clipped?: number[];
}

export interface FitProblem {
  spec: FitSpec;
  names: string[];
  /** The prior over every column, the noise term (when sampled) last. */
  prior: NoisePrior;
  grid: PolarGrid;
  op: GridToBins;
  model: GridModel;
  like: GridLikelihood;
  noise: NoiseModel;
  /** Indices (into spec's bins) of the bins excluded as outside the grid. */
  excluded: number[];
  /** Indices of the bins used (the complement of excluded), in order; the model's bins. */
  used: number[];
  /** Positions in `used` of the bins in the likelihood (used minus clipped), increasing. */
  active: number[];
  /** log posterior for the sampler; blob = [chi2, ml]. */
  logProb: LogDensity;
  /** Blob names of logProb. */
  blobs: string[];
}

/**
 * Builds the problem; validates the spec (bins, light, PSF, priors). Pure and deterministic.
 * @throws InputError naming the option, file or bin.
 */
export function buildFitProblem(spec: FitSpec): FitProblem {
  checkPoints(spec.x, spec.y);
  checkVrmsData(spec.vrms, spec.err, spec.source); // checks before anything is built on them
  const light = checkMge(spec.light, spec.lightSource);
  const psf = spec.psf ? checkPsf(spec.psf) : null;
  const pixsize = spec.pixsize;
  if (!(typeof pixsize === 'number' && Number.isFinite(pixsize) && pixsize >= 0)) throw new InputError('--pixsize', `is ${pixsize}; give the pixel side in arcsec, >= 0`);
  const basePrior = fitPrior({
    massModel: spec.massModel,
    mlMode: spec.mlMode,
    inc: spec.incPrior,
    betaZ: spec.ranges.beta_z,
    qM: spec.ranges.q_m,
    incDeg: spec.ranges.inc_deg,
    ml: spec.ranges.ml,
    light,
    lightSource: spec.lightSource,
  });
  const qMed = pointsMedianQ(light, spec.x);
  const integrate = psf !== null || pixsize > 0;
  let grid: PolarGrid;
  let excluded: number[] = [];
  if (integrate) {
    grid = integrationPolarGrid(qMed, spec.x, spec.y, psf, pixsize, defaultStep(psf, pixsize), 40, 19);
  } else {
    excluded = spec.x.map((_, i) => i).filter((i) => spec.x[i] === 0 && spec.y[i] === 0);
    if (excluded.length === spec.x.length) throw new InputError(spec.source, 'every bin lies at the centre; give bins off the centre');
    grid = pointsPolarGrid(qMed, spec.x, spec.y, 20, 10);
    // Only centre bins lie inside the innermost ring of this grid (it starts at r_min / sqrt 2).
    excluded = outsidePolarGrid(grid, spec.x, spec.y);
  }
  const ex = new Set(excluded);
  const used = spec.x.map((_, i) => i).filter((i) => !ex.has(i));
  const pick = (a: number[]) => used.map((i) => a[i]);
  const bx = pick(spec.x);
  const by = pick(spec.y);
  const data = checkVrmsData(pick(spec.vrms), pick(spec.err), spec.source);
  const op = buildGridToBins({ grid, x: bx, y: by, psf: psf ?? undefined, pixsize, light: integrate ? light : undefined });
  const model = exactJamGridModel({ light, massModel: spec.massModel, distanceMpc: spec.distanceMpc, mbh: spec.mbh, grid, nodes: spec.nodes });
  const clip = new Set(spec.clipped ?? []);
  for (const i of clip) if (!(Number.isInteger(i) && i >= 0 && i < spec.x.length)) throw new InputError('clipped', `bin index ${i} is outside 0..${spec.x.length - 1}`);
  const active = used.map((_, k) => k).filter((k) => !clip.has(used[k]));
  if (active.length === 0) throw new InputError('--clip', `clipping left no bin in the likelihood (all ${used.length} are beyond the threshold); raise --clip`);
  const noise = noiseModel({ systematics: spec.systematics ?? 'none', likelihood: spec.likelihood ?? 'gaussian', nu: spec.nu, range: spec.sysRange }, active.length);
  const prior = withNoisePrior(basePrior, noise);
  const like = gridLikelihood(data, op, model, spec.mlMode, { noise, active });
  const p: GridParams = { betaZ: 0, qM: 1, incDeg: 90, ml: 1 };
  const logLike: LogDensity = (x, blob) => {
    const r = like.evaluate(prior.unpack(x, p), prior.noiseValue(x));
    blob[0] = r.chi2;
    blob[1] = r.ml;
    return r.logL;
  };
  return { spec, names: prior.names, prior, grid, op, model, like, noise, excluded, used, active, logProb: logPosterior(prior.logPrior, logLike), blobs: ['chi2', 'ml'] };
}
