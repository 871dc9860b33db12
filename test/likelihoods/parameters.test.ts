/**
 * The parameter table (likelihoods/parameters.ts): every name a fit prior or noise model samples
 * has a descriptor, the reported names and transforms are those summary.json uses, and the
 * prior's limits are the table's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXACT_LIMITS, fitPrior, HALO_PRIOR } from '../../likelihoods/fit-prior.ts';
import { parameterDescriptor, parameterLabel, PARAMETERS, reportedName, toReported } from '../../likelihoods/parameters.ts';
import { noiseModel } from '../../likelihoods/systematics.ts';

const light = { surf: [1], sigma: [1], qobs: [0.9] };

test('every sampled name has a descriptor; reported forms are those of summary.json', () => {
  const p = fitPrior({ massModel: 'qm', mlMode: 'sample', light, betaGroups: 2, log10Mbh: [6, 9], halo: 'gnfw', limits: EXACT_LIMITS });
  const noise = ['fraction', 'floor'].map((s) => noiseModel({ systematics: s as 'fraction', likelihood: 'gaussian' }, 10).param!.column);
  for (const n of [...p.names, ...noise]) assert.ok(parameterDescriptor(n), n);
  assert.deepEqual([...p.names, ...noise].map(reportedName), ['beta_z_1', 'beta_z_2', 'q_m', 'inc_deg', 'ml', 'mbh', 'f_dm', 'log10_rs', 'gamma', 'f_sys', 'sys_kms']);
  assert.equal(toReported('log10_ml', 0.5), 10 ** 0.5);
  assert.equal(toReported('log10_rs', 0.5), 0.5);
  assert.equal(toReported('inc_deg', 60), 60);
  assert.equal(reportedName('chi2'), 'chi2');
  assert.deepEqual(['ml', 'inc_deg', 'q_m', 'sys_kms', 'ml_total', 'beta_z_2'].map(parameterLabel), ['M/L', 'i (deg)', 'q_M', 'sys (km/s)', 'M/L total', 'beta_z_2']);
});

test('the prior reads its defaults and limits from the table', () => {
  assert.deepEqual(EXACT_LIMITS.box.inc_deg, PARAMETERS.inc_deg.limits);
  assert.deepEqual(HALO_PRIOR.log10_rs, { dflt: PARAMETERS.log10_rs.prior, within: PARAMETERS.log10_rs.limits, option: 'rs_range' });
  const p = fitPrior({ massModel: 'light', mlMode: 'sample', light });
  assert.deepEqual([p.lo[2], p.hi[2]], PARAMETERS.log10_ml.prior!.map(Math.log10));
  assert.throws(() => fitPrior({ massModel: 'light', mlMode: 'sample', light, incDeg: [40, 90] }), (e: Error & { where?: string }) => e.where === PARAMETERS.inc_deg.option);
});
