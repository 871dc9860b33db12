/**
 * `jamfit mock`: mock IFU V_rms data from the exact JAM, in the files `jamfit fit` reads.
 *
 * Model: the same conventions as `jamfit fit` (likelihoods/grid-model.ts): mass model 'qm' = the
 * light MGE with every q' replaced by q_M, times M/L; 'light' = mass follows light (the light MGE
 * times M/L); an optional black hole of fixed mass M_BH that M/L does not multiply. V_rms comes
 * from jamVrms (src/jam/jam.ts): eq. 28 at each bin ('direct') without PSF and pixel, else the
 * exact JAM's own PSF/pixel path (`--psf-sigma/--psf-weight/--pixsize`). `--align` chooses the
 * velocity ellipsoid: cyl (default; Cappellari 2008, beta_z = 1 - sigma_z^2/sigma_R^2) or sph
 * (Cappellari 2020, beta_z = 1 - sigma_theta^2/sigma_r^2), as `jamfit fit --align` does; the two
 * models coincide at beta_z = 0 (isotropy has no orientation).
 *
 * Bins (x on the projected major axis, arcsec):
 *  - a field (default): square spaxels of side `--pixel` (default R_e / 4) centred on a grid with
 *    one spaxel at (0, 0), over |x|, |y| <= `--field` (default `--max-radius`), kept where the
 *    elliptical radius sqrt(x^2 + y^2 / q^2) <= `--max-radius` (default 2 R_e; q = the light's
 *    luminosity-weighted q') and the light's surface brightness >= `--sb-min` (Lsun/pc^2, default
 *    0 = no cut): the shape of real IFU coverage of an early-type galaxy. R_e is the Sérsic R_e,
 *    or for an MGE the semi-major axis of its half-light isophote (src/photometry/half-light.ts).
 *  - `--bins FILE`: a CSV with x and y columns (arcsec), used as given, no cuts.
 * Noise (Gaussian, per bin, independent, seeded by `--seed` through samplers/rng.ts):
 *  - `--noise-frac f` (default 0.05): error_i = f V_rms,i (the noise-free V_rms);
 *  - `--snr S`: photon-limited spaxels without sky: the signal-to-noise of V_rms is S in the
 *    faintest bin and grows as the square root of the light's surface brightness I at the bin
 *    centre, error_i = V_rms,i / (S sqrt(I_i / I_min)). (A constant S/N, as Voronoi bins have, is
 *    `--noise-frac 1/S`.)
 *  vrms_i = V_rms,i + error_i z_i with z_i ~ N(0, 1) drawn in bin order; the file's vrms_err is
 *  error_i, the standard deviation the noise was drawn with.
 *
 * Validity: a physically impossible model is an error (nothing written): inclination outside
 * (0, 90], a light Gaussian or (qm) q_M too flat to deproject at the inclination (intrinsic
 * q < 0.05), beta_z >= 0.7 eps_intr (eps_intr = 1 - intrinsic q of the light's luminosity-
 * weighted q'; `jamfit fit` imposes this limit always, so a truth beyond it could never be
 * recovered), M/L <= 0, a negative black-hole mass or distance. Outside the surrogate's training
 * domain (src/surrogate/domain.ts) or outside `jamfit fit`'s default prior is allowed, with a
 * note in truth.json and on stdout.
 *
 * First moment (`--kappa K`, cylindrical alignment only: the first moment is that of Cappellari
 * 2008 Sec. 3.2): the mock also gives the mean velocity V (jamVlos, src/jam/first-moment-jam.ts,
 * with the same PSF/pixel path as V_rms, positive on the +x side for K > 0) and the dispersion
 * sigma = sqrt(V_rms^2 - V^2) of every bin. Each gets the V_rms error of its bin (error_i above,
 * so a bin's three errors are equal) and its own noise: v = V + error_i z'_i, sigma = sigma_true +
 * error_i z''_i, drawn in bin order after all the V_rms draws (so the vrms column of a seed is the
 * same with and without --kappa). kinematics.csv then has x,y,vrms,vrms_err,v,v_err,sigma,sigma_err
 * (the readers take V_rms from the vrms columns and V, sigma for `jamfit fit --moments v-sigma`);
 * truth.json has kappa and v_true, sigma_true per bin. V has no systemic velocity: fit with --vsys 0.
 *
 * Output (DIR): kinematics.csv (x,y,vrms,vrms_err, full double precision), the photometry
 * (photometry.json for a Sérsic, the MGE file copied byte for byte as photometry.<ext>),
 * truth.json (parameters, options, noise-free V_rms per bin, seed, command, version). Every
 * check and the whole computation come first; the files are then written atomically
 * (core/atomic-write.ts). The output depends only on the options: the same seed gives the same
 * bytes.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { numberList } from './number-list.ts';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import type { MassModel } from '../../likelihoods/grid-model.ts';
import { Rng } from '../../samplers/rng.ts';
import { parseCsv } from '../data/csv.ts';
import { readPhotometry } from '../data/photometry.ts';
import { checkAlign } from '../data/jam-case.ts';
import { cellWhere, findColumn, missingColumn, numberColumn, readBytes, readText } from '../data/table.ts';
import { intrinsicQ, Q_INTRINSIC_MIN } from '../jam/deproject.ts';
import { jamVrms, type JamOptions } from '../jam/jam.ts';
import { jamVlos } from '../jam/first-moment-jam.ts';
import { checkPsf } from '../operator/psf.ts';
import { skyGrid } from '../operator/pixel-grid.ts';
import { mgeHalfLight } from '../photometry/half-light.ts';
import { luminosityWeightedQ, mgeSurfaceDensity, qmMassMge } from '../photometry/mge.ts';
import { sersicToMge } from '../photometry/sersic-mge.ts';
import { domainViolation, TRAINING_DOMAIN_V1 } from '../surrogate/domain.ts';
import { version } from '../version.ts';

/** Options as parsed (undefined = not given); units in the module header. */
export interface MockOptions {
  photometry?: string;
  betaZ?: number;
  qM?: number;
  incDeg?: number;
  ml?: number;
  distance?: number;
  massModel?: string;
  mbh?: number;
  field?: number;
  pixel?: number;
  maxRadius?: number;
  sbMin?: number;
  bins?: string;
  psfSigma?: string;
  psfWeight?: string;
  pixsize?: number;
  noiseFrac?: number;
  snr?: number;
  /** Rotation parameter of the first moment (cylindrical alignment): V and sigma columns too. */
  kappa?: number;
  /** Velocity-ellipsoid alignment: cyl (default) or sph; --kappa needs cyl. */
  align?: string;
  seed?: number;
  out?: string;
}

/** What a mock computed and wrote. */
export interface MockResult {
  dir: string;
  files: string[];
  nbins: number;
  notes: string[];
  truth: MockTruthFile;
}

/** The content of truth.json. */
export interface MockTruthFile {
  jamfit_version: string;
  command: string;
  seed: number;
  mass_model: MassModel;
  /**
   * Velocity-ellipsoid alignment of the model: 'cyl' (Cappellari 2008; beta_z = 1 - sigma_z^2/sigma_R^2)
   * or 'sph' (Cappellari 2020; beta_z = 1 - sigma_theta^2/sigma_r^2). Files written before it was
   * recorded are 'cyl'.
   */
  align: 'cyl' | 'sph';
  /** Keys as in `jamfit fit`'s summary.json parameters (q_m only for 'qm'). */
  parameters: Record<string, number>;
  mbh_msun: number;
  distance_mpc: number;
  photometry: { file: string; source: string; kind: 'sersic' | 'mge'; sersic?: { n: number; re_arcsec: number; q: number; ie_lsun_pc2: number } };
  light_mge: { surf: number[]; sigma: number[]; qobs: number[] };
  r_e_arcsec: number;
  psf: { sigma: number[]; weight: number[] } | null;
  pixsize: number;
  bins_from: { kind: 'field'; half_arcsec: number; pixel_arcsec: number; max_radius_arcsec: number; ellipse_q: number; sb_min_lsun_pc2: number } | { kind: 'file'; file: string };
  noise: { kind: 'frac'; frac: number; definition: string } | { kind: 'snr'; snr: number; definition: string };
  notes: string[];
  /** One entry per bin, in the order of kinematics.csv: the noise-free V_rms is vrms_true. */
  bins: { x: number[]; y: number[]; vrms_true: number[]; vrms_err: number[]; vrms: number[]; v_true?: number[]; sigma_true?: number[]; v?: number[]; sigma?: number[] };
  /** The rotation parameter when the mock has V and sigma (`--kappa`). */
  kappa?: number;
}

function req(name: string, v: number | undefined, what: string): number {
  if (v === undefined) throw new InputError(name, `missing; give ${what}`);
  if (!Number.isFinite(v)) throw new InputError(name, `is ${v}; give ${what}`);
  return v;
}

function readBins(path: string): { x: number[]; y: number[] } {
  const t = parseCsv(readText(path), path);
  const cx = findColumn(t, ['x', 'xbin', 'x_arcsec']);
  const cy = findColumn(t, ['y', 'ybin', 'y_arcsec']);
  if (cx < 0) throw missingColumn(t, ['x'], 'bin centre x along the major axis, arcsec');
  if (cy < 0) throw missingColumn(t, ['y'], 'bin centre y, arcsec', [cx]);
  const x = Array.from(numberColumn(t, cx, 'an x position in arcsec'));
  const y = Array.from(numberColumn(t, cy, 'a y position in arcsec'));
  const seen = new Map<string, number>();
  for (let i = 0; i < x.length; i++) {
    const key = `${x[i]},${y[i]}`;
    const j = seen.get(key);
    if (j !== undefined) throw new InputError(cellWhere(t, i, cx), `bin at (${x[i]}, ${y[i]}) duplicates the bin of row ${t.rowNumber(j)}; remove one of them`);
    seen.set(key, i);
  }
  return { x, y };
}

/** Computes the mock (no file touched). @throws InputError naming the parameter (snake_case: inc_deg, psf_sigma[k]) or file. */
export function computeMock(o: MockOptions): { truth: MockTruthFile; kinematicsCsv: string; photometry: { name: string; data: string | Uint8Array } } {
  if (!o.photometry) throw new InputError('photometry', 'missing; give the Sérsic .json or MGE .ecsv/.csv photometry');
  if (!o.out) throw new InputError('out', 'missing; give the output folder, e.g. --out mocks/galaxy1');
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw new InputError('out', `${o.out} is a file; give a folder (created if missing)`);
  const massModel = (o.massModel ?? 'qm') as MassModel;
  if (massModel !== 'qm' && massModel !== 'light') throw new InputError('mass_model', `is '${o.massModel}'; use qm or light`);
  const betaZ = req('beta_z', o.betaZ, 'beta_z = 1 - sigma_z^2/sigma_R^2, < 1');
  const incDeg = req('inc_deg', o.incDeg, 'the inclination in degrees, in (0, 90]');
  if (!(incDeg > 0 && incDeg <= 90)) throw new InputError('inc_deg', `is ${incDeg}; the inclination must lie in (0, 90] degrees (90 = edge-on)`);
  const ml = req('ml', o.ml, 'the stellar mass-to-light ratio, > 0');
  if (!(ml > 0)) throw new InputError('ml', `is ${ml}; the mass-to-light ratio must be > 0`);
  const distance = req('distance', o.distance, 'the distance in Mpc, > 0');
  if (!(distance > 0)) throw new InputError('distance', `is ${distance}; the distance must be > 0 Mpc`);
  const mbh = o.mbh ?? 0;
  if (!(Number.isFinite(mbh) && mbh >= 0)) throw new InputError('mbh', `is ${mbh}; give the black-hole mass in Msun, >= 0`);
  let qM = 1;
  if (massModel === 'qm') {
    qM = req('q_m', o.qM, "q_M, the mass MGE's observed axial ratio, in (0, 1] (mass model qm)");
    if (!(qM > 0 && qM <= 1)) throw new InputError('q_m', `is ${qM}; q_M must lie in (0, 1]`);
  } else if (o.qM !== undefined) throw new InputError('q_m', 'applies only to --mass-model qm (mass follows light has no q_M); remove it');
  const align = o.align === undefined ? 'cyl' : checkAlign(o.align, 'align')!;
  const kappa = o.kappa;
  if (kappa !== undefined) {
    if (!Number.isFinite(kappa)) throw new InputError('kappa', `is ${kappa}; give the rotation parameter, a finite number (1 = isotropic rotator for beta_z = 0)`);
    if (align === 'sph') throw new InputError('kappa', 'needs the cylindrically aligned model (the first moment is that of Cappellari 2008); drop --align sph or --kappa');
  }
  const seed = o.seed ?? 1;
  if (!(Number.isInteger(seed) && seed >= 0)) throw new InputError('seed', `is ${seed}; give an integer >= 0`);

  // Noise.
  if (o.noiseFrac !== undefined && o.snr !== undefined) throw new InputError('snr', 'and --noise-frac both given; give one of them');
  const noiseFrac = o.snr === undefined ? (o.noiseFrac ?? 0.05) : undefined;
  if (noiseFrac !== undefined && !(noiseFrac > 0 && noiseFrac <= 1)) throw new InputError('noise_frac', `is ${noiseFrac}; give the error as a fraction of V_rms in (0, 1] (the fit needs errors > 0)`);
  if (o.snr !== undefined && !(o.snr > 0 && Number.isFinite(o.snr))) throw new InputError('snr', `is ${o.snr}; give the S/N of the faintest bin, > 0`);

  // PSF and pixel.
  const ps = numberList('psf_sigma', o.psfSigma);
  const pw = numberList('psf_weight', o.psfWeight);
  let psf: { sigma: number[]; weight: number[] } | null = null;
  if (ps) {
    const weight = pw ?? ps.map(() => 1);
    if (weight.length !== ps.length) throw new InputError('psf_weight', `has ${weight.length} values for ${ps.length} PSF sigmas; give one weight per sigma`);
    let c;
    try {
      c = checkPsf({ sigma: ps, weight });
    } catch (e) {
      // checkPsf names the field psf.sigma[k] / psf.weight[k]; the caller passed psf_sigma / psf_weight.
      const m = e instanceof InputError ? /^psf\.(sigma|weight)(\[\d+\])?$/.exec(e.where) : null;
      if (m && e instanceof InputError) throw new InputError(`psf_${m[1]}${m[2] ?? ''}`, e.message.slice(e.where.length + 2));
      throw e;
    }
    psf = { sigma: Array.from(c.sigma), weight: Array.from(c.weight) };
  } else if (pw) throw new InputError('psf_weight', 'needs --psf-sigma');
  const pixsize = o.pixsize ?? 0;
  if (!(Number.isFinite(pixsize) && pixsize >= 0)) throw new InputError('pixsize', `is ${pixsize}; give the pixel side in arcsec, >= 0`);

  // Photometry.
  const phot = readPhotometry(o.photometry);
  const mge = phot.kind === 'mge' ? phot.mge : sersicToMge(phot.params);
  const light = { surf: Array.from(mge.surf), sigma: Array.from(mge.sigma), qobs: Array.from(mge.qobs) };
  const qLight = luminosityWeightedQ(light);
  const re = phot.kind === 'sersic' ? phot.params.Re : mgeHalfLight(light, o.photometry).aMajor;

  // Physically impossible models: errors naming the parameter.
  const qMin = Math.min(...light.qobs);
  if (!(intrinsicQ(qMin, incDeg) >= Q_INTRINSIC_MIN)) {
    throw new InputError('inc_deg', `is ${incDeg}; the light's flattest Gaussian (q' = ${qMin} in ${o.photometry}) cannot be seen at this inclination (intrinsic q < ${Q_INTRINSIC_MIN}): raise the inclination`);
  }
  if (massModel === 'qm' && !(intrinsicQ(qM, incDeg) >= Q_INTRINSIC_MIN)) {
    throw new InputError('q_m', `is ${qM}; the mass cannot be this flat at inc_deg = ${incDeg} (intrinsic q < ${Q_INTRINSIC_MIN}): raise q_M or the inclination`);
  }
  const eps = 1 - intrinsicQ(qLight, incDeg);
  const betaMax = TRAINING_DOMAIN_V1.betaEpsFactor * eps;
  if (!(betaZ < betaMax)) {
    throw new InputError('beta_z', `is ${betaZ}; it must be < ${TRAINING_DOMAIN_V1.betaEpsFactor} eps_intr = ${betaMax.toPrecision(4)} for this light at inc_deg = ${incDeg} (jamfit fit's prior always imposes this limit)`);
  }

  // Bins.
  let x: number[];
  let y: number[];
  let binsFrom: MockTruthFile['bins_from'];
  if (o.bins !== undefined) {
    for (const k of ['field', 'pixel', 'maxRadius', 'sbMin'] as const) {
      if (o[k] !== undefined) throw new InputError(k === 'maxRadius' ? 'max_radius' : k === 'sbMin' ? 'sb_min' : k, 'shapes the spaxel field, which --bins replaces; remove one of them');
    }
    ({ x, y } = readBins(o.bins));
    binsFrom = { kind: 'file', file: o.bins };
  } else {
    const maxRadius = o.maxRadius ?? 2 * re;
    if (!(maxRadius > 0 && Number.isFinite(maxRadius))) throw new InputError('max_radius', `is ${maxRadius}; give the elliptical radius of the field in arcsec, > 0`);
    const half = o.field ?? maxRadius;
    if (!(half > 0 && Number.isFinite(half))) throw new InputError('field', `is ${half}; give the field's half-width in arcsec, > 0`);
    const pixel = o.pixel ?? re / 4;
    if (!(pixel > 0 && pixel <= half)) throw new InputError('pixel', `is ${pixel}; give the spaxel side in arcsec, in (0, --field]`);
    const sbMin = o.sbMin ?? 0;
    if (!(sbMin >= 0 && Number.isFinite(sbMin))) throw new InputError('sb_min', `is ${sbMin}; give a surface brightness in Lsun/pc^2, >= 0`);
    const g = skyGrid(half, half, pixel);
    if (g.nx * g.ny > 1_000_000) throw new InputError('pixel', `gives ${g.nx * g.ny} spaxels; use larger spaxels or a smaller --field`);
    const sb = mgeSurfaceDensity(light, g.x, g.y);
    x = [];
    y = [];
    for (let i = 0; i < g.x.length; i++) {
      if (Math.hypot(g.x[i], g.y[i] / qLight) <= maxRadius && sb[i] >= sbMin) {
        x.push(g.x[i]);
        y.push(g.y[i]);
      }
    }
    binsFrom = { kind: 'field', half_arcsec: half, pixel_arcsec: pixel, max_radius_arcsec: maxRadius, ellipse_q: qLight, sb_min_lsun_pc2: sbMin };
  }
  if (x.length === 0) throw new InputError(o.bins ?? 'max_radius', 'leaves no bins; widen the field or lower --sb-min');

  // The model: the fit's mass conventions (likelihoods/grid-model.ts), the exact JAM.
  const mgePot = massModel === 'qm' ? qmMassMge(light, qM) : light;
  // The alignment changes only the values at the points or grid nodes (jamVrms), so the bins, the
  // errors and the noise draws of a seed are the same for both: a cyl and an sph mock of one seed
  // differ by the model alone.
  const jamOpts: JamOptions = { align };
  if (psf) jamOpts.psf = psf;
  if (pixsize > 0) jamOpts.pixsize = pixsize;
  // JAM multiplies the black hole by ml too; dividing keeps its mass fixed (as the fit does).
  const vTrue = jamVrms({ mgeLum: light, mgePot, incDeg, beta: betaZ, distanceMpc: distance, ml, mbh: mbh / ml }, x, y, jamOpts);

  // Noise.
  const err = new Float64Array(x.length);
  let noise: MockTruthFile['noise'];
  if (noiseFrac !== undefined) {
    for (let i = 0; i < x.length; i++) err[i] = noiseFrac * vTrue[i];
    noise = { kind: 'frac', frac: noiseFrac, definition: 'vrms_err = frac * vrms_true; vrms = vrms_true + vrms_err * N(0, 1)' };
  } else {
    const snr = o.snr!;
    const sb = mgeSurfaceDensity(light, x, y);
    const sbLow = Math.min(...sb);
    for (let i = 0; i < x.length; i++) err[i] = vTrue[i] / (snr * Math.sqrt(sb[i] / sbLow));
    noise = { kind: 'snr', snr, definition: 'S/N of V_rms = snr * sqrt(I / I_min) (I: light surface brightness at the bin centre, I_min: the faintest bin\'s); vrms_err = vrms_true / that S/N; vrms = vrms_true + vrms_err * N(0, 1)' };
  }
  const rng = new Rng(seed);
  const vObs = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    if (!(err[i] > 0)) throw new InputError('model', `V_rms is ${vTrue[i]} at bin (${x[i]}, ${y[i]}), so its error is 0; move the bin off where the model vanishes`);
    vObs[i] = vTrue[i] + err[i] * rng.normal();
    if (vObs[i] < 0) throw new InputError(noiseFrac !== undefined ? 'noise_frac' : '--snr', `draws a negative V_rms at bin (${x[i]}, ${y[i]}); lower the noise`);
  }
  // First moment (--kappa): V with the same PSF/pixel path, sigma = sqrt(V_rms^2 - V^2), then their noise.
  let moments: { vTrue: Float64Array; sTrue: Float64Array; v: Float64Array; s: Float64Array } | null = null;
  if (kappa !== undefined) {
    const vTrueV = jamVlos({ mgeLum: light, mgePot, incDeg, beta: betaZ, distanceMpc: distance, ml, mbh: mbh / ml }, x, y, kappa, jamOpts);
    const sTrue = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const s2 = vTrue[i] * vTrue[i] - vTrueV[i] * vTrueV[i];
      if (!(s2 >= 0)) throw new InputError('kappa', `is ${kappa}; at bin (${x[i]}, ${y[i]}) |V| = ${Math.abs(vTrueV[i]).toPrecision(4)} exceeds V_rms = ${vTrue[i].toPrecision(4)} km/s (no dispersion left): lower |kappa|`);
      sTrue[i] = Math.sqrt(s2);
    }
    const v = new Float64Array(x.length);
    const s = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      v[i] = vTrueV[i] + err[i] * rng.normal();
      s[i] = sTrue[i] + err[i] * rng.normal();
      if (s[i] < 0) throw new InputError(noiseFrac !== undefined ? '--noise-frac' : '--snr', `draws a negative sigma at bin (${x[i]}, ${y[i]}); lower the noise`);
    }
    moments = { vTrue: vTrueV, sTrue, v, s };
  }

  // Notes: outside the surrogate's domain or jamfit fit's default prior is allowed, and said.
  const notes: string[] = [];
  if (massModel === 'light') notes.push('mass model light: fit it with --mass-model light (the tabulated exact engine by default; --engine surrogate for the multi-component surrogate, whose accuracy is stated in its README)');
  else if (phot.kind === 'sersic') {
    const v = domainViolation(TRAINING_DOMAIN_V1, [phot.params.n, phot.params.qobs, qM, betaZ, incDeg]);
    if (v) notes.push(`outside the surrogate's training domain: ${v}`);
  } else notes.push("MGE photometry: the surrogate's training domain is defined for Sérsic light; fit it with the exact JAM to be safe");
  if (mbh > 0) notes.push('a black hole: fit with the same --mbh (it is fixed, not fitted)');
  try {
    const prior = fitPrior({ massModel, mlMode: 'sample', light, lightSource: o.photometry });
    const vec = [betaZ, ...(massModel === 'qm' ? [qM] : []), incDeg, Math.log10(ml)];
    if (prior.logPrior(vec) === -Infinity) notes.push("the truth lies outside jamfit fit's default prior (the training-domain box, M/L in [0.1, 10]); widen the fit's ranges or expect a biased fit");
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    notes.push(`jamfit fit's default prior refuses this photometry: ${e.message}`);
  }

  const photName = phot.kind === 'sersic' ? 'photometry.json' : `photometry${extname(o.photometry).toLowerCase()}`;
  const photData = phot.kind === 'sersic'
    ? JSON.stringify({ sersic: { n: phot.params.n, re_arcsec: phot.params.Re, q: phot.params.qobs, ie_lsun_pc2: phot.params.Ie } }, null, 2) + '\n'
    : readBytes(o.photometry);

  const parameters: Record<string, number> = { beta_z: betaZ, ...(massModel === 'qm' ? { q_m: qM } : {}), inc_deg: incDeg, ml };
  const truth: MockTruthFile = {
    jamfit_version: version,
    command: mockCommand(o, { massModel, align, seed, noiseFrac }),
    seed,
    mass_model: massModel,
    align,
    parameters,
    mbh_msun: mbh,
    distance_mpc: distance,
    photometry: {
      file: photName,
      source: o.photometry,
      kind: phot.kind,
      ...(phot.kind === 'sersic' ? { sersic: { n: phot.params.n, re_arcsec: phot.params.Re, q: phot.params.qobs, ie_lsun_pc2: phot.params.Ie } } : {}),
    },
    light_mge: light,
    r_e_arcsec: re,
    psf,
    pixsize,
    bins_from: binsFrom,
    noise,
    notes,
    bins: {
      x, y, vrms_true: Array.from(vTrue), vrms_err: Array.from(err), vrms: Array.from(vObs),
      ...(moments ? { v_true: Array.from(moments.vTrue), sigma_true: Array.from(moments.sTrue), v: Array.from(moments.v), sigma: Array.from(moments.s) } : {}),
    },
    ...(kappa !== undefined ? { kappa } : {}),
  };
  // String(number) is the shortest text that reads back as the same double.
  const rows = [moments ? 'x,y,vrms,vrms_err,v,v_err,sigma,sigma_err' : 'x,y,vrms,vrms_err'];
  for (let i = 0; i < x.length; i++) rows.push(`${x[i]},${y[i]},${vObs[i]},${err[i]}` + (moments ? `,${moments.v[i]},${err[i]},${moments.s[i]},${err[i]}` : ''));
  return { truth, kinematicsCsv: rows.join('\n') + '\n', photometry: { name: photName, data: photData } };
}

/** The canonical command line of the resolved options (recorded in truth.json; independent of how they were typed). */
function mockCommand(o: MockOptions, r: { massModel: MassModel; align: 'cyl' | 'sph'; seed: number; noiseFrac?: number }): string {
  const a: (string | number)[] = ['jamfit', 'mock', '--photometry', o.photometry!, '--mass-model', r.massModel, '--beta-z', o.betaZ!];
  if (r.massModel === 'qm') a.push('--q-m', o.qM!);
  a.push('--inc-deg', o.incDeg!, '--ml', o.ml!, '--distance', o.distance!);
  if (o.mbh !== undefined) a.push('--mbh', o.mbh);
  if (o.bins !== undefined) a.push('--bins', o.bins);
  for (const [k, v] of [['field', o.field], ['pixel', o.pixel], ['max-radius', o.maxRadius], ['sb-min', o.sbMin]] as const) if (v !== undefined) a.push(`--${k}`, v);
  if (o.psfSigma !== undefined) a.push('--psf-sigma', o.psfSigma);
  if (o.psfWeight !== undefined) a.push('--psf-weight', o.psfWeight);
  if (o.pixsize !== undefined) a.push('--pixsize', o.pixsize);
  if (o.kappa !== undefined) a.push('--kappa', o.kappa);
  if (r.align !== 'cyl') a.push('--align', r.align);
  if (r.noiseFrac !== undefined) a.push('--noise-frac', r.noiseFrac);
  else a.push('--snr', o.snr!);
  a.push('--seed', r.seed, '--out', o.out!);
  return a.map((t) => (/^[\w./,:+=-]+$/.test(String(t)) ? String(t) : `'${String(t).replace(/'/g, "'\\''")}'`)).join(' ');
}

/** Computes the mock and writes DIR/kinematics.csv, the photometry and DIR/truth.json (see the module header). */
export function runMock(o: MockOptions): MockResult {
  const m = computeMock(o);
  const dir = o.out!;
  const files = [join(dir, 'kinematics.csv'), join(dir, m.photometry.name), join(dir, 'truth.json')];
  writeFileAtomic(files[0], m.kinematicsCsv);
  writeFileAtomic(files[1], m.photometry.data);
  // Indented, but each array of numbers on one line (the per-bin arrays would be thousands of lines).
  const json = JSON.stringify(m.truth, null, 1).replace(/\[\s*(-?[\d.e+-]+(?:,\s*-?[\d.e+-]+)*)\s*\]/g, (_, body: string) => `[${body.replace(/\s+/g, '')}]`);
  writeFileAtomic(files[2], json + '\n');
  return { dir, files, nbins: m.truth.bins.x.length, notes: m.truth.notes, truth: m.truth };
}
