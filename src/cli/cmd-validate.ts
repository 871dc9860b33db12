import { InputError } from '../../core/errors.ts';
import { runValidate } from '../validate/run.ts';
import { defineCommand } from './command.ts';

const options = {
  n: { type: 'number', description: 'number of mock galaxies (required; the calibration target is >= 400)' },
  seed: { type: 'number', description: 'random seed (integer); mock k depends only on it and k', default: 1 },
  walkers: { type: 'number', description: 'walkers per fit (>= 2 x (parameters + 1): 10 for qm, 8 for light)', default: 32 },
  steps: { type: 'number', description: 'steps per fit (default: each fit runs until N > 50 tau, up to --max-steps)' },
  'max-steps': { type: 'number', description: 'cap on steps per fit without --steps', default: 20000 },
  'mass-model': { type: 'string', description: 'mass model of the mocks and the fits: qm (mass MGE with q_M) or light (mass follows light)', default: 'qm' },
  photometry: { type: 'string', description: "the mocks' light: sersic (n, q' drawn) or family (bulge + disc + nucleus MGEs of the multi-component surrogate's training family; needs --mass-model light)", default: 'sersic' },
  align: { type: 'string', description: "velocity-ellipsoid alignment of the fits: cyl (Cappellari 2008) or sph (Cappellari 2020; tabulated for mass following the light, else direct)", default: 'cyl' },
  'mock-align': { type: 'string', description: 'alignment of the mocks: cyl or sph (default: --align); the other one measures the shift that fitting the wrong alignment causes' },
  engine: { type: 'string', description: "the fits' engine: auto, surrogate, tabulated or direct (default auto, as in jamfit fit)" },
  exact: { type: 'boolean', description: "fit with the exact engine auto picks (tabulated for light, direct for qm); default: jamfit fit's default engine" },
  draws: { type: 'number', description: 'L, thinned posterior draws per mock for the ranks and TARP', default: 99 },
  'rank-bins': { type: 'number', description: 'rank-histogram bins, a divisor of L + 1 (default: <= 20 with >= 5 mocks per bin)' },
  workers: { type: 'number', description: 'worker threads for each fit\'s likelihood (default 1)' },
  out: { type: 'string', alias: 'o', description: 'validation folder (required; resumable)' },
} as const;

export const validateCommand = defineCommand({
  summary: 'Calibration of the fits: N mocks with truths from the prior, one fit each, then coverage, SBC rank histograms and TARP into DIR/report.json and figures.',
  options,
  async run(a, io) {
    if (a._.length > 0) throw new InputError(a._[0], 'unexpected argument; jamfit validate takes options only (see jamfit validate --help)');
    const r = await runValidate(
      {
        n: a.n,
        seed: a.seed,
        walkers: a.walkers,
        steps: a.steps,
        maxSteps: a['max-steps'],
        massModel: a['mass-model'],
        photometry: a.photometry as string,
        align: a.align,
        mockAlign: a['mock-align'],
        engine: a.engine,
        exact: a.exact,
        draws: a.draws,
        rankBins: a['rank-bins'],
        workers: a.workers,
        out: a.out,
        argv: process.argv.slice(3),
      },
      io,
    );
    const rep = r.report;
    const al = rep.alignments;
    const mismatch = al.mocks.join() !== al.fits.join();
    const alignNote = mismatch ? `; mocks ${al.mocks.join('/')}, fits ${al.fits.join('/')} aligned` : al.fits.join() !== 'cyl' ? `; align ${al.fits.join('/')}` : '';
    io.out(`validate: ${rep.n} mocks in ${r.dir} (${r.fitted} fitted now, ${r.reused} finished before); engine ${rep.engines.join(', ')}${alignNote}`);
    io.out(`  ${'parameter'.padEnd(9)} ${'cov68 (sd)'.padEnd(15)} ${'cov95 (sd)'.padEnd(15)} ${'p(chi2)'.padEnd(8)} ${'p(KS)'.padEnd(8)} rms/prior_sd`);
    for (const name of rep.parameters) {
      const c = rep.calibration[name];
      const cov = (v: typeof c.coverage68) => `${v.fraction.toFixed(3)} (${v.sd.toFixed(3)})`.padEnd(15);
      io.out(`  ${name.padEnd(9)} ${cov(c.coverage68)} ${cov(c.coverage95)} ${c.sbc.p_chi2.toPrecision(2).padEnd(8)} ${c.sbc.p_ks.toPrecision(2).padEnd(8)} ${c.rms_over_prior_sd.toFixed(3)}`);
    }
    io.out(`  shift of the medians from the truth${mismatch ? ` (mocks ${al.mocks.join('/')}, fits ${al.fits.join('/')}: the systematic error of the alignment)` : ''}:`);
    io.out(`  ${'parameter'.padEnd(9)} ${'mean (se)'.padEnd(22)} ${'median'.padEnd(10)} ${'mean/sd'.padEnd(8)} ${'median/sd'.padEnd(9)} units`);
    for (const name of rep.parameters) {
      const c = rep.calibration[name];
      const h = c.shift;
      const se = Number.isFinite(h.mean_se) ? h.mean_se.toPrecision(2) : 'n/a';
      io.out(`  ${name.padEnd(9)} ${`${h.mean.toPrecision(3)} (${se})`.padEnd(22)} ${h.median.toPrecision(3).padEnd(10)} ${h.mean_in_sd.toFixed(2).padEnd(8)} ${h.median_in_sd.toFixed(2).padEnd(9)} ${c.units}`);
    }
    io.out(`  TARP: KS distance ${rep.tarp.ks_d.toFixed(3)} (99% band ${rep.tarp.band99.toFixed(3)}), p ${rep.tarp.p_ks.toPrecision(2)}`);
    if (rep.diagnostics.draws_not_independent > 0) io.out(`  note: ${rep.diagnostics.draws_not_independent} mock(s) have an ESS below --draws: their draws are correlated (ranks pile up at the ends); run longer fits`);
    if (rep.diagnostics.not_converged > 0) io.out(`  note: ${rep.diagnostics.not_converged} fit(s) did not converge by --max-steps`);
    io.out(`  target (>= ${rep.target.n_at_least} mocks, coverage within 3 sd, ranks uniform): ${rep.target.met ? 'met' : `not met: ${rep.target.failing.join('; ')}`}`);
    for (const f of r.files) io.out(`  wrote ${f}`);
    return 0;
  },
});
