/**
 * The one table of a fit's sampled parameters: for each name of the prior vector (fit-prior.ts)
 * or the systematics term (systematics.ts), its plot label, unit, reported (physical) form, default
 * prior range, the range a user may choose, and the option that sets the range. The prior, the
 * noise model, summaries, plots, reports, warnings and the validation read it here (posterior.nc
 * takes its names from summary.json), so that a parameter's conventions live in one place.
 *
 * Ranges are in the units the option takes: M/L and the systematic term in their physical units
 * (their priors are log-uniform), everything else in the sampled units (log10 M_BH/Msun,
 * log10 r_s/R_e). beta_z, q_m and inc_deg default to the surrogate's training domain
 * (src/surrogate/domain.ts, `domain` names the box entry) with every engine; with an exact engine
 * a user may widen them to `limits` (fit-prior.ts EXACT_LIMITS), with the surrogate only within
 * the training domain. The black-hole mass has no default range: `--mbh-range` turns it on.
 */
import { TRAINING_DOMAIN_V1, type DomainParam } from '../src/surrogate/domain.ts';

/** One sampled parameter. */
export interface ParameterDescriptor {
  /** Name in the parameter vector and chain.npy's columns, e.g. 'log10_ml'. */
  readonly name: string;
  /** Name in summary.json, posterior.nc and reports: the physical form, e.g. 'ml'. */
  readonly reported: string;
  /** Whether the reported value is 10^(sampled value); otherwise the two are the same. */
  readonly log10: boolean;
  /** Label of the reported form on plots and in reports. */
  readonly label: string;
  /** Unit of the reported form ('' for dimensionless). */
  readonly unit: string;
  /** The option (snake_case parameter; the CLI shows it as a flag) that sets the prior range. */
  readonly option: string;
  /** Default prior range [lo, hi] in the option's units, or null for none (see the module header). */
  readonly prior: readonly [number, number] | null;
  /** Where a user's range must stay, in the option's units, or null (see the module header). */
  readonly limits: readonly [number, number] | null;
  /** The training-domain entry whose box is the default range (beta_z, q_m, inc_deg only). */
  readonly domain?: DomainParam;
}

const d = (
  name: string,
  reported: string,
  label: string,
  unit: string,
  option: string,
  prior: readonly [number, number] | null,
  limits: readonly [number, number] | null,
  domain?: DomainParam,
): ParameterDescriptor => ({ name, reported, log10: name !== reported, label, unit, option, prior, limits, ...(domain ? { domain } : {}) });

const box = TRAINING_DOMAIN_V1.box;

/**
 * The descriptors by vector name. beta_z and kappa stand also for the anisotropy groups' beta_z_<g>
 * and kappa_<g> (parameterDescriptor). log10_rs is reported as itself: r_s / R_e spans decades, and the derived
 * rs_arcsec and rs_kpc give the physical radius.
 */
export const PARAMETERS: Readonly<Record<string, ParameterDescriptor>> = {
  beta_z: d('beta_z', 'beta_z', 'beta_z', '', 'beta_range', box.beta_z, [-5, 0.99], 'beta_z'),
  q_m: d('q_m', 'q_m', 'q_M', '', 'qm_range', box.q_M, [0.05, 1], 'q_M'),
  inc_deg: d('inc_deg', 'inc_deg', 'i (deg)', 'deg', 'inc_range', box.inc_deg, [1, 90], 'inc_deg'),
  log10_ml: d('log10_ml', 'ml', 'M/L', 'Msun/Lsun', 'ml_range', [0.1, 10], null),
  log10_mbh: d('log10_mbh', 'mbh', 'mbh', 'Msun', 'mbh_range', null, [0, 12]),
  f_dm: d('f_dm', 'f_dm', 'f_dm', '', 'fdm_range', [0, 0.9], [0, 0.99]),
  log10_rs: d('log10_rs', 'log10_rs', 'log10_rs', '', 'rs_range', [0, 1.5], [-2, 3]),
  gamma: d('gamma', 'gamma', 'gamma', '', 'gamma_range', [0, 1.6], [0, 2]),
  // --moments v-sigma (likelihoods/v-sigma.ts): the rotation parameter of the first moment.
  kappa: d('kappa', 'kappa', 'kappa', '', 'kappa_range', [-1.5, 1.5], null),
  // --beta-profile logistic (likelihoods/beta-profile.ts): beta_0 and beta_inf take beta_z's
  // range; r_a's default range is the MGE's sigma range (no fixed default).
  beta_0: d('beta_0', 'beta_0', 'beta_0', '', 'beta_range', box.beta_z, [-5, 0.99], 'beta_z'),
  beta_inf: d('beta_inf', 'beta_inf', 'beta_inf', '', 'beta_range', box.beta_z, [-5, 0.99], 'beta_z'),
  log10_r_a: d('log10_r_a', 'r_a', 'r_a (arcsec)', 'arcsec', 'ra_range', null, null),
  log10_f_sys: d('log10_f_sys', 'f_sys', 'f_sys', '', 'sys_range', [0.001, 0.5], null),
  log10_sys_kms: d('log10_sys_kms', 'sys_kms', 'sys (km/s)', 'km/s', 'sys_range', [0.1, 100], null),
};

/**
 * The descriptor of a vector name; beta_z_<g> and kappa_<g> (anisotropy group g) share beta_z's
 * and kappa's, under their own names.
 *
 * @param name - a parameter vector or chain column name
 * @returns the descriptor, or undefined for a name that is no sampled parameter
 */
export function parameterDescriptor(name: string): ParameterDescriptor | undefined {
  const p = PARAMETERS[name];
  if (p) return p;
  if (/^beta_z_\d+$/.test(name)) return { ...PARAMETERS.beta_z, name, reported: name, label: name };
  if (/^kappa_\d+$/.test(name)) return { ...PARAMETERS.kappa, name, reported: name, label: name };
  return undefined;
}

/**
 * The reported name of a chain column (log10_ml -> ml, log10_f_sys -> f_sys); a name that is no
 * sampled parameter is returned unchanged.
 *
 * @param column - a chain column name
 * @returns the name summary.json, posterior.nc and the reports use
 */
export function reportedName(column: string): string {
  return parameterDescriptor(column)?.reported ?? column;
}

/**
 * The reported value of a sampled value: 10^v for the log10_* parameters reported in physical
 * units, v otherwise (also for unknown names).
 *
 * @param column - a chain column name
 * @param v - the sampled value
 * @returns the value in the reported form
 */
export function toReported(column: string, v: number): number {
  return parameterDescriptor(column)?.log10 ? 10 ** v : v;
}

/** Labels of the derived quantities the reports show next to the parameters. */
const DERIVED_LABELS: Readonly<Record<string, string>> = { ml_total: 'M/L total', log10_mass_total_msun: 'log10 M_total / Msun' };

/**
 * The plot and report label of a reported name (ml -> 'M/L', inc_deg -> 'i (deg)') or of a
 * derived quantity; any other name labels itself.
 *
 * @param reported - a reported (summary.json) name
 * @returns the label
 */
export function parameterLabel(reported: string): string {
  const p = Object.values(PARAMETERS).find((q) => q.reported === reported);
  return p?.label ?? DERIVED_LABELS[reported] ?? reported;
}
