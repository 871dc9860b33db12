import { InputError } from '../../core/errors.ts';
import { runMock } from '../run/mock.ts';
import { defineCommand } from './command.ts';

const options = {
  photometry: { type: 'string', description: 'Sérsic .json or MGE .ecsv/.csv photometry (required)' },
  'beta-z': { type: 'number', description: 'beta_z = 1 - sigma_z^2/sigma_R^2 (required; < 0.7 eps_intr)' },
  'q-m': { type: 'number', description: "q_M, the mass MGE's observed axial ratio (required with --mass-model qm)" },
  'inc-deg': { type: 'number', description: 'inclination, degrees, (0, 90] (required)' },
  ml: { type: 'number', description: 'stellar mass-to-light ratio (required)' },
  distance: { type: 'number', description: 'distance in Mpc (required)' },
  'mass-model': { type: 'string', description: "qm (light MGE with q' -> q_M, times M/L) or light (mass follows light)", default: 'qm' },
  mbh: { type: 'number', description: 'black-hole mass, Msun (default 0; not scaled by M/L)' },
  field: { type: 'number', description: 'half-width of the square spaxel field, arcsec (default --max-radius)' },
  pixel: { type: 'number', description: 'spaxel side, arcsec (default R_e/4)' },
  'max-radius': { type: 'number', description: "keep spaxels within this elliptical radius (light's q'), arcsec (default 2 R_e)" },
  'sb-min': { type: 'number', description: 'keep spaxels with light surface brightness >= this, Lsun/pc^2 (default 0)' },
  bins: { type: 'string', description: 'CSV of bin positions (x,y columns, arcsec) instead of the spaxel field' },
  'psf-sigma': { type: 'string', description: 'PSF Gaussian sigmas, arcsec, comma-separated (default none)' },
  'psf-weight': { type: 'string', description: 'PSF Gaussian weights, comma-separated (default equal)' },
  pixsize: { type: 'number', description: "pixel side the JAM integrates over, arcsec (default 0; fit with the same)" },
  'noise-frac': { type: 'number', description: 'Gaussian error as a fraction of V_rms (default 0.05)' },
  snr: { type: 'number', description: 'S/N of V_rms in the faintest bin, growing as sqrt(surface brightness) (instead of --noise-frac)' },
  kappa: { type: 'number', description: 'rotation parameter: also write V and sigma columns (cylindrical alignment; 1 = isotropic rotator at beta_z = 0)' },
  align: { type: 'string', description: 'velocity-ellipsoid alignment: cyl (Cappellari 2008) or sph (Cappellari 2020; beta_z is then 1 - sigma_theta^2/sigma_r^2); --kappa needs cyl', default: 'cyl' },
  seed: { type: 'number', description: 'random seed of the noise (integer)', default: 1 },
  out: { type: 'string', alias: 'o', description: 'output folder (required)' },
} as const;

export const mockCommand = defineCommand({
  summary: 'Mock IFU V_rms data from the exact JAM: writes DIR/kinematics.csv, the photometry and DIR/truth.json, readable by jamfit fit.',
  options,
  async run(a, io) {
    if (a._.length > 0) throw new InputError(a._[0], 'unexpected argument; jamfit mock takes options only (see jamfit mock --help)');
    const r = runMock({
      photometry: a.photometry,
      betaZ: a['beta-z'],
      qM: a['q-m'],
      incDeg: a['inc-deg'],
      ml: a.ml,
      distance: a.distance,
      massModel: a['mass-model'],
      mbh: a.mbh,
      field: a.field,
      pixel: a.pixel,
      maxRadius: a['max-radius'],
      sbMin: a['sb-min'],
      bins: a.bins,
      psfSigma: a['psf-sigma'],
      psfWeight: a['psf-weight'],
      pixsize: a.pixsize,
      noiseFrac: a['noise-frac'],
      snr: a.snr,
      kappa: a.kappa,
      align: a.align,
      seed: a.seed,
      out: a.out,
    });
    io.out(`mock: ${r.nbins} bins into ${r.dir}`);
    for (const f of r.files) io.out(`  wrote ${f}`);
    for (const n of r.notes) io.out(`  note: ${n}`);
    return 0;
  },
});
