import { MFL_ANCHORS } from '../surrogate/mfl/anchors.ts';
import { InputError } from '../../core/errors.ts';
import { runFit, type FitIO, type FitOutcome } from '../fit/fit.ts';
import { defineCommand } from './command.ts';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { join } from 'node:path';
import { applyConfigFile, resolvedConfigToml } from './config-file.ts';

const options = {
  photometry: { type: 'string', description: 'Sérsic .json or MGE .ecsv/.csv photometry (required)' },
  out: { type: 'string', alias: 'o', description: 'run folder, e.g. runs/<name> (required)' },
  distance: { type: 'number', description: 'distance in Mpc (required)' },
  pa: { type: 'string', description: 'position angle of the major axis, deg counter-clockwise from +y, or auto (kinematic PA from V, Krajnovic et al. 2006) (default: the data file\'s, else x is the major axis)' },
  centre: { type: 'string', description: 'galaxy centre X,Y in input coordinates, arcsec, or auto (point symmetry of the V_rms map) (default 0,0)' },
  x0: { type: 'number', description: 'galaxy centre x, arcsec (older form of --centre)' },
  y0: { type: 'number', description: 'galaxy centre y, arcsec (older form of --centre)' },
  vsys: { type: 'number', description: 'systemic velocity to remove from V, km/s (default: estimated)' },
  mask: { type: 'string', description: 'comma-separated bin ids to exclude' },
  'psf-sigma': { type: 'string', description: 'PSF Gaussian sigmas, arcsec, comma-separated, or none (default: the data file\'s)' },
  'psf-weight': { type: 'string', description: 'PSF Gaussian weights, comma-separated (default equal)' },
  pixsize: { type: 'number', description: 'square pixel side, arcsec (default: the data file\'s pixels, else 0)' },
  'mass-model': { type: 'string', description: 'qm (light MGE with q\' -> q_M, times M/L) or light (mass follows light)', default: 'qm' },
  mbh: { type: 'number', description: 'fixed black-hole mass, Msun (default 0)' },
  'mbh-range': { type: 'string', description: 'sample the black-hole mass: prior range of log10(M_BH/Msun) lo,hi (uniform; exact engines)' },
  engine: { type: 'string', description: 'likelihood engine: auto (a surrogate where one covers the model and the galaxy: qm with Sérsic-like light, or mass follows light inside the multi-component family; else tabulated for mass follows light, else direct), surrogate, tabulated (exact JAM tabulated in inclination) or direct (exact JAM at every call)', default: 'auto' },
  exact: { type: 'boolean', description: 'the exact engine auto picks (tabulated for --mass-model light, direct otherwise)' },
  align: { type: 'string', description: 'velocity-ellipsoid alignment: cyl (Cappellari 2008) or sph (Cappellari 2020; tabulated in inclination and beta for mass following the light, else direct)', default: 'cyl' },
  moments: { type: 'string', description: 'what is fitted: vrms (V_rms, default) or v-sigma (V and sigma together, kappa sampled; needs v, v_err, sigma, sigma_err; direct engine, cylindrical alignment)' },
  'kappa-range': { type: 'string', description: 'with --moments v-sigma: uniform prior range lo,hi of the rotation parameter kappa (default -1.5,1.5)' },
  'kappa-groups': { type: 'boolean', description: 'with --moments v-sigma and --beta-groups: one kappa per anisotropy group (kappa_1 innermost), each with the --kappa-range prior, instead of one global kappa' },
  'beta-profile': { type: 'string', description: 'anisotropy: constant (default) or logistic (Simon, Cappellari & Hartke 2024: beta_0, beta_inf, r_a sampled, alpha = 2, beta(sigma_k) per Gaussian; --align sph, direct engine)' },
  'ra-range': { type: 'string', description: "with --beta-profile logistic: prior range lo,hi of r_a in arcsec (log-uniform; default the MGE's sigma range)" },
  'surrogate-model': { type: 'string', description: 'surrogate engine: a model directory written by `jamfit train` (default: the shipped model for the mass model)' },
  'table-tol': { type: 'number', description: 'tabulated engine and the multi-component surrogate: interpolation tolerance in inclination, relative in V_rms^2 (default 1e-5; 1e-4 with --align sph, the sph model\'s own accuracy)' },
  anchors: { type: 'number', description: `multi-component surrogate: exact maps per galaxy at Chebyshev inclinations that pin the network's errors (default ${MFL_ANCHORS}; 0 = the network alone)` },
  'beta-groups': { type: 'string', description: 'anisotropy groups: increasing radii R1[,R2..] in arcsec; luminous Gaussians grouped by sigma, one beta_z per group (exact engines)' },
  'self-check': { type: 'number', description: 'posterior draws re-evaluated with the direct exact JAM after sampling (importance-weight ESS; default 16, 0 = none)' },
  seed: { type: 'number', description: 'random seed (integer)', default: 1 },
  walkers: { type: 'number', description: 'number of walkers (>= 2 x parameters)', default: 32 },
  steps: { type: 'number', description: 'steps (default: run until N > 50 tau, up to --max-steps)' },
  'max-steps': { type: 'number', description: 'cap on steps without --steps', default: 20000 },
  'ml-mode': { type: 'string', description: 'M/L: sample (log-uniform prior), profile, or marginal (flat in sqrt(M/L))', default: 'sample' },
  'inc-prior': { type: 'string', description: 'inclination prior: uniform (in degrees) or isotropic (uniform in cos i)', default: 'uniform' },
  'prior-inc': { type: 'string', description: 'deprecated name of --inc-prior' },
  'beta-range': { type: 'string', description: 'beta_z prior range lo,hi (default the training domain)' },
  'qm-range': { type: 'string', description: 'q_M prior range lo,hi (default the training domain)' },
  'inc-range': { type: 'string', description: 'inclination prior range lo,hi, deg (default the training domain)' },
  'ml-range': { type: 'string', description: 'M/L prior range lo,hi (default 0.1,10)' },
  halo: { type: 'string', description: 'dark halo added to the mass: none, nfw or gnfw (exact engines); parameters f_dm (inside R_e), log10_rs (r_s in R_e), gamma (gnfw)', default: 'none' },
  'fdm-range': { type: 'string', description: 'f_dm prior range lo,hi (default 0,0.9; within 0,0.99)' },
  'rs-range': { type: 'string', description: 'log10(r_s/R_e) prior range lo,hi (default 0,1.5; within -2,3)' },
  'gamma-range': { type: 'string', description: 'gNFW inner slope prior range lo,hi (default 0,1.6; within 0,2)' },
  workers: { type: 'number', description: 'worker threads for the exact likelihood (default 1; the surrogate runs in one thread)' },
  truth: { type: 'string', description: "a mock's truth.json (jamfit mock): draws the true parameters on the corner plot" },
  systematics: { type: 'string', description: 'systematic error: fraction (f_sys sampled, sigma^2 = err^2 + (f_sys model)^2, log-uniform 0.001..0.5), floor (sys_kms sampled, log-uniform 0.1..100 km/s), mitzkus (errors x (2N)^1/4, fixed) or none', default: 'fraction' },
  'sys-range': { type: 'string', description: 'prior range lo,hi of the sampled systematic term (f_sys, or km/s for floor)' },
  likelihood: { type: 'string', description: 'residual distribution: gaussian or student-t (robust to outlying bins)', default: 'gaussian' },
  nu: { type: 'number', description: 'Student-t degrees of freedom (default 4)' },
  clip: { type: 'number', description: 'clip bins beyond K total errors of the best model, refitting until the mask is stable (default: no clipping)' },
  'clip-rounds': { type: 'number', description: 'maximum clipping rounds (default 5)' },
  rmax: { type: 'number', description: 'fit only bins within this radius, arcsec in the galaxy frame' },
} as const;

export const fitCommand = defineCommand({
  summary: 'Fit beta_z, q_M, inclination and M/L to V_rms data by MCMC: jamfit fit <kinematics> --photometry <file> --distance MPC --out runs/<name>.',
  options: { ...options, config: { type: 'string', description: 'TOML file of these options (keys as the long options: mass-model = "light", psf-sigma = [1.06], kinematics = "kin.csv"); paths relative to it; flags here override it' } },
  async run(a, io) {
    if (a.config !== undefined) a = applyConfigFile(a, options, a.config);
    if (a._.length !== 1) throw new InputError('kinematics', `give exactly one kinematics file (got ${a._.length}): jamfit fit <kinematics> --photometry <file> --distance MPC --out runs/<name>`);
    const r = await runFit(
      {
        kinematics: a._[0],
        photometry: a.photometry,
        out: a.out,
        distance: a.distance,
        pa: a.pa,
        centre: a.centre,
        x0: a.x0,
        y0: a.y0,
        vsys: a.vsys,
        mask: a.mask,
        psfSigma: a['psf-sigma'],
        psfWeight: a['psf-weight'],
        pixsize: a.pixsize,
        massModel: a['mass-model'],
        mbh: a.mbh,
        mbhRange: a['mbh-range'],
        engine: a.engine,
        exact: a.exact,
        tableTol: a['table-tol'],
        anchors: a.anchors,
        surrogateModel: a['surrogate-model'],
        align: a.align,
        moments: a.moments,
        betaProfile: a['beta-profile'],
        raRange: a['ra-range'],
        kappaRange: a['kappa-range'],
        kappaGroups: a['kappa-groups'],
        betaGroups: a['beta-groups'],
        selfCheck: a['self-check'],
        seed: a.seed,
        walkers: a.walkers,
        steps: a.steps,
        maxSteps: a['max-steps'],
        mlMode: a['ml-mode'],
        incPrior: a['inc-prior'],
        priorInc: a['prior-inc'],
        betaRange: a['beta-range'],
        qmRange: a['qm-range'],
        incRange: a['inc-range'],
        mlRange: a['ml-range'],
        halo: a.halo,
        fdmRange: a['fdm-range'],
        rsRange: a['rs-range'],
        gammaRange: a['gamma-range'],
        workers: a.workers,
        truth: a.truth,
        systematics: a.systematics,
        sysRange: a['sys-range'],
        likelihood: a.likelihood,
        nu: a.nu,
        clip: a.clip,
        clipRounds: a['clip-rounds'],
        rmax: a.rmax,
        argv: process.argv.slice(3),
      },
      io,
    );
    reportFit(io, r);
    // The resolved configuration: `jamfit fit --config <run>/config.toml` repeats this fit.
    writeFileAtomic(join(r.runDir, 'config.toml'), resolvedConfigToml(a, options, 'jamfit fit: the resolved options of this run; jamfit fit --config config.toml repeats it'), { durable: false });
    return 0;
  },
});

/** The fit's result on stdout: the run folder, each parameter's median and intervals, chi2. */
export function reportFit(io: FitIO, r: FitOutcome): void {
  const s = r.summary;
  io.out(`fit: ${r.runDir}${r.resumedFrom > 0 ? ` (resumed at step ${r.resumedFrom})` : ''}`);
  for (const n of s.names) {
    const p = s.parameters[n];
    io.out(`  ${n.padEnd(8)} ${p.median.toPrecision(4)}  68% [${p.lo68.toPrecision(4)}, ${p.hi68.toPrecision(4)}]  95% [${p.lo95.toPrecision(4)}, ${p.hi95.toPrecision(4)}]`);
  }
  const d = s.derived.ml_total;
  io.out(`  ml_total ${d.median.toPrecision(4)}  68% [${d.lo68.toPrecision(4)}, ${d.hi68.toPrecision(4)}]`);
  io.out(`  chi2 ${s.chi2.toFixed(1)} / ${s.nbins} bins; ${s.nsteps} steps x ${s.nwalkers} walkers, discard ${s.discard}; tau max ${Math.max(...s.diagnostics.tau).toFixed(1)}; ${r.seconds.toFixed(1)} s`);
}

/** The option specs, for `jamfit batch`, which passes the same fit options to every galaxy. */
export { options as fitOptions };
