/**
 * `jamfit validate`: N mock galaxies with truths from the prior (src/validate/draw.ts), their
 * mocks from the exact JAM (src/run/mock.ts), a fit of each (src/fit/fit.ts, figures off), and
 * the calibration report (src/validate/report.ts) with its two figures. `--mass-model` (qm by
 * default, or light: mass follows light) sets the mocks' model, the fits' model and the
 * calibrated columns (draw.ts validateColumns); `--engine` / `--exact` pick the fits' engine
 * (src/engines/choose.ts), resolved once before anything is written. `--align cyl|sph` is the
 * velocity ellipsoid of the fits (Cappellari 2008 / 2020) and `--mock-align` that of the mocks
 * (default: the same). With the same alignment the report is a calibration; with different ones
 * the truths are still prior draws, so the report's systematic shift of the medians (mean and
 * median of median - truth, also in posterior sd, report.ts) is the error that fitting the wrong
 * alignment makes on average over the prior, and the coverage says how badly the intervals miss.
 *
 * Folder (DIR = --out):
 *   validate.json           the options every mock shares (a resume with others is refused);
 *   mocks/<k>/mock/         `jamfit mock`'s files for galaxy k (kinematics.csv, photometry.json,
 *                           truth.json);
 *   mocks/<k>/fit/          its `jamfit fit` run folder (resumable, like any run folder);
 *   mocks/<k>/calibration.json   its record (src/validate/record.ts), written last: a mock with
 *                           this file is finished and is never fitted again;
 *   report.json, rank_histograms.{svg,png}, calibration.{svg,png}   over mocks 0..N-1.
 * Every file is written atomically (core/atomic-write.ts; the chain by DiskBackend), so a
 * validate killed at any moment and started again with the same options continues: finished
 * mocks are read back, a half-made mock is made again (same bytes), a half-run fit resumes from
 * its checkpoint. Results depend only on --seed and k: running with a larger --n later adds mocks
 * N..N'-1 and reports over all of them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { reportedName, toReported } from '../../likelihoods/parameters.ts';
import { checkAlign } from '../data/jam-case.ts';
import { chooseEngine } from '../engines/choose.ts';
import type { EngineName } from '../engines/names.ts';
import { coverageTarpSvg, rankHistogramsSvg } from '../plots/calibration.ts';
import { svgToPng } from '../plots/png.ts';
import { runFit } from '../fit/fit.ts';
import { runMock, type MockTruthFile } from '../run/mock.ts';
import { version } from '../version.ts';
import { drawMock, priorSd, validateColumns, VALIDATE_MASS_MODELS, VALIDATE_PHOTOMETRY, VALIDATE_SETUP, type MgeLight, type MockDraw, type ValidateMassModel, type ValidatePhotometry } from './draw.ts';
import { calibrationRecord, type CalibrationRecord } from './record.ts';
import { calibrationReport, type CalibrationReport } from './report.ts';

/** Options as parsed (undefined = not given). */
export interface ValidateOptions {
  n?: number;
  seed?: number;
  walkers?: number;
  steps?: number;
  maxSteps?: number;
  /** Mass model of the mocks and the fits: 'qm' (default) or 'light'. */
  massModel?: string;
  /** The mocks' light: 'sersic' (default) or 'family' (the multi-component family; mass follows light). */
  photometry?: string;
  /**
   * Velocity-ellipsoid alignment of the fits: 'cyl' (default; Cappellari 2008) or 'sph'
   * (Cappellari 2020). The mocks use `mockAlign`, by default the same.
   */
  align?: string;
  /** Alignment of the mocks' model (default `align`): the other one measures the mismatch's bias. */
  mockAlign?: string;
  /** The fits' engine: auto (default), surrogate, tabulated or direct (src/engines/choose.ts). */
  engine?: string;
  exact?: boolean;
  /** L, posterior draws per mock for the ranks and TARP (default 99). */
  draws?: number;
  rankBins?: number;
  workers?: number;
  out?: string;
  /** The command line, for report.json. */
  argv?: string[];
}

export interface ValidateIO {
  out(s: string): void;
  err(s: string): void;
}

export interface ValidateOutcome {
  dir: string;
  report: CalibrationReport;
  fitted: number;
  reused: number;
  files: string[];
}

/** What validate.json holds: every option that changes a mock's result (not --n, not --workers). */
interface ValidateConfig {
  format: 'jamfit-validate';
  version: 1;
  seed: number;
  walkers: number;
  steps: number | null;
  max_steps: number;
  mass_model: ValidateMassModel;
  /** The mocks' light (draw.ts); absent in folders made before it existed, which were 'sersic'. */
  photometry: ValidatePhotometry;
  /** Velocity-ellipsoid alignment of the fits and of the mocks. */
  align: 'cyl' | 'sph';
  mock_align: 'cyl' | 'sph';
  /** The fits' engine as resolved from --engine / --exact for this mass model. */
  engine: EngineName;
  exact: boolean;
  draws: number;
  setup: typeof VALIDATE_SETUP;
}

function int(name: string, v: number | undefined, dflt: number | undefined, min: number): number | undefined {
  if (v === undefined) return dflt;
  if (!(Number.isSafeInteger(v) && v >= min)) throw new InputError(name, `is ${v}; give an integer >= ${min}`);
  return v;
}

/**
 * What a validate.json written before a key existed meant by its absence: the qm mass model, Sérsic mocks, the
 * cylindrical alignment for mocks and fits, and the engine its `exact` chose then (the direct
 * exact JAM, or the surrogate).
 */
function legacyValue(old: Record<string, unknown>, k: keyof ValidateConfig): unknown {
  if (k in old) return old[k];
  if (k === 'mass_model') return 'qm';
  if (k === 'photometry') return 'sersic';
  if (k === 'align' || k === 'mock_align') return 'cyl';
  if (k === 'engine') return old.exact === true ? 'direct' : 'surrogate';
  return undefined;
}

function checkConfig(dir: string, cfg: ValidateConfig): void {
  const f = join(dir, 'validate.json');
  if (!existsSync(f)) return;
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    throw new InputError(f, 'is not valid JSON; remove the folder or choose another --out');
  }
  for (const k of Object.keys(cfg) as (keyof ValidateConfig)[]) {
    const was = legacyValue(old, k);
    if (JSON.stringify(was) !== JSON.stringify(cfg[k])) {
      throw new InputError(f, `this folder was started with other options: ${k} was ${JSON.stringify(was)}, now ${JSON.stringify(cfg[k])}; use the same options (any --n) or choose another --out`);
    }
  }
}

/** The mock's photometry file: a Sérsic JSON, or an MGE table. */
function photometryFile(draw: MockDraw): string {
  return draw.mge ? 'photometry.csv' : 'photometry.json';
}

/** An MGE as the CSV photometry reader takes it, every number in full precision (the fit reads the same Gaussians). */
function mgeCsv(m: MgeLight): string {
  return ['surf,sigma,q', ...m.surf.map((s, k) => `${s},${m.sigma[k]},${m.qobs[k]}`)].join('\n') + '\n';
}

/** Makes mock k's files with the `align` model (unless truth.json shows they exist and belong to this draw). */
function makeMock(draw: MockDraw, mockDir: string, align: 'cyl' | 'sph'): void {
  const truthPath = join(mockDir, 'truth.json');
  // truth.json's parameters: the columns in summary.json's names (ml, not log10_ml), in order.
  const params: Record<string, number> = Object.fromEntries(draw.columns.map((c, d) => [reportedName(c), toReported(c, draw.truth[d])]));
  if (existsSync(truthPath)) {
    let t: MockTruthFile;
    try {
      t = JSON.parse(readFileSync(truthPath, 'utf8'));
    } catch {
      t = null as unknown as MockTruthFile; // half-written files cannot exist (atomic); a damaged one is remade
    }
    if (t && JSON.stringify(t.parameters) === JSON.stringify(params) && t.seed === draw.mockSeed && (t.align ?? 'cyl') === align) return;
    if (t) throw new InputError(truthPath, `holds another galaxy than mock ${draw.k} of this --seed; remove ${mockDir} or choose another --out`);
  }
  // `jamfit mock` reads the photometry file and rewrites it unchanged in its output folder.
  const phot = join(mockDir, photometryFile(draw));
  writeFileAtomic(phot, draw.mge ? mgeCsv(draw.mge) : JSON.stringify({ sersic: draw.sersic }, null, 2) + '\n');
  runMock({
    photometry: phot,
    massModel: draw.massModel,
    betaZ: params.beta_z,
    qM: params.q_m, // undefined for 'light' (no q_M)
    incDeg: params.inc_deg,
    ml: params.ml,
    distance: VALIDATE_SETUP.distance_mpc,
    pixel: VALIDATE_SETUP.pixel_arcsec,
    psfSigma: String(VALIDATE_SETUP.psf_sigma_arcsec),
    pixsize: VALIDATE_SETUP.pixsize_arcsec,
    noiseFrac: VALIDATE_SETUP.noise_frac,
    align,
    seed: draw.mockSeed,
    out: mockDir,
  });
}

function readRecord(path: string, seed: number, k: number, L: number): CalibrationRecord | null {
  if (!existsSync(path)) return null;
  let r: CalibrationRecord;
  try {
    r = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // cannot be half-written; a damaged record is rebuilt from the run folder
  }
  if (r.format !== 'jamfit-validate-mock' || r.seed !== seed || r.k !== k || r.draws !== L) throw new InputError(path, `belongs to another validation (seed ${r.seed}, mock ${r.k}, ${r.draws} draws); remove it or choose another --out`);
  return r;
}

/** Runs (or continues) a validation; see the module header. @throws InputError naming the option or file. */
export async function runValidate(o: ValidateOptions, io: ValidateIO): Promise<ValidateOutcome> {
  const n = int('n', o.n, undefined, 1);
  if (n === undefined) throw new InputError('n', 'missing; give the number of mock galaxies, e.g. --n 400');
  const seed = int('seed', o.seed, 1, 0)!;
  const massModel = o.massModel ?? 'qm';
  if (!(VALIDATE_MASS_MODELS as readonly string[]).includes(massModel)) throw new InputError('mass_model', `is '${massModel}'; use ${VALIDATE_MASS_MODELS.join(' or ')}`);
  const mm = massModel as ValidateMassModel;
  const align = checkAlign(o.align ?? 'cyl', 'align')!;
  const mockAlign = checkAlign(o.mockAlign ?? align, 'mock_align')!;
  const photometry = o.photometry ?? 'sersic';
  if (!(VALIDATE_PHOTOMETRY as readonly string[]).includes(photometry)) throw new InputError('photometry', `is '${photometry}'; use ${VALIDATE_PHOTOMETRY.join(' or ')}`);
  const ph = photometry as ValidatePhotometry;
  if (ph === 'family' && mm !== 'light') throw new InputError('photometry', `family with --mass-model ${mm}: the family's mocks have mass following the light; use --mass-model light`);
  // The fits' engine, for every mock alike (no halo, black hole or anisotropy groups): refused
  // here, before anything is written, when it cannot fit this mass model or alignment.
  const engine = chooseEngine(o.engine, o.exact === true, { massModel: mm, halo: 'none', blackHole: false, groups: false, align });
  const columns = validateColumns(mm);
  const walkers = int('walkers', o.walkers, 32, 2 * (columns.length + 1))!; // + f_sys, which the default fit samples
  const steps = int('steps', o.steps, undefined, 10) ?? null;
  const maxSteps = int('max_steps', o.maxSteps, 20000, 100)!;
  const L = int('draws', o.draws, 99, 1)!;
  const rankBins = int('rank_bins', o.rankBins, undefined, 2);
  if (rankBins !== undefined && (L + 1) % rankBins !== 0) throw new InputError('rank_bins', `is ${rankBins}; it must divide --draws + 1 = ${L + 1} so that every bin holds as many ranks`);
  const workers = int('workers', o.workers, 1, 1)!;
  // The summary keeps at least half the chain (fit-summary.ts): L draws must fit in it.
  if (steps !== null && Math.ceil(steps / 2) * walkers < L) throw new InputError('draws', `is ${L}, more than the ${Math.ceil(steps / 2) * walkers} samples a chain of --steps ${steps} x --walkers ${walkers} keeps after burn-in; lower --draws or run longer`);
  if (!o.out) throw new InputError('out', 'missing; give the validation folder, e.g. --out runs/validate');
  const dir = o.out;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError('out', `${dir} is a file; give a folder (created if missing)`);
  const cfg: ValidateConfig = { format: 'jamfit-validate', version: 1, seed, walkers, steps, max_steps: maxSteps, mass_model: mm, photometry: ph, align, mock_align: mockAlign, engine, exact: !!o.exact, draws: L, setup: VALIDATE_SETUP };
  checkConfig(dir, cfg);
  writeFileAtomic(join(dir, 'validate.json'), JSON.stringify(cfg, null, 2) + '\n');

  const records: CalibrationRecord[] = [];
  const warned = new Set<string>();
  let fitted = 0;
  for (let k = 0; k < n; k++) {
    const kdir = join(dir, 'mocks', String(k));
    const recPath = join(kdir, 'calibration.json');
    const old = readRecord(recPath, seed, k, L);
    if (old) {
      records.push(old);
      continue;
    }
    const draw = drawMock(seed, k, mm, ph);
    const mockDir = join(kdir, 'mock');
    const runDir = join(kdir, 'fit');
    makeMock(draw, mockDir, mockAlign);
    const r = await runFit(
      {
        kinematics: join(mockDir, 'kinematics.csv'),
        photometry: join(mockDir, photometryFile(draw)),
        out: runDir,
        distance: VALIDATE_SETUP.distance_mpc,
        psfSigma: String(VALIDATE_SETUP.psf_sigma_arcsec),
        pixsize: VALIDATE_SETUP.pixsize_arcsec,
        massModel: mm,
        align,
        engine,
        exact: o.exact,
        seed: draw.fitSeed,
        walkers,
        steps: steps ?? undefined,
        maxSteps,
        workers,
        plots: false,
        argv: ['(jamfit validate)', `mock ${k}`],
      },
      {
        out: () => {},
        // Every mock repeats the same warnings (e.g. the engine's): say each once.
        err: (s) => {
          if (!warned.has(s)) io.err(s);
          warned.add(s);
        },
      },
    );
    const rec = calibrationRecord(draw, seed, mockDir, runDir, L);
    writeFileAtomic(recPath, JSON.stringify(rec, null, 1) + '\n');
    records.push(rec);
    fitted++;
    io.out(`mock ${k + 1}/${n}: ${rec.nbins} bins, ${r.summary.nsteps} steps, ${r.seconds.toFixed(1)} s; ranks ${rec.ranks.join(' ')} of ${L}`);
  }

  const report = calibrationReport(records, priorSd(undefined, mm, ph), rankBins);
  const names = report.parameters;
  const aligned = mockAlign === align ? (align === 'cyl' ? '' : `, align ${align}`) : `, mocks ${mockAlign} fitted ${align}`;
  const title = `jamfit validate: ${n} mocks (seed ${seed}, mass model ${mm}${ph === 'family' ? ', family photometry' : ''}${aligned}, ${report.engines.join('/')} engine, ${walkers} walkers, ${steps ?? 'auto'} steps)`;
  const rankSvg = rankHistogramsSvg(names.map((name) => ({ name, ...report.calibration[name].sbc })), `Rank histograms, L = ${L}: ${title}`);
  const calSvg = coverageTarpSvg(
    {
      levels: report.levels,
      n,
      curves: names.map((name) => ({ name, coverage: report.calibration[name].coverage_curve })),
      points: names.flatMap((name) => [report.calibration[name].coverage68, report.calibration[name].coverage95].map((c) => ({ name, nominal: c.nominal, fraction: c.fraction, sd: c.sd }))),
      tarp: report.tarp,
    },
    `Coverage and TARP: ${title}`,
  );
  const files = [join(dir, 'report.json'), join(dir, 'rank_histograms.svg'), join(dir, 'rank_histograms.png'), join(dir, 'calibration.svg'), join(dir, 'calibration.png')];
  const full = {
    jamfit_version: version,
    command: `jamfit validate ${(o.argv ?? []).join(' ')}`.trim(),
    config: cfg,
    mocks: records.map((r) => ({ k: r.k, dir: join('mocks', String(r.k)), ...(r.sersic ? { sersic: r.sersic } : { family: r.family }), truth: r.truth_parameters, median: Object.fromEntries(names.map((m) => [m, r.intervals[m].median])), chi2: r.chi2, nbins: r.nbins, ess_min: r.ess_min, converged: r.converged })),
    ...report,
  };
  writeFileAtomic(files[0], JSON.stringify(full, null, 1) + '\n');
  writeFileAtomic(files[1], rankSvg);
  writeFileAtomic(files[2], svgToPng(rankSvg));
  writeFileAtomic(files[3], calSvg);
  writeFileAtomic(files[4], svgToPng(calSvg));
  // report.html: the page of all the above (src/report/validate-report.ts).
  files.push((await import('../report/validate-report.ts')).writeValidateReport(dir));
  return { dir, report, fitted, reused: n - fitted, files };
}
