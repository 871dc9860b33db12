import { InputError } from '../../core/errors.ts';
import { runFit } from '../run/fit.ts';
import { defineCommand } from './commands.ts';

const options = {
  photometry: { type: 'string', description: 'Sérsic .json or MGE .ecsv/.csv photometry (required)' },
  out: { type: 'string', alias: 'o', description: 'run folder, e.g. runs/<name> (required)' },
  distance: { type: 'number', description: 'distance in Mpc (required)' },
  pa: { type: 'number', description: 'position angle of the major axis, deg counter-clockwise from +y (default: the data file\'s, else x is the major axis)' },
  x0: { type: 'number', description: 'galaxy centre x in input coordinates, arcsec (default 0)' },
  y0: { type: 'number', description: 'galaxy centre y in input coordinates, arcsec (default 0)' },
  vsys: { type: 'number', description: 'systemic velocity to remove from V, km/s (default: estimated)' },
  mask: { type: 'string', description: 'comma-separated bin ids to exclude' },
  'psf-sigma': { type: 'string', description: 'PSF Gaussian sigmas, arcsec, comma-separated (default: the data file\'s)' },
  'psf-weight': { type: 'string', description: 'PSF Gaussian weights, comma-separated (default equal)' },
  pixsize: { type: 'number', description: 'square pixel side, arcsec (default: the data file\'s pixels, else 0)' },
  'mass-model': { type: 'string', description: 'qm (light MGE with q\' -> q_M, times M/L) or light (mass follows light)', default: 'qm' },
  mbh: { type: 'number', description: 'fixed black-hole mass, Msun (default 0)' },
  exact: { type: 'boolean', description: 'exact JAM likelihood (for now the only engine)' },
  seed: { type: 'number', description: 'random seed (integer)', default: 1 },
  walkers: { type: 'number', description: 'number of walkers (>= 2 x parameters)', default: 32 },
  steps: { type: 'number', description: 'steps (default: run until N > 50 tau, up to --max-steps)' },
  'max-steps': { type: 'number', description: 'cap on steps without --steps', default: 20000 },
  'ml-mode': { type: 'string', description: 'M/L: sample (log-uniform prior), profile, or marginal (flat in sqrt(M/L))', default: 'sample' },
  'prior-inc': { type: 'string', description: 'inclination prior: uniform (in degrees) or isotropic (uniform in cos i)', default: 'uniform' },
  'beta-range': { type: 'string', description: 'beta_z prior range lo,hi (default the training domain)' },
  'qm-range': { type: 'string', description: 'q_M prior range lo,hi (default the training domain)' },
  'inc-range': { type: 'string', description: 'inclination prior range lo,hi, deg (default the training domain)' },
  'ml-range': { type: 'string', description: 'M/L prior range lo,hi (default 0.1,10)' },
  workers: { type: 'number', description: 'worker threads for the likelihood (default 1)' },
} as const;

export const fitCommand = defineCommand({
  summary: 'Fit beta_z, q_M, inclination and M/L to V_rms data by MCMC: jamfit fit <kinematics> --photometry <file> --distance MPC --out runs/<name>.',
  options,
  async run(a, io) {
    if (a._.length !== 1) throw new InputError('kinematics', `give exactly one kinematics file (got ${a._.length}): jamfit fit <kinematics> --photometry <file> --distance MPC --out runs/<name>`);
    const r = await runFit(
      {
        kinematics: a._[0],
        photometry: a.photometry,
        out: a.out,
        distance: a.distance,
        pa: a.pa,
        x0: a.x0,
        y0: a.y0,
        vsys: a.vsys,
        mask: a.mask,
        psfSigma: a['psf-sigma'],
        psfWeight: a['psf-weight'],
        pixsize: a.pixsize,
        massModel: a['mass-model'],
        mbh: a.mbh,
        exact: a.exact,
        seed: a.seed,
        walkers: a.walkers,
        steps: a.steps,
        maxSteps: a['max-steps'],
        mlMode: a['ml-mode'],
        priorInc: a['prior-inc'],
        betaRange: a['beta-range'],
        qmRange: a['qm-range'],
        incRange: a['inc-range'],
        mlRange: a['ml-range'],
        workers: a.workers,
        argv: process.argv.slice(3),
      },
      io,
    );
    const s = r.summary;
    io.out(`fit: ${r.runDir}${r.resumedFrom > 0 ? ` (resumed at step ${r.resumedFrom})` : ''}`);
    for (const n of s.names) {
      const p = s.parameters[n];
      io.out(`  ${n.padEnd(8)} ${p.median.toPrecision(4)}  68% [${p.lo68.toPrecision(4)}, ${p.hi68.toPrecision(4)}]  95% [${p.lo95.toPrecision(4)}, ${p.hi95.toPrecision(4)}]`);
    }
    const d = s.derived.ml_total;
    io.out(`  ml_total ${d.median.toPrecision(4)}  68% [${d.lo68.toPrecision(4)}, ${d.hi68.toPrecision(4)}]`);
    io.out(`  chi2 ${s.chi2.toFixed(1)} / ${s.nbins} bins; ${s.nsteps} steps x ${s.nwalkers} walkers, discard ${s.discard}; tau max ${Math.max(...s.diagnostics.tau).toFixed(1)}; ${r.seconds.toFixed(1)} s`);
    return 0;
  },
});

/** The option specs, for `jamfit batch`, which passes the same fit options to every galaxy. */
export { options as fitOptions };
