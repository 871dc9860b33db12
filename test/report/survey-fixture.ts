/** A synthetic `jamfit batch` folder: summary.csv with the batch table's columns and `n` galaxies (deterministic). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HEADER = 'name,status,error,seed,mass_model,ml_mode,nbins,nsteps,nwalkers,discard,beta_z_median,beta_z_lo68,beta_z_hi68,beta_z_lo95,beta_z_hi95,q_m_median,q_m_lo68,q_m_hi68,q_m_lo95,q_m_hi95,inc_deg_median,inc_deg_lo68,inc_deg_hi68,inc_deg_lo95,inc_deg_hi95,ml_median,ml_lo68,ml_hi68,ml_lo95,ml_hi95,ml_total_median,ml_total_lo68,ml_total_hi68,ml_total_lo95,ml_total_hi95,log10_mass_total_msun_median,log10_mass_total_msun_lo68,log10_mass_total_msun_hi68,log10_mass_total_msun_lo95,log10_mass_total_msun_hi95,f_sys_median,f_sys_lo68,f_sys_hi68,f_sys_lo95,f_sys_hi95,chi2,chi2_per_bin,acceptance,tau_max,tau_reliable,rhat_max,ess_min,nan_count,converged,warnings';

const csvCell = (v: string | number | boolean | null) => (v === null ? '' : typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));

/** Writes `<dir>/summary.csv` with n rows; every 31st galaxy failed, every 7th has a warning. Returns the rows' names and statuses. */
export function writeSyntheticSurvey(dir: string, n: number): { names: string[]; failed: number; warned: number } {
  mkdirSync(dir, { recursive: true });
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = [HEADER];
  const names: string[] = [];
  let failed = 0;
  let warned = 0;
  for (let i = 0; i < n; i++) {
    const name = `gal-${String(i).padStart(5, '0')}`;
    names.push(name);
    if (i % 31 === 30) {
      failed++;
      const row: (string | number | null)[] = [name, 'failed', `${name}/kin.csv: row 3, column "vrms": not a number, "abc"`, i];
      while (row.length < HEADER.split(',').length) row.push(null);
      lines.push(row.map(csvCell).join(','));
      continue;
    }
    const iv = (m: number, w: number) => [m, m - w, m + w, m - 2 * w, m + 2 * w];
    const warn = i % 7 === 0 ? `${Math.round(5 + 20 * rnd())}% of the posterior lies within 0.01 of the model's limit beta_z < 0.7 eps_intr` : '';
    if (warn) warned++;
    const row = [
      name, 'done', null, i, 'qm', 'sample', 100 + (i % 50), 3000, 32, 400,
      ...iv(-0.3 + 0.6 * rnd(), 0.05), ...iv(0.4 + 0.5 * rnd(), 0.04), ...iv(55 + 35 * rnd(), 3), ...iv(1 + 8 * rnd(), 0.3),
      ...iv(1 + 8 * rnd(), 0.1), ...iv(10 + rnd(), 0.01), ...iv(0.001 + 0.1 * rnd(), 0.002),
      80 + 80 * rnd(), 0.7 + 0.6 * rnd(), 0.3 + 0.2 * rnd(), 20 + 100 * rnd(), rnd() > 0.2, 1 + 0.05 * rnd(), 200 + 2000 * rnd(), 0, i % 5 === 0 ? false : true, warn,
    ];
    lines.push(row.map(csvCell).join(','));
  }
  writeFileSync(join(dir, 'summary.csv'), lines.join('\n') + '\n');
  return { names, failed, warned };
}
