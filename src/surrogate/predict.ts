/**
 * The surrogate's V_rms (km/s) for one galaxy at sky points: the `jamfit predict` contract.
 *
 * Input (JSON): { "sersic": {"n", "re_arcsec", "q", "ie_lsun_pc2"}, "distance_mpc", "ml",
 * "beta_z", "q_m", "inc_deg", "x": [..], "y": [..] } with x along the major axis, arcsec.
 * Physical scale as `jamfit jam` with the Sérsic light MGE (sersicToMge) and the qm mass
 * convention: the surrogate predicts v = V_rms / sqrt(G ml I_e R_e[pc]) where R_e and I_e are
 * the semi-major axis and level of the light MGE's own half-light isophote (the training set's
 * definition, src/surrogate/simulate/training-model.ts), so the same MGE and half-light code is
 * used here to convert back. The grid is interpolated bilinearly in (ln r, theta) on V_rms^2,
 * as the grid size was chosen for (src/surrogate/simulate/config.ts).
 */
import { InputError } from '../../core/errors.ts';
import { sersicToMge } from '../photometry/sersic-mge.ts';
import { DOMAIN_PARAMS, domainViolation } from './domain.ts';
import { bestEngine, createEngine, type EngineName } from './engine.ts';
import { foldMlp } from './folded.ts';
import { applyWeights, interpWeights, outsideGrid, thetaLogRGrid } from './grid.ts';
import type { Surrogate } from './model-files.ts';
import { surrogateGalaxy } from './galaxy.ts';

export interface PredictCase {
  sersic: { n: number; re_arcsec: number; q: number; ie_lsun_pc2: number };
  distance_mpc: number;
  ml: number;
  beta_z: number;
  q_m: number;
  inc_deg: number;
  x: number[];
  y: number[];
}

const FIELD: Record<(typeof DOMAIN_PARAMS)[number], string> = { n: 'sersic.n', q_L: 'sersic.q', q_M: 'q_m', beta_z: 'beta_z', inc_deg: 'inc_deg' };

function num(v: unknown, where: string, positive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (positive && !(v > 0))) throw new InputError(where, `is ${JSON.stringify(v)}; give a finite${positive ? ' positive' : ''} number`);
  return v;
}

/** Shape- and type-checks a predict case (the domain is checked against the model later). */
export function parsePredictCase(raw: unknown): PredictCase {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError('(top level)', 'must be a JSON object with keys sersic, distance_mpc, ml, beta_z, q_m, inc_deg, x, y');
  const r = raw as Record<string, unknown>;
  const allowed = ['sersic', 'distance_mpc', 'ml', 'beta_z', 'q_m', 'inc_deg', 'x', 'y', 'name'];
  for (const k of Object.keys(r)) if (!allowed.includes(k)) throw new InputError(k, `unknown key; allowed keys are ${allowed.join(', ')}`);
  const s = r.sersic as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) throw new InputError('sersic', 'must be an object {"n", "re_arcsec", "q", "ie_lsun_pc2"}');
  for (const k of Object.keys(s)) if (!['n', 're_arcsec', 'q', 'ie_lsun_pc2'].includes(k)) throw new InputError(`sersic.${k}`, 'unknown key; allowed keys are n, re_arcsec, q, ie_lsun_pc2');
  for (const k of ['x', 'y']) {
    if (!Array.isArray(r[k])) throw new InputError(k, 'must be an array of numbers (arcsec)');
    (r[k] as unknown[]).forEach((v, i) => num(v, `${k}[${i}]`));
  }
  if ((r.x as number[]).length !== (r.y as number[]).length) throw new InputError('x, y', `have ${(r.x as number[]).length} and ${(r.y as number[]).length} elements; give one y per x`);
  return {
    sersic: { n: num(s.n, 'sersic.n'), re_arcsec: num(s.re_arcsec, 'sersic.re_arcsec', true), q: num(s.q, 'sersic.q'), ie_lsun_pc2: num(s.ie_lsun_pc2, 'sersic.ie_lsun_pc2', true) },
    distance_mpc: num(r.distance_mpc, 'distance_mpc', true),
    ml: r.ml === undefined ? 1 : num(r.ml, 'ml', true),
    beta_z: num(r.beta_z, 'beta_z'),
    q_m: num(r.q_m, 'q_m'),
    inc_deg: num(r.inc_deg, 'inc_deg'),
    x: r.x as number[],
    y: r.y as number[],
  };
}

export interface PredictOptions {
  /** Engine (default: the fastest present). */
  engine?: EngineName;
  /** Read (n, q_L) with the CNN from the rendered canonical image instead of using them exactly. */
  viaCnn?: boolean;
}

/** V_rms in km/s at the case's points. Throws InputError for parameters or points outside the model. */
export async function predictVrms(s: Surrogate, c: PredictCase, o: PredictOptions = {}): Promise<{ vrms: Float64Array; features: [number, number] }> {
  const p = [c.sersic.n, c.sersic.q, c.q_m, c.beta_z, c.inc_deg];
  const bad = domainViolation(s.manifest.domain, p);
  if (bad) {
    const k = DOMAIN_PARAMS.findIndex((name) => bad.startsWith(`${name} =`));
    const b = s.manifest.domain.box;
    const dom = `domain: n ${b.n.join('..')}, q ${b.q_L.join('..')}, q_m ${b.q_M.join('..')}, beta_z ${b.beta_z.join('..')}, inc_deg ${b.inc_deg.map((v) => +v.toFixed(2)).join('..')}, beta_z < ${s.manifest.domain.betaEpsFactor} eps_intr, intrinsic q >= ${s.manifest.domain.qIntrMin}`;
    throw new InputError(k >= 0 ? FIELD[DOMAIN_PARAMS[k]] : 'parameters', `${bad}: outside the surrogate's training ${dom}; use \`jamfit jam\` (exact) there`);
  }
  const light = sersicToMge({ n: c.sersic.n, Re: c.sersic.re_arcsec, Ie: c.sersic.ie_lsun_pc2, qobs: c.sersic.q });
  if (o.viaCnn && !s.cnn) throw new InputError('via_cnn', 'this model has no CNN; train one without --no-cnn');
  // The fit's per-galaxy set-up: features (exact, or the CNN reading the rendered MGE), R_e, scale.
  const g = surrogateGalaxy(s, light, o.viaCnn ? null : { n: c.sersic.n, qobs: c.sersic.q }, c.distance_mpc, 'sersic');
  const grid = thetaLogRGrid(s.manifest.grid);
  const xr = c.x.map((v) => v / g.reArcsec);
  const yr = c.y.map((v) => v / g.reArcsec);
  const out = outsideGrid(grid, xr, yr);
  if (out >= 0) throw new InputError(`x[${out}], y[${out}]`, `(${c.x[out]}, ${c.y[out]}) arcsec is at ${Math.hypot(xr[out], yr[out]).toPrecision(4)} R_e, outside the surrogate grid ${grid.rMin}..${grid.rMax} R_e (R_e = ${g.reArcsec.toPrecision(5)} arcsec)`);
  const features = g.features;
  const fm = foldMlp(s.mlp, s.norm);
  const e = o.engine ? await createEngine(o.engine, fm) : await bestEngine(fm);
  e.setFeatures(features);
  const lnv = await e.run([c.q_m, c.beta_z, c.inc_deg], 1);
  e.dispose();
  const v2 = Float64Array.from(lnv, (t) => Math.exp(2 * t));
  const at = applyWeights(interpWeights(grid, xr, yr), v2);
  const scale = Math.sqrt(g.v2Scale * c.ml);
  return { vrms: Float64Array.from(at, (t) => Math.sqrt(Math.max(t, 0)) * scale), features };
}
