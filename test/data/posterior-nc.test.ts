/**
 * posterior.nc (src/data/netcdf): written from a real (tiny) fit's run folder, opened by ArviZ
 * (arviz.from_netcdf, netCDF-C through the netCDF4 module): group and variable names, dims and
 * shapes, every value equal to chain.npy's post-burn-in draws, az.summary's R-hat and bulk ESS
 * equal to summary.json's to 1e-12 relative (the tolerance of samplers' own ArviZ comparison; measured: 1e-15),
 * and the TS reader reads the chain back and refuses a truncated copy with one line.
 * The ArviZ half is skipped, saying so, when python3 with arviz and netCDF4 is missing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readNpy } from '../../samplers/backends/npy.ts';
import { checkHdf5File, lookup3 } from '../../src/data/netcdf/hdf5-check.ts';
import { readPosteriorNc, writePosteriorNc } from '../../src/data/netcdf/posterior.ts';
import { ROOT, runBin } from '../cli/run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'jamfit-nc-'));
const run = join(tmp, 'run');
let nc = '';
after(() => rmSync(tmp, { recursive: true, force: true }));

before(async () => {
  const m = join(ROOT, 'fixtures/examples/mock-galaxy');
  const r = runBin(['fit', join(m, 'kinematics.csv'), '--photometry', join(m, 'photometry.json'), '--distance', '20', '--psf-sigma', '1', '--pixsize', '3', '--steps', '240', '--walkers', '12', '--seed', '3', '--out', run]);
  assert.equal(r.code, 0, r.err);
  nc = await writePosteriorNc(run);
});

const python = (() => {
  const r = spawnSync('python3', ['-c', 'import arviz, netCDF4'], { encoding: 'utf8' });
  return r.status === 0 ? null : `python3 with arviz and netCDF4 is not installed (pip install arviz netCDF4): ${(r.stderr || String(r.error)).trim().split('\n').pop()}`;
})();

const PY = String.raw`
import json, sys, warnings
warnings.simplefilter('ignore')
import numpy as np, arviz as az, xarray as xr
path, run = sys.argv[1], sys.argv[2]
s = json.load(open(run + '/summary.json'))
idata = az.from_netcdf(path)
chain = np.load(run + '/chain.npy')[s['discard']:s['nsteps']]  # (draw, walker, column)
lp = np.load(run + '/log_prob.npy')[s['discard']:s['nsteps']]
out = {'groups': list(idata.groups()), 'vars': list(idata.posterior.data_vars), 'dims': dict(idata.posterior.sizes),
       'engine': xr.backends.list_engines() and 'netcdf4', 'maxdiff': {}, 'attrs': {k: str(v) for k, v in idata.posterior.attrs.items()}}
for d, c in enumerate(s['chain_columns']):
    ref = chain[:, :, d].T
    out['maxdiff'][c] = float(np.max(np.abs(idata.posterior[c].values - ref)))
    r = s['names'][d]
    if r != c:
        out['maxdiff'][r] = float(np.max(np.abs(idata.posterior[r].values - 10 ** ref) / (10 ** ref)))
out['maxdiff']['lp'] = float(np.max(np.abs(idata.sample_stats['lp'].values - lp.T)))
summ = az.summary(idata, var_names=s['chain_columns'], round_to='none')
out['rhat'] = [float(summ.loc[c, 'r_hat']) for c in s['chain_columns']]
out['ess'] = [float(summ.loc[c, 'ess_bulk']) for c in s['chain_columns']]
out['ess_reported'] = [float(az.ess(idata, var_names=[r], method='bulk')[r]) for r in s['names']]
out['observed'] = list(idata.observed_data.data_vars) if 'observed_data' in idata.groups() else []
out['nbins'] = int(idata.observed_data.sizes['bin']) if out['observed'] else 0
print(json.dumps(out))
`;

test('ArviZ opens posterior.nc: names, dims, values, R-hat and ESS equal summary.json', { skip: python ?? false }, () => {
  const r = spawnSync('python3', ['-c', PY, nc, run], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const o = JSON.parse(r.stdout);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  for (const g of ['posterior', 'sample_stats', 'observed_data', 'constant_data']) assert.ok(o.groups.includes(g), `group ${g} in ${o.groups}`);
  for (const n of [...s.names, ...s.chain_columns]) assert.ok(o.vars.includes(n), `posterior variable ${n} in ${o.vars}`);
  assert.deepEqual(o.dims, { chain: s.nwalkers, draw: s.nsteps - s.discard });
  for (const [k, d] of Object.entries(o.maxdiff)) assert.ok((d as number) <= (k === 'lp' ? 0 : 1e-15), `${k}: max difference ${d}`);
  s.chain_columns.forEach((c: string, i: number) => {
    const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${c} ${what}: ArviZ ${a}, summary.json ${b}`);
    close(o.rhat[i], s.diagnostics.rhat[i], 'R-hat');
    close(o.ess[i], s.diagnostics.ess[i], 'bulk ESS');
    close(o.ess_reported[i], s.diagnostics.ess[i], `bulk ESS of ${s.names[i]} (rank-based: units do not matter)`);
  });
  assert.ok(o.observed.includes('vrms'));
  assert.equal(o.nbins, JSON.parse(readFileSync(join(run, 'bins_model.json'), 'utf8')).vrms.length);
  assert.equal(o.attrs.nwalkers, String(s.nwalkers));
  assert.match(o.attrs.command, /^jamfit fit .*--steps 240/);
});

test('the TS reader reads the chain back bit for bit', async () => {
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const p = await readPosteriorNc(nc);
  const chain = readNpy(join(run, 'chain.npy'), s.nsteps);
  const nw = s.nwalkers;
  const nd = s.chain_columns.length;
  assert.equal(p.nchains, nw);
  assert.equal(p.ndraws, s.nsteps - s.discard);
  s.chain_columns.forEach((c: string, d: number) => {
    const v = p.posterior[c];
    for (let w = 0; w < nw; w++) for (let k = 0; k < p.ndraws; k++) assert.equal(v[w * p.ndraws + k], chain.data[((s.discard + k) * nw + w) * nd + d], `${c}[${w}, ${k}]`);
  });
  assert.equal(p.attrs.discard, s.discard);
});

test('a truncated or foreign posterior.nc is refused with one line naming the file', async () => {
  const size = statSync(nc).size;
  for (const keep of [size - 1, Math.floor(size / 2), 100, 20]) {
    const cut = join(tmp, `cut-${keep}.nc`);
    writeFileSync(cut, readFileSync(nc).subarray(0, keep));
    await assert.rejects(readPosteriorNc(cut), (e: Error) => {
      assert.match(e.message, /truncated/, `${keep} bytes: ${e.message}`);
      assert.ok(e.message.startsWith(cut) && !e.message.includes('\n'), e.message);
      return true;
    });
  }
  const foreign = join(tmp, 'chain.nc');
  copyFileSync(join(run, 'chain.npy'), foreign);
  await assert.rejects(readPosteriorNc(foreign), /not an HDF5\/netCDF-4 file/);
  // A flipped byte in the superblock fails its checksum.
  const bad = readFileSync(nc);
  bad[20] ^= 0xff;
  const corrupt = join(tmp, 'corrupt.nc');
  writeFileSync(corrupt, bad);
  assert.throws(() => checkHdf5File(corrupt), /checksum/);
  assert.equal(checkHdf5File(nc).fileSize, size);
});

test('lookup3 matches Bob Jenkins\' published values', () => {
  // hashlittle("", 0) = 0xdeadbeef; hashlittle("Four score and seven years ago", 0) = 0x17770551.
  assert.equal(lookup3(new Uint8Array(0)), 0xdeadbeef);
  assert.equal(lookup3(Buffer.from('Four score and seven years ago')), 0x17770551);
});
