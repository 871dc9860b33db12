/**
 * Gaussian likelihood of binned V_rms data given a model V_rms, with the mass-to-light scale
 * handled analytically. A JAM model scales as V = sqrt(M/L) V_1, so with s = sqrt(M/L) the chi^2
 *     chi2(s) = sum_i ((d_i - s m_i) / e_i)^2
 * is quadratic in s, minimised at s* = sum(d m / e^2) / sum(m^2 / e^2) (Cappellari 2008 fits M/L
 * the same way). `profiled` returns max_s log L and s*; `marginal` integrates s out (see its
 * comment for the prior on s this implies), so fits can use either.
 *
 * The data are validated once, by `checkVrmsData`, which is the only way to build a `VrmsData`:
 * a NaN or a zero error in one bin would otherwise turn every model's log L into NaN or -Infinity,
 * and a sampler would then blame its starting point. The per-call functions allocate no arrays.
 *
 * Units: d, m, e in km/s (any common unit). Masked bins are excluded by the caller (pass only the
 * good bins).
 */
import { InputError } from '../core/errors.ts';
import { erfc as erfcSafe } from '../src/math/erf.ts';

/** Checked V_rms data; build it with `checkVrmsData`. */
export interface VrmsData {
  /** Observed V_rms per bin (finite, >= 0); a private copy of the input. */
  readonly vrms: Float64Array;
  /** 1-sigma errors per bin (finite, > 0); a private copy of the input. */
  readonly err: Float64Array;
  /** 1 / err^2 per bin. */
  readonly invVar: Float64Array;
  /** log of the Gaussian normalisation: -n/2 log(2 pi) - sum log err. */
  readonly logNorm: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

function checkArray(name: string, a: unknown): ArrayLike<unknown> {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<unknown>).length !== 'number') {
    throw new InputError(name, 'must be an array of numbers (km/s), one per bin');
  }
  return a as ArrayLike<unknown>;
}

/**
 * Validates binned V_rms data and builds the `VrmsData` the likelihoods take (copies the arrays).
 *
 * @param vrms  observed V_rms per bin, km/s: finite and >= 0 (a root-mean-square velocity).
 * @param err   1-sigma error per bin, km/s: finite and > 0.
 * @param where prefix for error locations (default none), e.g. a file name.
 * @throws InputError naming the first bad bin and field, e.g. `vrms[17]: is NaN; ...`, or a length
 *   mismatch / empty data set.
 */
export function checkVrmsData(vrms: ArrayLike<number>, err: ArrayLike<number>, where = ''): VrmsData {
  const at = (f: string) => (where ? `${where}: ${f}` : f);
  const v = checkArray(at('vrms'), vrms);
  const e = checkArray(at('err'), err);
  if (v.length === 0) throw new InputError(at('vrms'), 'is empty; give at least one bin');
  if (e.length !== v.length) throw new InputError(at('err'), `has ${e.length} values but vrms has ${v.length}; give one error per bin`);
  const n = v.length;
  const out = { vrms: new Float64Array(n), err: new Float64Array(n), invVar: new Float64Array(n), logNorm: 0 };
  let sumLogErr = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i];
    if (typeof d !== 'number' || !Number.isFinite(d)) throw new InputError(at(`vrms[${i}]`), `is ${String(d)}; give a finite V_rms in km/s or drop the bin`);
    if (d < 0) throw new InputError(at(`vrms[${i}]`), `is ${d}; V_rms is a root-mean-square velocity, >= 0 km/s`);
    const s = e[i];
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new InputError(at(`err[${i}]`), `is ${String(s)}; give a finite 1-sigma error in km/s or drop the bin`);
    if (!(s > 0)) throw new InputError(at(`err[${i}]`), `is ${s}; errors must be > 0 km/s (a zero error makes every model impossible)`);
    out.vrms[i] = d;
    out.err[i] = s;
    out.invVar[i] = 1 / (s * s);
    sumLogErr += Math.log(s);
  }
  out.logNorm = -0.5 * n * LOG_2PI - sumLogErr;
  return out;
}

/** Throws unless the model has one value per bin (a caller bug, cheap to catch, no allocation). */
function checkModelLength(data: VrmsData, model: ArrayLike<number>): void {
  if (!model || model.length !== data.vrms.length) {
    throw new InputError('model', `has ${model?.length} values but the data have ${data.vrms.length} bins; evaluate the model at the data's bins`);
  }
}

/** Sufficient statistics of chi^2(s) = A s^2 - 2 B s + C for a model m. */
function moments(data: VrmsData, model: ArrayLike<number>): { A: number; B: number; C: number } {
  checkModelLength(data, model);
  let A = 0;
  let B = 0;
  let C = 0;
  const { vrms, invVar } = data;
  for (let i = 0; i < vrms.length; i++) {
    const w = invVar[i];
    A += model[i] * model[i] * w;
    B += vrms[i] * model[i] * w;
    C += vrms[i] * vrms[i] * w;
  }
  return { A, B, C };
}

/**
 * Profile likelihood over the scale: log L at s* = argmax (s* clipped at 0 when the model
 * anti-correlates with the data), and s* itself (so M/L = s*^2 times the model's M/L).
 * A model that is zero or non-finite everywhere gives logL = -Infinity (the data are checked, so
 * -Infinity here always means the model).
 * @throws InputError when the model's length differs from the number of bins.
 */
export function profiled(data: VrmsData, model: ArrayLike<number>): { logL: number; scale: number; chi2: number } {
  const { A, B, C } = moments(data, model);
  if (!(A > 0) || !Number.isFinite(A + B)) return { logL: -Infinity, scale: NaN, chi2: Infinity };
  const s = Math.max(B / A, 0);
  const chi2 = Math.max(A * s * s - 2 * B * s + C, 0);
  return { logL: data.logNorm - 0.5 * chi2, scale: s, chi2 };
}

/**
 * Log of Int_0^inf L(s) ds, and the posterior mean of s: the scale s = sqrt(M/L) marginalised
 * under a prior FLAT IN s on s > 0 (improper; its constant is dropped, so compare only models of
 * the same data, never use it as an evidence). Exact: the integrand is a Gaussian in s with mean
 * B/A and variance 1/A, truncated at s = 0.
 *
 * What the flat-in-s prior implies: in terms of Upsilon = M/L = s^2 it is p(Upsilon) ∝
 * Upsilon^(-1/2), not the log-uniform p(Upsilon) ∝ 1/Upsilon (equivalently p(s) ∝ 1/s) often used
 * for M/L. Against a log-uniform M/L prior, this marginal weights every model by an extra factor
 * ≈ s*(θ) (the best scale of that model): when the scale is well determined (sd << mean), the
 * log-uniform marginal is ≈ logL - log(scaleMean). Since s* varies with the other parameters θ
 * (inclination, anisotropy), the two priors give different posteriors on θ, not only different
 * constants; subtract log(scaleMean) (or sample M/L explicitly) to get the log-uniform answer.
 * `scaleMean` is E[s], not E[M/L] (E[s^2] = E[s]^2 + Var s).
 * @throws InputError when the model's length differs from the number of bins.
 */
export function marginal(data: VrmsData, model: ArrayLike<number>): { logL: number; scaleMean: number } {
  const { A, B, C } = moments(data, model);
  if (!(A > 0) || !Number.isFinite(A + B)) return { logL: -Infinity, scaleMean: NaN };
  const mu = B / A;
  const sd = 1 / Math.sqrt(A);
  const chi2min = C - (B * B) / A;
  // Int_0^inf exp(-A (s - mu)^2 / 2) ds = sqrt(2 pi / A) Phi(mu sqrt A); log Phi via the tail-safe
  // erfc. These two terms are the truncation at s = 0; they matter when mu is within a few sd of 0.
  const z = mu / sd;
  const logPhi = Math.log(0.5 * erfcSafe(-z / Math.SQRT2));
  // Mean of the truncated Gaussian: mu + sd * phi(z) / Phi(z).
  const mills = Math.exp(-0.5 * z * z - logPhi) / Math.sqrt(2 * Math.PI);
  return { logL: data.logNorm - 0.5 * chi2min + 0.5 * Math.log((2 * Math.PI) / A) + logPhi, scaleMean: mu + sd * mills };
}
