/**
 * posterior.nc: a run folder's posterior as an ArviZ InferenceData netCDF-4 file, written by
 * jamfit itself (no Python at write time). `arviz.from_netcdf("posterior.nc")` opens it.
 *
 * Groups (ArviZ's schema):
 *  - `posterior`: dims (chain, draw), chain = walker, draw = post-burn-in step (draw k is step
 *    `discard` + k of chain.npy, the draws summary.json was computed from). One variable per
 *    summary.json name (beta_z, q_m, inc_deg, ml, f_sys, ...), in the reported units (10^column
 *    for a column sampled as log10), and, for those, the sampled column itself (log10_ml, ...).
 *    summary.json's R-hat and ESS are those of the sampled columns (chain_columns): az.summary of
 *    the chain_columns variables reproduces them. (Bulk ESS is rank-based, so `ml` gives the same;
 *    its tail R-hat folds around the median in other units and can differ slightly.) With M/L
 *    profiled or marginalised, `ml` is the per-draw M/L of the blobs.
 *  - `sample_stats`: lp (log posterior, log_prob.npy), the blobs (chi2), and acceptance_rate per
 *    walker (dims chain; state.json's accepted moves over the iterations).
 *  - `observed_data`: vrms per used bin (dims bin; bins_model.json);
 *    `constant_data`: x, y (galaxy frame, arcsec), err, sigma_total, in_fit, model_best and, with
 *    ppc.json, model_lo68, model_hi68, z and the file row of each bin.
 *  - `posterior_predictive`: only when ppc.json carries the per-draw models (`draws`), as
 *    vrms (chain 1, draw, bin); the fit's ppc.json keeps per-bin bands, not draws.
 * Run settings (config.json, the command from fit.log, nwalkers, nsteps, discard, stop, ...) are
 * attributes of the root and of `posterior`; objects and lists of strings as JSON text.
 *
 * Why h5wasm (HDF5 2.0 compiled to WebAssembly, npm, no native binary) rather than a hand-written
 * HDF5 writer: netCDF-C needs dimension scales, whose DIMENSION_LIST is a variable-length array of
 * object references (a global heap) and REFERENCE_LIST a compound; h5wasm writes those through the
 * HDF5 library's own H5DS API, so netCDF-C 4.9 and h5netcdf read the file as netCDF-4 (tested).
 * Measured on the demo run (32 walkers x 4,538 draws, 5 columns): load 0.25 s once per process,
 * then the write takes tens of milliseconds; the file is about the size of the draws in float64.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../core/errors.ts';
import { readNpy } from '../../../samplers/backends/npy.ts';
import { version } from '../../version.ts';
import { readNetcdf4 } from './reader.ts';
import { writeNetcdf4, type NcAttrValue, type NcGroup } from './writer.ts';

export const POSTERIOR_NC = 'posterior.nc';

const readJson = (runDir: string, name: string): any => {
  const p = join(runDir, name);
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new InputError(p, existsSync(p) ? `not valid JSON (${(e as Error).message.split('\n')[0]})` : 'missing: not a finished jamfit run folder');
  }
};
const readJsonIf = (runDir: string, name: string): any => (existsSync(join(runDir, name)) ? readJson(runDir, name) : null);

/** The command line of the fit (fit.log's first `start:` line), or null. */
export function fitCommand(runDir: string): string | null {
  const p = join(runDir, 'fit.log');
  if (!existsSync(p)) return null;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const m = /\] (?:start|resume): .*?; command: (.*)$/.exec(line);
    if (m) return m[1];
  }
  return null;
}

/** Flat netCDF attributes of a JSON object: scalars as such, numeric lists as arrays, the rest as JSON text. */
function flatAttrs(o: Record<string, unknown>): Record<string, NcAttrValue> {
  const out: Record<string, NcAttrValue> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) out[k] = v as number[];
    else out[k] = JSON.stringify(v);
  }
  return out;
}

/**
 * Writes `<runDir>/posterior.nc` from the run folder's summary.json, chain.npy, log_prob.npy,
 * blobs.npy, state.json, config.json, fit.log, bins_model.json and ppc.json (see the module header).
 * @returns the path written.
 * @throws InputError when the folder lacks summary.json or the chain (one line naming the file).
 */
export async function writePosteriorNc(runDir: string): Promise<string> {
  const summary = readJson(runDir, 'summary.json');
  const state = readJsonIf(runDir, 'state.json');
  const config = readJsonIf(runDir, 'config.json') ?? {};
  const nsteps: number = summary.nsteps;
  const nw: number = summary.nwalkers;
  const discard: number = summary.discard;
  const columns: string[] = summary.chain_columns;
  const names: string[] = summary.names;
  const nd = columns.length;
  const nk = nsteps - discard;
  const chain = readNpy(join(runDir, 'chain.npy'), nsteps);
  if (chain.shape[1] !== nw || chain.shape[2] !== nd) throw new InputError(join(runDir, 'chain.npy'), `shape (${chain.shape.join(', ')}) does not match summary.json's ${nw} walkers x ${nd} columns`);
  const logProb = readNpy(join(runDir, 'log_prob.npy'), nsteps);
  const blobs = existsSync(join(runDir, 'blobs.npy')) ? readNpy(join(runDir, 'blobs.npy'), nsteps) : null;
  const blobNames: string[] = state?.blobNames ?? ['chi2', 'ml'];

  /** (chain, draw) array of one column of a (nsteps, nw, width) array. */
  const perWalker = (data: Float64Array, width: number, d: number, f?: (v: number) => number) => {
    const out = new Float64Array(nw * nk);
    for (let w = 0; w < nw; w++) {
      for (let k = 0; k < nk; k++) {
        const v = data[((discard + k) * nw + w) * width + d];
        out[w * nk + k] = f ? f(v) : v;
      }
    }
    return out;
  };

  const command = fitCommand(runDir);
  const settings: Record<string, NcAttrValue | null> = {
    created_at: new Date().toISOString(),
    inference_library: 'jamfit',
    inference_library_version: version,
    sampler: 'affine-invariant ensemble (stretch move); chain = walker',
    command,
    nwalkers: nw,
    nsteps,
    discard,
    draw_is_step: `draw k is step ${discard} + k of chain.npy`,
    chain_columns: JSON.stringify(columns),
    names: JSON.stringify(names),
    ml_mode: summary.ml_mode,
    mass_model: summary.mass_model,
    stop: summary.diagnostics?.stop ?? null,
    ...flatAttrs(config),
  };

  const dimsCD = (ndraws: number, nchains = nw) => [
    { name: 'chain', size: nchains },
    { name: 'draw', size: ndraws },
  ];
  const posterior: NcGroup = { name: 'posterior', dims: dimsCD(nk), variables: [], attrs: settings };
  columns.forEach((c, d) => {
    const r = names[d];
    if (c !== r) {
      posterior.variables.push({ name: r, dims: ['chain', 'draw'], data: perWalker(chain.data, nd, d, (v) => 10 ** v), attrs: { long_name: r, sampled_as: c } });
      posterior.variables.push({ name: c, dims: ['chain', 'draw'], data: perWalker(chain.data, nd, d), attrs: { long_name: c, note: `the sampled column; ${r} = 10^${c}` } });
    } else {
      posterior.variables.push({ name: r, dims: ['chain', 'draw'], data: perWalker(chain.data, nd, d), attrs: { long_name: r } });
    }
  });
  const mlBlob = blobNames.indexOf('ml');
  if (summary.ml_mode !== 'sample' && blobs && mlBlob >= 0 && !names.includes('ml')) {
    posterior.variables.push({ name: 'ml', dims: ['chain', 'draw'], data: perWalker(blobs.data, blobNames.length, mlBlob), attrs: { long_name: 'ml', note: `M/L ${summary.ml_mode === 'profile' ? 'profiled' : 'marginalised'} per draw (blobs.npy)` } });
  }

  const stats: NcGroup = {
    name: 'sample_stats',
    dims: dimsCD(nk),
    variables: [{ name: 'lp', dims: ['chain', 'draw'], data: perWalker(logProb.data, 1, 0), attrs: { long_name: 'log posterior density (log_prob.npy)' } }],
    attrs: { created_at: settings.created_at, inference_library: 'jamfit', inference_library_version: version },
  };
  if (blobs) {
    blobNames.forEach((b, q) => {
      if (b === 'ml') return; // a parameter (sampled) or the posterior's ml (profiled / marginalised)
      stats.variables.push({ name: b, dims: ['chain', 'draw'], data: perWalker(blobs.data, blobNames.length, q), attrs: { long_name: `${b} (blobs.npy)` } });
    });
  }
  if (Array.isArray(state?.accepted) && state.accepted.length === nw && state.iteration > 0) {
    stats.variables.push({ name: 'acceptance_rate', dims: ['chain'], data: Float64Array.from(state.accepted as number[], (a) => a / state.iteration), attrs: { long_name: 'fraction of accepted moves per walker, over all iterations' } });
  }
  const groups: NcGroup[] = [posterior, stats];

  const bins = readJsonIf(runDir, 'bins_model.json');
  const ppc = readJsonIf(runDir, 'ppc.json');
  if (bins && Array.isArray(bins.vrms)) {
    const n = bins.vrms.length;
    const f64 = (a: unknown[]) => Float64Array.from(a as number[], (v) => (v === null ? NaN : v));
    const bin = [{ name: 'bin', size: n }];
    groups.push({ name: 'observed_data', dims: bin, variables: [{ name: 'vrms', dims: ['bin'], data: f64(bins.vrms), attrs: { units: 'km/s', long_name: 'observed V_rms per bin' } }], attrs: { created_at: settings.created_at, inference_library: 'jamfit' } });
    const constant: NcGroup = { name: 'constant_data', dims: bin, variables: [], attrs: { created_at: settings.created_at, inference_library: 'jamfit', frame: bins.frame ?? null } };
    for (const [k, units] of [['x', 'arcsec'], ['y', 'arcsec'], ['err', 'km/s'], ['sigma_total', 'km/s'], ['model_best', 'km/s']] as const) {
      if (Array.isArray(bins[k]) && bins[k].length === n) constant.variables.push({ name: k, dims: ['bin'], data: f64(bins[k]), attrs: { units } });
    }
    if (Array.isArray(bins.in_fit) && bins.in_fit.length === n) constant.variables.push({ name: 'in_fit', dims: ['bin'], data: Int8Array.from(bins.in_fit as boolean[], (v) => (v ? 1 : 0)), attrs: { long_name: '1: in the likelihood, 0: clipped' } });
    const pb = Array.isArray(ppc?.bins) && ppc.bins.length === n ? (ppc.bins as Record<string, number>[]) : null;
    if (pb) {
      for (const k of ['model_lo68', 'model_hi68', 'z']) constant.variables.push({ name: k, dims: ['bin'], data: Float64Array.from(pb, (b) => b[k] ?? NaN), attrs: { source: 'ppc.json' } });
      constant.variables.push({ name: 'row', dims: ['bin'], data: Int32Array.from(pb, (b) => b.row ?? -1), attrs: { long_name: 'row of the kinematics file' } });
    }
    groups.push(constant);
    const draws = ppc?.draws;
    if (Array.isArray(draws) && draws.length > 0 && draws.every((d: unknown) => Array.isArray(d) && d.length === n)) {
      const data = new Float64Array(draws.length * n);
      draws.forEach((d: number[], i: number) => data.set(d, i * n));
      groups.push({ name: 'posterior_predictive', dims: [...dimsCD(draws.length, 1), { name: 'bin', size: n }], variables: [{ name: 'vrms', dims: ['chain', 'draw', 'bin'], data, attrs: { units: 'km/s' } }], attrs: { created_at: settings.created_at, inference_library: 'jamfit' } });
    }
  }

  const path = join(runDir, POSTERIOR_NC);
  await writeNetcdf4(path, { attrs: settings, groups });
  return path;
}

export interface PosteriorNc {
  /** Variables of the posterior group, each (chain, draw) row-major. */
  posterior: Record<string, Float64Array>;
  nchains: number;
  ndraws: number;
  /** sample_stats.lp, (chain, draw). */
  lp: Float64Array | null;
  attrs: Record<string, unknown>;
}

/**
 * Reads posterior.nc back (the posterior group and lp).
 * @throws InputError (one line) for a truncated or corrupt file, or one without a posterior group.
 */
export async function readPosteriorNc(path: string): Promise<PosteriorNc> {
  const f = await readNetcdf4(path);
  const g = f.groups.posterior;
  if (!g) throw new InputError(path, 'no posterior group: not an ArviZ InferenceData file');
  const posterior: Record<string, Float64Array> = {};
  let nchains = 0;
  let ndraws = 0;
  for (const [k, v] of Object.entries(g.variables)) {
    if (v.dims.length !== 2 || v.dims[0] !== 'chain' || v.dims[1] !== 'draw') continue;
    [nchains, ndraws] = v.shape;
    posterior[k] = Float64Array.from(v.data as Float64Array);
  }
  const lp = f.groups.sample_stats?.variables.lp;
  return { posterior, nchains, ndraws, lp: lp ? Float64Array.from(lp.data as Float64Array) : null, attrs: g.attrs };
}
