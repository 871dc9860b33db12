/**
 * Gaussian likelihood of binned V_rms data given a model V_rms, with the mass-to-light scale
 * handled analytically. A JAM model scales as V = sqrt(M/L) V_1, so with s = sqrt(M/L) the chi^2
 *     chi2(s) = sum_i ((d_i - s m_i) / e_i)^2
 * is quadratic in s, minimised at s* = sum(d m / e^2) / sum(m^2 / e^2) (Cappellari 2008 fits M/L
 * the same way). `profiled` returns max_s log L and s*; `marginal` integrates s out under a flat
 * prior on s > 0 (a Gaussian integral truncated at 0), so fits can use either.
 *
 * Units: d, m, e in km/s (any common unit); e > 0. Masked bins are excluded by the caller (pass only
 * the good bins). Pure functions of typed arrays: no allocation.
 */
import { erfc as erfcSafe } from '../src/math/erf.ts';

export interface VrmsData {
  /** Observed V_rms per bin. */
  vrms: Float64Array;
  /** 1-sigma errors per bin, > 0. */
  err: Float64Array;
}

/** Sufficient statistics of chi^2(s) = A s^2 - 2 B s + C for a model m. */
function moments(data: VrmsData, model: ArrayLike<number>): { A: number; B: number; C: number } {
  let A = 0;
  let B = 0;
  let C = 0;
  const { vrms, err } = data;
  for (let i = 0; i < vrms.length; i++) {
    const w = 1 / (err[i] * err[i]);
    A += model[i] * model[i] * w;
    B += vrms[i] * model[i] * w;
    C += vrms[i] * vrms[i] * w;
  }
  return { A, B, C };
}

const LOG_2PI = Math.log(2 * Math.PI);

function normalisation(data: VrmsData): number {
  let s = 0;
  for (let i = 0; i < data.err.length; i++) s += Math.log(data.err[i]);
  return -0.5 * data.err.length * LOG_2PI - s;
}

/**
 * Profile likelihood over the scale: log L at s* = argmax (s* clipped at 0 when the model
 * anti-correlates with the data), and s* itself (so M/L = s*^2 times the model's M/L).
 * A model that is zero or non-finite everywhere gives logL = -Infinity.
 */
export function profiled(data: VrmsData, model: ArrayLike<number>): { logL: number; scale: number; chi2: number } {
  const { A, B, C } = moments(data, model);
  if (!(A > 0) || !Number.isFinite(A + B)) return { logL: -Infinity, scale: NaN, chi2: Infinity };
  const s = Math.max(B / A, 0);
  const chi2 = Math.max(A * s * s - 2 * B * s + C, 0);
  return { logL: normalisation(data) - 0.5 * chi2, scale: s, chi2 };
}

/**
 * Log of Int_0^inf L(s) ds: the scale marginalised under a flat prior on s in (0, inf)
 * (improper; the constant is dropped, so compare only models of the same data). Exact: the
 * integrand is a Gaussian in s with mean B/A and variance 1/A, truncated at 0.
 */
export function marginal(data: VrmsData, model: ArrayLike<number>): { logL: number; scaleMean: number } {
  const { A, B, C } = moments(data, model);
  if (!(A > 0) || !Number.isFinite(A + B)) return { logL: -Infinity, scaleMean: NaN };
  const mu = B / A;
  const sd = 1 / Math.sqrt(A);
  const chi2min = C - (B * B) / A;
  // Int_0^inf exp(-A (s - mu)^2 / 2) ds = sqrt(2 pi / A) Phi(mu sqrt A); log Phi via the tail-safe erfc.
  const z = mu / sd;
  const logPhi = Math.log(0.5 * erfcSafe(-z / Math.SQRT2));
  // Mean of the truncated Gaussian: mu + sd * phi(z) / Phi(z).
  const mills = Math.exp(-0.5 * z * z - logPhi) / Math.sqrt(2 * Math.PI);
  return { logL: normalisation(data) - 0.5 * chi2min + 0.5 * Math.log((2 * Math.PI) / A) + logPhi, scaleMean: mu + sd * mills };
}

