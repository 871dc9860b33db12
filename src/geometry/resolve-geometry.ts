/**
 * The fit's geometry from its options and the data: the centre (`--centre X,Y`, `--centre auto`,
 * or the older `--x0/--y0`, default (0, 0)) and the position angle (`--pa DEG`, `--pa auto`, else
 * the data file's aperture angle, else none). Pure: no I/O; returns what to apply, what to report
 * (summary.json's `geometry` block) and the fit.log lines. Bad input is one InputError naming
 * the option: a centre that is not two numbers or lies outside the data, a PA that is neither a
 * number nor `auto`, `--pa auto` on data without V.
 *
 * Order: the centre first (the point symmetry of sigma, or of V_rms when the table has no sigma,
 * needs no angle), then the PA about that centre.
 * `--centre auto` starts its search at the flux peak when the table has fluxes. The kinematic PA
 * is the receding side of the major axis; the photometric PA of a file (DYNAMITE's aperture.dat)
 * is an axis, so the two are compared modulo 180°.
 */
import { InputError } from '../../core/errors.ts';
import type { Kinematics } from '../data/kinematics.ts';
import { fluxPeak, type FluxPeakResult } from './flux-peak.ts';
import { kinematicPa, type KinematicPaResult } from './kinematic-pa.ts';
import { binIndex } from './neighbours.ts';
import { symmetryCentre, type SymmetryCentreResult } from './symmetry-centre.ts';

export interface GeometryRequest {
  /** `--centre`: 'auto' or 'X,Y' (arcsec, input coordinates). */
  readonly centre?: string;
  /** `--x0`, `--y0`: the older form of a given centre. */
  readonly x0?: number;
  readonly y0?: number;
  /** `--pa`: degrees (a number or its text) or 'auto'. */
  readonly pa?: number | string;
  /** Bootstrap realisations of the estimators (default 100) and their seed (default 1). */
  readonly nmc?: number;
  readonly seed?: number;
}

/** summary.json's `geometry` block (arcsec, degrees; input coordinates). */
export interface GeometryReport {
  centre: [number, number];
  /** 1-sigma errors of an estimated centre; null when given. */
  centre_err: [number, number] | null;
  centre_method: string;
  /** The flux peak, when the table has fluxes, and its quantisation error (flux-peak.ts). */
  flux_peak: [number, number] | null;
  flux_peak_err: [number, number] | null;
  /** The PA applied (counter-clockwise from +y; major axis along (-sin PA, cos PA)); null = none. */
  pa_deg: number | null;
  /** 1-sigma bootstrap error of an estimated PA; the paper's Δχ^2 = 9 / 3 error beside it. */
  pa_err: number | null;
  pa_err_dchi2: number | null;
  pa_method: string;
  /** The data file's PA (DYNAMITE aperture.dat), and kinematic minus photometric modulo 180° in (-90, 90]. */
  pa_photometric: number | null;
  pa_kin_minus_phot: number | null;
  /** S at the estimators' minima (≈ 1 when the maps are symmetric within their errors). */
  centre_symmetry_stat: number | null;
  pa_symmetry_stat: number | null;
}

export interface ResolvedGeometry {
  paDeg: number | null;
  paSource: string;
  centre: [number, number];
  report: GeometryReport;
  /** For fit.log. */
  lines: string[];
  warnings: string[];
}

function parsePa(pa: number | string | undefined): number | 'auto' | undefined {
  if (pa === undefined) return undefined;
  if (typeof pa === 'number') {
    if (!Number.isFinite(pa)) throw new InputError('pa', `is ${pa}; give the position angle in degrees (counter-clockwise from +y) or auto`);
    return pa;
  }
  const t = pa.trim();
  if (t.toLowerCase() === 'auto') return 'auto';
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) throw new InputError('pa', `is '${pa}'; give the position angle in degrees (counter-clockwise from +y) or auto`);
  return v;
}

function parseCentre(req: GeometryRequest): [number, number] | 'auto' | undefined {
  const legacy = req.x0 !== undefined || req.y0 !== undefined;
  if (req.centre !== undefined && legacy) throw new InputError('centre', 'was given with --x0/--y0; give the centre once, as --centre X,Y (or auto)');
  if (legacy) {
    for (const [n, v] of [['--x0', req.x0], ['--y0', req.y0]] as const) {
      if (v !== undefined && !Number.isFinite(v)) throw new InputError(n, `is ${v}; give the centre in arcsec`);
    }
    return [req.x0 ?? 0, req.y0 ?? 0];
  }
  if (req.centre === undefined) return undefined;
  const t = String(req.centre).trim();
  if (t.toLowerCase() === 'auto') return 'auto';
  const parts = t.split(',').map((p) => p.trim());
  const v = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || v.some((x) => !Number.isFinite(x))) {
    throw new InputError('centre', `is '${req.centre}'; give X,Y in arcsec (input coordinates), e.g. --centre -1.5,0, or auto`);
  }
  return [v[0], v[1]];
}

function goodIndices(k: Kinematics): number[] {
  const g: number[] = [];
  for (let i = 0; i < k.x.length; i++) if (k.good[i]) g.push(i);
  return g;
}

/** Refuses a centre whose nearest good bin is more than 1.25 bin spacings away (neighbours.ts taper 0). */
function checkInside(k: Kinematics, c: [number, number], option: string): void {
  const g = goodIndices(k);
  if (g.length < 5) return; // too few bins to say; the fit's own checks speak
  const ix = binIndex(g.map((i) => k.x[i]), g.map((i) => k.y[i]), k.source);
  const p = ix.weights(c[0], c[1]);
  if (p.taper > 0) return;
  const span = (a: Float64Array) => `${Math.min(...g.map((i) => a[i])).toFixed(1)}..${Math.max(...g.map((i) => a[i])).toFixed(1)}`;
  throw new InputError(
    option,
    `(${c[0]}, ${c[1]}) arcsec lies outside the data of ${k.source} (nearest bin ${p.dNearest.toFixed(2)}" away; bins span x ${span(k.x)}, y ${span(k.y)}); give a centre inside the field, or --centre auto`,
  );
}

const fmt = (v: number, d = 2) => v.toFixed(d);

/** Wraps an angle difference into (-90, 90]. */
function axisDifference(a: number, b: number): number {
  let d = (((a - b) % 180) + 180) % 180;
  if (d > 90) d -= 180;
  return d;
}

/** Resolves centre and PA (module comment). `k` is in input coordinates (not yet oriented). */
export function resolveGeometry(k: Kinematics, req: GeometryRequest): ResolvedGeometry {
  if (k.meta.frame !== 'input') throw new InputError('centre', `${k.source} is already in the galaxy frame; the geometry is resolved once`);
  const paReq = parsePa(req.pa);
  const centreReq = parseCentre(req);
  const lines: string[] = [];
  const warnings: string[] = [];
  const good = k.good;
  const nmc = req.nmc ?? 100;
  const seed = req.seed ?? 1;

  let peak: FluxPeakResult | null = null;
  if (k.flux) {
    const npix = k.pixels ? new Float64Array(k.x.length) : undefined;
    if (k.pixels && npix) for (const b of k.pixels.bin) if (b >= 0) npix[b]++;
    try {
      peak = fluxPeak({ x: k.x, y: k.y, flux: k.flux, good, npix, pixsize: k.pixels?.pixsize });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      warnings.push(`flux peak not measured: ${e.message}`);
    }
  }

  let centre: [number, number];
  let centreErr: [number, number] | null = null;
  let centreMethod: string;
  let sym: SymmetryCentreResult | null = null;
  if (centreReq === 'auto') {
    // sigma when the table has it: V_rms is built from V minus a systemic velocity estimated
    // before the centre is known, and a wrong V_sys breaks its point symmetry (it biased a mock
    // shifted by 0.7" by 3 sigma); sigma does not depend on V_sys.
    const useSigma = k.sigma !== undefined && k.sigmaErr !== undefined;
    const mapName = useSigma ? 'sigma' : 'V_rms';
    sym = symmetryCentre(
      { x: k.x, y: k.y, value: useSigma ? k.sigma! : k.vrms, err: useSigma ? k.sigmaErr! : k.vrmsErr, good },
      { guess: peak?.centre ?? [0, 0], nmc, seed },
    );
    centre = sym.centre;
    centreErr = sym.err;
    centreMethod = `--centre auto: point symmetry of the ${mapName} map (${sym.nUsed} bins, search from the ${peak ? 'flux peak' : 'origin'}), bootstrap error (${nmc} realisations)`;
    checkInside(k, centre, 'centre');
    lines.push(
      `geometry: centre (${fmt(sym.centre[0])} ± ${fmt(sym.err[0])}, ${fmt(sym.centre[1])} ± ${fmt(sym.err[1])}) arcsec from the ${mapName} point symmetry (S_min ${fmt(sym.statMin)}, ${sym.nUsed} bins)`,
    );
  } else if (centreReq) {
    centre = centreReq;
    centreMethod = req.centre !== undefined ? 'given (--centre)' : 'given (--x0/--y0)';
    checkInside(k, centre, req.centre !== undefined ? 'centre' : 'x0');
  } else {
    centre = [0, 0];
    centreMethod = 'default (0, 0): the file\'s origin';
  }
  if (peak) {
    const d = Math.hypot(peak.centre[0] - centre[0], peak.centre[1] - centre[1]);
    lines.push(`geometry: flux peak (${fmt(peak.centre[0])}, ${fmt(peak.centre[1])}) arcsec (± ${fmt(peak.err[0])}: one bin / sqrt(12), fluxes carry no errors), ${fmt(d)}" from the centre used`);
  }

  const phot = k.meta.paDeg ?? null;
  let paDeg: number | null;
  let paSource: string;
  let pa: KinematicPaResult | null = null;
  if (paReq === 'auto') {
    if (!k.v || !k.vErr) throw new InputError('pa', `auto needs the mean velocity V, but ${k.source} gives V_rms only; give --pa DEG`);
    pa = kinematicPa({ x: k.x, y: k.y, v: k.v, vErr: k.vErr, good }, { centre, nmc, seed });
    paDeg = pa.paDeg;
    paSource = '--pa auto (kinematic, Krajnović et al. 2006)';
    lines.push(
      `geometry: kinematic PA ${fmt(pa.paDeg, 1)} ± ${fmt(pa.errDeg, 1)} deg (bootstrap; Δχ²=9/3 gives ${pa.errDchi2Deg === null ? 'unbracketed' : fmt(pa.errDchi2Deg, 1)}), S_min ${fmt(pa.statMin)}, V offset ${fmt(pa.vOffset, 1)} km/s` +
        (phot !== null ? `; photometric PA ${phot} deg (${k.source}), kinematic - photometric ${fmt(axisDifference(pa.paDeg, phot), 1)} deg (mod 180)` : ''),
    );
  } else if (paReq !== undefined) {
    paDeg = paReq;
    paSource = '--pa';
  } else if (phot !== null) {
    paDeg = phot;
    paSource = `${k.source} (aperture angle)`;
    warnings.push(`no --pa: using the position angle ${phot} deg implied by the data file`);
  } else {
    paDeg = null;
    paSource = 'none (x is the major axis)';
  }

  const report: GeometryReport = {
    centre,
    centre_err: centreErr,
    centre_method: centreMethod,
    flux_peak: peak ? peak.centre : null,
    flux_peak_err: peak ? peak.err : null,
    pa_deg: paDeg,
    pa_err: pa ? pa.errDeg : null,
    pa_err_dchi2: pa ? pa.errDchi2Deg : null,
    pa_method: pa ? `kinematic: best bi-antisymmetric model of V (Krajnović et al. 2006, App. C; ${pa.nUsed} bins), bootstrap error (${nmc} realisations)` : paSource,
    pa_photometric: phot,
    pa_kin_minus_phot: pa && phot !== null ? axisDifference(pa.paDeg, phot) : null,
    centre_symmetry_stat: sym ? sym.statMin : null,
    pa_symmetry_stat: pa ? pa.statMin : null,
  };
  return { paDeg, paSource, centre, report, lines, warnings };
}
