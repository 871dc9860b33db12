/**
 * The likelihood of the mean velocity V and the dispersion sigma of binned data, fitted together
 * (`jamfit fit --moments v-sigma`), with the rotation parameter kappa of the first moment
 * (Cappellari 2008, Sec. 3.2; src/jam/first-moment.ts) sampled: one global kappa, or one per
 * anisotropy group (`kappa_groups`, withKappaPrior), each Gaussian rotating with its group's.
 *
 * Model per bin b, both moments luminosity-weighted through the grid -> bins operators built on
 * the model's grid (src/operator/grid-to-bins.ts), as Cappellari 2008 App. A prescribes for the
 * observed moments (the operator weights by the surface brightness and convolves Sigma <v^k>):
 *     V2_b   = (W_even . V_rms^2(grid))_b          (the second moment, as in the V_rms fit)
 *     V_b    = (W_odd  . V(grid))_b                (the first moment, odd in x)
 *     sigma_b = sqrt(max(V2_b - V_b^2, 0)),  V_rms,b = sqrt(V2_b).
 * Data: V_i +- e^V_i and sigma_i +- e^sigma_i, independent. The noise model (systematics.ts) acts
 * on both moments as on V_rms: the total error of either moment of a bin is
 *     s_i^2 = g e_i^2 + a V_rms,b^2 + c      ([g, a, c] = noise.variance(theta)),
 * i.e. 'fraction' adds f_sys times the model V_rms of the bin (not of V, which vanishes on the
 * minor axis, nor of sigma): the same absolute model error for V and sigma, scaled like the V_rms
 * fit's. 'mitzkus' inflates by (2 N)^(1/4) with N = 2 x the bins (the caller builds the noise model
 * with that count). The residual distribution (Gaussian or Student-t) is the noise model's:
 *     log L = sum_i [logPdf(z^V_i) - log s^V_i + logPdf(z^sigma_i) - log s^sigma_i].
 * M/L is sampled ('sample' mode only: V ~ sqrt(M/L) and V^2 ~ M/L, so the profile/marginal
 * shortcuts of the V_rms likelihood do not apply to a non-linear combination with sigma - they are
 * refused by the caller).
 *
 * `chi2` (blob) is the formal chi^2 of V and sigma together, sum ((d - m) / e)^2 over 2 N values.
 */
import { PARAMETERS } from './parameters.ts';
import { withUniformColumn } from './fit-prior.ts';
import { InputError } from '../core/errors.ts';
import { applyGridToBins, type GridToBins } from '../src/operator/grid-to-bins.ts';
import type { FitPrior } from './fit-prior.ts';
import { newGridParams, type GridModel, type GridParams } from './grid-model.ts';
import type { NoiseModel } from './systematics.ts';
import type { GridLikelihood, GridLikelihoodResult } from './vrms-grid.ts';

/** Default prior range of kappa (uniform): both senses of rotation, up to 1.5 x the isotropic rotator's. */
export const KAPPA_RANGE: readonly [number, number] = PARAMETERS.kappa.prior!;

/** V and sigma of the bins (km/s; errors > 0), in the operators' bin order. */
export interface MomentsData {
  v: Float64Array;
  vErr: Float64Array;
  sigma: Float64Array;
  sigmaErr: Float64Array;
}

/** Checks V, sigma and their errors (finite; errors > 0; sigma >= 0). @throws InputError naming the array and bin. */
export function checkMomentsData(v: ArrayLike<number>, vErr: ArrayLike<number>, sigma: ArrayLike<number>, sigmaErr: ArrayLike<number>, where = ''): MomentsData {
  const at = (f: string) => (where ? `${where}: ${f}` : f);
  const n = v.length;
  const arr = (name: string, a: ArrayLike<number>, check: (x: number) => boolean, what: string) => {
    if (!a || a.length !== n) throw new InputError(at(name), `has ${a ? a.length : 0} values but v has ${n}; give one per bin`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (typeof a[i] !== 'number' || !check(a[i])) throw new InputError(at(`${name}[${i}]`), `is ${String(a[i])}; ${what}`);
      out[i] = a[i];
    }
    return out;
  };
  if (n === 0) throw new InputError(at('v'), 'is empty; give at least one bin');
  return {
    v: arr('v', v, Number.isFinite, 'give a finite V in km/s'),
    vErr: arr('v_err', vErr, (x) => Number.isFinite(x) && x > 0, 'give an error > 0 km/s'),
    sigma: arr('sigma', sigma, (x) => Number.isFinite(x) && x >= 0, 'give a dispersion >= 0 km/s'),
    sigmaErr: arr('sigma_err', sigmaErr, (x) => Number.isFinite(x) && x > 0, 'give an error > 0 km/s'),
  };
}

/** Model moments of every bin (km/s). */
export interface BinMoments {
  v: Float64Array;
  sigma: Float64Array;
  vrms: Float64Array;
}

/** The V-sigma likelihood: a GridLikelihood (modelVrms gives the model V_rms) that also returns the moments. */
export interface VSigmaLikelihood extends GridLikelihood {
  readonly moments: 'v-sigma';
  /** Model V, sigma and V_rms at every bin at `p` (new arrays). */
  modelMoments(p: GridParams): BinMoments;
}

/**
 * @param data  V and sigma of the bins the operators map to (same order and count).
 * @param op    W (even, the V_rms operator) and `opOdd` (odd in x, buildGridToBinsOdd) on `model.grid`.
 * @throws InputError when the sizes disagree or the model has no first moment.
 */
export function vSigmaLikelihood(data: MomentsData, op: GridToBins, opOdd: GridToBins, model: GridModel, noise: NoiseModel, active?: ArrayLike<number>): VSigmaLikelihood {
  if (!model.moments) throw new InputError('moments', 'v-sigma needs the first moment, which only the exact cylindrically aligned JAM computes; use --engine direct --align cyl');
  const ng = model.grid.x.length;
  if (op.ngrid !== ng || opOdd.ngrid !== ng) throw new InputError('operator', `has ${op.ngrid} (odd: ${opOdd.ngrid}) grid columns but the model's grid has ${ng} nodes`);
  const nb = data.v.length;
  if (op.nbins !== nb || opOdd.nbins !== nb) throw new InputError('operator', `maps to ${op.nbins} (odd: ${opOdd.nbins}) bins but the data have ${nb}`);
  const act = active ? Int32Array.from(active) : Int32Array.from({ length: nb }, (_, i) => i);
  for (let k = 0; k < act.length; k++) {
    if (!(Number.isInteger(act[k]) && act[k] >= 0 && act[k] < nb) || (k > 0 && !(act[k] > act[k - 1]))) throw new InputError('active bins', `entry ${k} is ${act[k]}; give distinct increasing bin indices in 0..${nb - 1}`);
  }
  if (act.length === 0) throw new InputError('active bins', 'none; keep at least one bin in the likelihood');
  const gV2 = new Float64Array(ng);
  const gV = new Float64Array(ng);
  const bV2 = new Float64Array(nb);
  const bV = new Float64Array(nb);
  const q = newGridParams();
  const fill = (p: GridParams) => {
    Object.assign(q, p);
    model.moments!(q, gV2, gV);
    applyGridToBins(op, gV2, bV2);
    applyGridToBins(opOdd, gV, bV);
  };
  const modelMoments = (p: GridParams): BinMoments => {
    fill(p);
    const out = { v: bV.slice(), sigma: new Float64Array(nb), vrms: new Float64Array(nb) };
    for (let i = 0; i < nb; i++) {
      const v2 = Math.max(bV2[i], 0);
      out.vrms[i] = Math.sqrt(v2);
      out.sigma[i] = Math.sqrt(Math.max(v2 - bV[i] * bV[i], 0));
    }
    return out;
  };
  return {
    moments: 'v-sigma',
    nbins: nb,
    mlMode: 'sample',
    noise,
    active: act,
    evaluate(p, theta = NaN): GridLikelihoodResult {
      fill(p);
      const [g, a, c] = noise.variance(theta);
      const gauss = noise.likelihood === 'gaussian';
      let logL = 0;
      let chi2 = 0;
      let chi2Total = 0;
      for (let k = 0; k < act.length; k++) {
        const i = act[k];
        const v2 = Math.max(bV2[i], 0);
        const mV = bV[i];
        const mS = Math.sqrt(Math.max(v2 - mV * mV, 0));
        const sysV = a * v2 + c;
        const sV2 = g * data.vErr[i] ** 2 + sysV;
        const sS2 = g * data.sigmaErr[i] ** 2 + sysV;
        const rV = data.v[i] - mV;
        const rS = data.sigma[i] - mS;
        const zV2 = (rV * rV) / sV2;
        const zS2 = (rS * rS) / sS2;
        chi2 += (rV / data.vErr[i]) ** 2 + (rS / data.sigmaErr[i]) ** 2;
        chi2Total += zV2 + zS2;
        logL += gauss
          ? -0.5 * (zV2 + zS2) - 0.5 * Math.log(sV2 * sS2)
          : noise.logPdf(rV / Math.sqrt(sV2)) + noise.logPdf(rS / Math.sqrt(sS2)) - 0.5 * Math.log(sV2 * sS2);
      }
      if (gauss) logL -= act.length * Math.log(2 * Math.PI); // 2 N values, -1/2 log(2 pi) each
      return { logL, chi2, chi2Total, ml: p.ml };
    },
    modelVrms(p) {
      return modelMoments(p).vrms;
    },
    modelMoments,
  };
}

/**
 * Appends kappa to a prior: one column 'kappa' (unpack sets GridParams.kappa) or, with
 * `groups` G > 1, one per anisotropy group, 'kappa_1'..'kappa_G' (inner to outer, as beta_z_<g>;
 * unpack sets GridParams.kappaGroups), each uniform over `range`. The base prior's columns,
 * constraints and draws are unchanged.
 * @throws InputError naming kappa_range for a range that is not finite lo < hi, kappa_groups for
 *   a group count that is not an integer in 1..10.
 */
export function withKappaPrior(prior: FitPrior, range: readonly [number, number] = KAPPA_RANGE, groups = 1): FitPrior {
  if (!(Array.isArray(range) && range.length === 2 && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1])) {
    throw new InputError('kappa_range', `is ${JSON.stringify(range)}; give lo,hi with finite lo < hi`);
  }
  if (!(Number.isInteger(groups) && groups >= 1 && groups <= 10)) throw new InputError('kappa_groups', `gives ${groups} groups; give 1 to 10`);
  const k = prior.names.length;
  let out = prior;
  for (const name of groups === 1 ? ['kappa'] : Array.from({ length: groups }, (_, g) => `kappa_${g + 1}`)) out = withUniformColumn(out, name, range[0], range[1]);
  return {
    ...out,
    unpack(x, o) {
      const p = prior.unpack(x, o);
      if (groups === 1) {
        p.kappa = x[k];
        p.kappaGroups = undefined;
      } else {
        // Reuse the caller's array (a likelihood's hot loop) but never share one between outs.
        const kg = p.kappaGroups instanceof Float64Array && p.kappaGroups.length === groups ? p.kappaGroups : new Float64Array(groups);
        for (let g = 0; g < groups; g++) kg[g] = x[k + g];
        p.kappaGroups = kg;
        p.kappa = undefined;
      }
      return p;
    },
  };
}
