/**
 * The noise model of a V_rms fit: how the formal errors become the total error of each bin, and
 * the distribution of the residual in units of that error.
 *
 * Total error (`--systematics`):
 *  - 'fraction' (the CLI default): sigma_i^2 = err_i^2 + (f_sys m_i)^2, m_i the model V_rms: a
 *    model error proportional to the model (JAM's assumptions, the PSF, template mismatch all act
 *    multiplicatively on V_rms). f_sys is sampled with a log-uniform prior on F_SYS_RANGE =
 *    [0.001, 0.5]: 0.1% is far below any IFU's calibration, 50% is a model that says nothing; the
 *    issue's NGC 6278 needs ~11%. The sampler moves log10_f_sys; summary.json reports f_sys.
 *  - 'floor': sigma_i^2 = err_i^2 + s^2 with a constant s in km/s, sampled log-uniform on
 *    SYS_KMS_RANGE = [0.1, 100] km/s (column log10_sys_kms, reported sys_kms).
 *  - 'mitzkus': sigma_i = err_i (2 N)^(1/4), N the number of bins in the likelihood, not sampled:
 *    the inflation of Mitzkus, Cappellari & Walcher (2017, after van den Bosch & van de Ven 2009),
 *    which makes Delta chi^2 = sqrt(2 N) the 1-sigma level; for comparison with published fits.
 *  - 'none': sigma_i = err_i.
 * With a sampled term the log sigma_i of the normalisation depend on the parameter and are kept:
 * dropping them would let f_sys grow without bound (every residual then costs nothing).
 *
 * Residual distribution (`--likelihood`):
 *  - 'gaussian': log p = -1/2 log(2 pi) - log sigma - z^2/2, z = (d - m)/sigma;
 *  - 'student-t': Student's t with nu degrees of freedom and scale sigma,
 *      log p = lnG((nu+1)/2) - lnG(nu/2) - 1/2 log(nu pi) - log sigma - (nu+1)/2 log(1 + z^2/nu),
 *    nu fixed (default 4, the value Lange, Little & Taylor 1989 recommend for robust fits: the
 *    smallest integer with a finite variance, 2 sigma^2, yet tails heavy enough that a 10-sigma
 *    bin costs ~log(26) instead of 50 in log L). An outlying bin then pulls the fit much less
 *    than under the Gaussian. With nu -> infinity it tends to the Gaussian.
 *
 * Units: km/s for data, errors, models and s; f_sys dimensionless.
 */
import { InputError } from '../core/errors.ts';
import { erfc } from '../src/math/erf.ts';
import { lnGamma } from '../src/math/special.ts';
import { betaCdf } from '../samplers/diagnostics/beta.ts';
import type { FitPrior } from './fit-prior.ts';
import { PARAMETERS } from './parameters.ts';
import { withUniformColumn } from './fit-prior.ts';

export const SYSTEMATICS = ['fraction', 'floor', 'mitzkus', 'none'] as const;
export type Systematics = (typeof SYSTEMATICS)[number];
export const LIKELIHOODS = ['gaussian', 'student-t'] as const;
export type LikelihoodKind = (typeof LIKELIHOODS)[number];

/** Prior range of the fractional floor f_sys (log-uniform; likelihoods/parameters.ts). */
export const F_SYS_RANGE: readonly [number, number] = PARAMETERS.log10_f_sys.prior!;
/** Prior range of the constant floor, km/s (log-uniform; likelihoods/parameters.ts). */
export const SYS_KMS_RANGE: readonly [number, number] = PARAMETERS.log10_sys_kms.prior!;
/** Default degrees of freedom of the Student-t likelihood (see the module header). */
export const DEFAULT_NU = 4;

export interface NoiseOptions {
  systematics: Systematics;
  likelihood: LikelihoodKind;
  /** Student-t degrees of freedom, > 0 (default DEFAULT_NU); ignored by 'gaussian'. */
  nu?: number;
  /** Prior range of the sampled term in its physical unit (default F_SYS_RANGE / SYS_KMS_RANGE). */
  range?: readonly [number, number];
}

export interface NoiseModel {
  readonly systematics: Systematics;
  readonly likelihood: LikelihoodKind;
  /** Degrees of freedom (Infinity for the Gaussian). */
  readonly nu: number;
  /**
   * The sampled term, or null: `column` is the chain's (log10 of the physical value), `name` the
   * reported one; lo/hi the log-uniform prior's range in physical units.
   */
  readonly param: { column: string; name: string; unit: string; lo: number; hi: number } | null;
  /** Factor every formal error is multiplied by ((2 N)^(1/4) for 'mitzkus', else 1). */
  readonly inflation: number;
  /** Total 1-sigma error of a bin with formal error `err` and model `model` (km/s) at `theta`. */
  sigma(err: number, model: number, theta: number): number;
  /** [g, a, c] of sigma^2 = g err^2 + a model^2 + c at `theta`, the one form of all four. */
  variance(theta: number): [number, number, number];
  /** log p(z) of a residual in units of the total error, without the -log sigma. */
  logPdf(z: number): number;
  /**
   * log L = sum_i [logPdf(z_i) - log sigma_i] over the bins, and chi2_total = sum z_i^2.
   * theta: f_sys or s (km/s) when sampled, ignored otherwise. NaN models give NaN.
   */
  logL(data: ArrayLike<number>, err: ArrayLike<number>, model: ArrayLike<number>, theta: number): { logL: number; chi2Total: number };
  /** P(|Z| > k) for a residual of this distribution (k >= 0): the expected fraction beyond k sigma. */
  tail(k: number): number;
  /** One line for logs, e.g. "fractional floor f_sys (log-uniform 0.001..0.5), Gaussian". */
  readonly label: string;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Builds the noise model for `nbins` bins in the likelihood (used by 'mitzkus' only).
 * @throws InputError naming --systematics, --likelihood, --nu or the range.
 */
export function noiseModel(o: NoiseOptions, nbins: number): NoiseModel {
  if (!(SYSTEMATICS as readonly string[]).includes(o.systematics)) throw new InputError('systematics', `is '${o.systematics}'; use ${SYSTEMATICS.join(', ')}`);
  if (!(LIKELIHOODS as readonly string[]).includes(o.likelihood)) throw new InputError('likelihood', `is '${o.likelihood}'; use gaussian or student-t`);
  if (!(Number.isInteger(nbins) && nbins > 0)) throw new InputError('bins', `${nbins} bins in the likelihood; give at least one`);
  const t = o.likelihood === 'student-t';
  const nu = t ? (o.nu ?? DEFAULT_NU) : Infinity;
  if (t && !(nu > 0 && Number.isFinite(nu))) throw new InputError('nu', `is ${o.nu}; give the Student-t degrees of freedom, a finite number > 0 (4 is the default)`);
  if (!t && o.nu !== undefined) throw new InputError('nu', 'applies only to --likelihood student-t');
  const sys = o.systematics;
  const sampled = sys === 'fraction' || sys === 'floor';
  if (!sampled && o.range) throw new InputError('sys_range', `applies only to --systematics fraction or floor (${sys} samples nothing)`);
  let param: NoiseModel['param'] = null;
  if (sampled) {
    const r = o.range ?? (sys === 'fraction' ? F_SYS_RANGE : SYS_KMS_RANGE);
    if (!(r.length === 2 && r[0] > 0 && r[1] > r[0] && Number.isFinite(r[1]))) {
      throw new InputError('sys_range', `is ${JSON.stringify(r)}; give lo,hi with 0 < lo < hi (the prior is log-uniform)`);
    }
    const p = sys === 'fraction' ? PARAMETERS.log10_f_sys : PARAMETERS.log10_sys_kms;
    param = { column: p.name, name: p.reported, unit: p.unit, lo: r[0], hi: r[1] };
  }
  const inflation = sys === 'mitzkus' ? Math.pow(2 * nbins, 0.25) : 1;
  const cT = t ? lnGamma((nu + 1) / 2) - lnGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) : 0;
  const logPdf = t ? (z: number) => cT - 0.5 * (nu + 1) * Math.log1p((z * z) / nu) : (z: number) => -HALF_LOG_2PI - 0.5 * z * z;
  const sigma =
    sys === 'fraction'
      ? (e: number, m: number, f: number) => Math.sqrt(e * e + f * f * m * m)
      : sys === 'floor'
        ? (e: number, _m: number, s: number) => Math.sqrt(e * e + s * s)
        : (e: number) => e * inflation;
  // P(|T| > k) = I_{nu/(nu+k^2)}(nu/2, 1/2) (A&S 26.7.1 written with the incomplete beta).
  const tail = t ? (k: number) => betaCdf(nu / (nu + k * k), nu / 2, 0.5) : (k: number) => erfc(k / Math.SQRT2);
  const what = {
    fraction: `fractional floor f_sys (log-uniform ${param?.lo}..${param?.hi}): sigma^2 = err^2 + (f_sys model)^2`,
    floor: `constant floor sys_kms (log-uniform ${param?.lo}..${param?.hi} km/s): sigma^2 = err^2 + sys_kms^2`,
    mitzkus: `errors x (2 N)^(1/4) = ${inflation.toFixed(3)} (N = ${nbins}; Mitzkus et al. 2017), not sampled`,
    none: 'the formal errors',
  }[sys];
  const g = inflation * inflation;
  const variance = (theta: number): [number, number, number] => [g, sys === 'fraction' ? theta * theta : 0, sys === 'floor' ? theta * theta : 0];
  return {
    systematics: sys,
    likelihood: o.likelihood,
    variance,
    nu,
    param,
    inflation,
    sigma,
    logPdf,
    tail,
    label: `${what}; ${t ? `Student-t, nu = ${nu}` : 'Gaussian'}`,
    logL(d, e, m, theta) {
      if (!t) {
        const [g, a, c] = variance(theta);
        return gaussianSums(d, e, m, null, g, a, c);
      }
      let logL = 0;
      let chi2Total = 0;
      for (let i = 0; i < d.length; i++) {
        const s = sigma(e[i], m[i], theta);
        const z = (d[i] - m[i]) / s;
        chi2Total += z * z;
        logL += logPdf(z) - Math.log(s);
      }
      return { logL, chi2Total };
    },
  };
}

/** Sums of the Gaussian likelihood over bins; see {@link gaussianSums}. */
export interface GaussianSums {
  logL: number;
  /** sum ((d - m) / sigma_total)^2 */
  chi2Total: number;
  /** sum ((d - m) / err)^2, the formal chi^2 (NaN unless `invErr2` is given). */
  chi2: number;
}

/**
 * The Gaussian log L of data d_k (errors e_k) against the model m at bins idx[k] (k itself when
 * idx is null), with sigma_k^2 = g e_k^2 + a m^2 + c, the form of every noise model (see
 * NoiseModel.variance), in one pass: this is the sampler's innermost loop. sum log sigma_k is
 * the log of products of 16 variances at a time (one log per bin was half the loop's cost); a
 * product that leaves the normal range (variances beyond ~1e+-18) is redone bin by bin.
 * Rounding: ~1e-15 in log L per 16 bins. NaN models give NaN.
 * @param invErr2 1/e_k^2, for the formal chi2 (optional).
 */
export function gaussianSums(d: ArrayLike<number>, e: ArrayLike<number>, m: ArrayLike<number>, idx: Int32Array | null, g: number, a: number, c: number, invErr2?: ArrayLike<number>, out: GaussianSums = { logL: 0, chi2Total: 0, chi2: 0 }): GaussianSums {
  const n = d.length;
  let chi2Total = 0;
  let chi2 = 0;
  let logVar = 0;
  for (let k0 = 0; k0 < n; k0 += 16) {
    const k1 = Math.min(n, k0 + 16);
    let prod = 1;
    for (let k = k0; k < k1; k++) {
      const mk = idx === null ? m[k] : m[idx[k]];
      const ek = e[k];
      const v = g * ek * ek + a * mk * mk + c;
      const r = d[k] - mk;
      const r2 = r * r;
      chi2Total += r2 / v;
      if (invErr2) chi2 += r2 * invErr2[k];
      prod *= v;
    }
    if (prod > 1e-290 && prod < 1e290) logVar += Math.log(prod);
    else {
      for (let k = k0; k < k1; k++) {
        const mk = idx === null ? m[k] : m[idx[k]];
        logVar += Math.log(g * e[k] * e[k] + a * mk * mk + c);
      }
    }
  }
  out.logL = -n * HALF_LOG_2PI - 0.5 * logVar - 0.5 * chi2Total;
  out.chi2Total = chi2Total;
  out.chi2 = invErr2 ? chi2 : NaN;
  return out;
}

/** A fit prior with the noise model's sampled term appended (its own column, last). */
export interface NoisePrior extends FitPrior {
  /** Index of the noise column in the vector, -1 when nothing is sampled. */
  readonly noiseIndex: number;
  /** The noise term's physical value at x (f_sys or km/s), NaN when not sampled. */
  noiseValue(x: ArrayLike<number>): number;
}

/**
 * Appends the sampled noise term to `prior` as column log10_<name>, uniform in log10 over the
 * noise model's range (log-uniform in the value); the base prior's own columns, constraints and
 * draws are unchanged (its logPrior and unpack read only their leading columns). Without a
 * sampled term the prior is returned with noiseIndex = -1.
 */
export function withNoisePrior(prior: FitPrior, noise: NoiseModel): NoisePrior {
  const p = noise.param;
  if (!p) return { ...prior, noiseIndex: -1, noiseValue: () => NaN };
  const k = prior.names.length;
  return { ...withUniformColumn(prior, p.column, Math.log10(p.lo), Math.log10(p.hi)), noiseIndex: k, noiseValue: (x) => 10 ** x[k] };
}
