/**
 * `jamfit batch` bad input, table-driven: a bad manifest, bad batch options, or a fit option that
 * would fail every galaxy is refused in one line naming the file, row, column, option or
 * variable, exit 2, and nothing is written (not even the survey folder). Also the manifest's
 * optional columns reaching the galaxy's fit, and the Slurm variables read by the real binary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readManifest } from '../../src/batch/manifest.ts';
import { writeMock } from '../run/mock.ts';
import { expectRefused, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-batch-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
writeMock(join(root, 'g'), { seed: 3 });
const file = (name: string, text: string) => {
  const f = join(root, name);
  writeFileSync(f, text);
  return f;
};
const HEAD = 'name,kinematics,photometry,distance_mpc';
const ROW = 'g,g/kinematics.csv,g/mge.csv,20';

test('bad manifests and options: one line naming the place and the fix, exit 2, nothing written', async () => {
  const out = join(root, 'never');
  const good = file('good.csv', `${HEAD}\n${ROW}\n`);
  const cases: [string, string[], RegExp][] = [
    ['no manifest', ['batch', '--out', out], /^jamfit batch: manifest: give exactly one manifest CSV \(got 0\)/],
    ['missing manifest file', ['batch', join(root, 'nope.csv'), '--out', out], /nope\.csv: no such file/],
    ['empty manifest', ['batch', file('empty.csv', ''), '--out', out], /empty\.csv: is empty/],
    ['no --out', ['batch', good], /--out: missing; give the survey folder/],
    ['missing column', ['batch', file('nodist.csv', 'name,kinematics,photometry\ng,a,b\n'), '--out', out], /nodist\.csv: has no column 'distance_mpc'/],
    ['unknown column, with a suggestion', ['batch', file('typo.csv', `${HEAD},psf_sigm\n${ROW},1\n`), '--out', out], /typo\.csv column psf_sigm: is not a manifest column; did you mean 'psf_sigma'\?/],
    ['duplicate name (ignoring case)', ['batch', file('dup.csv', `${HEAD}\n${ROW}\nG,x.csv,y.csv,20\n`), '--out', out], /dup\.csv:row 3 column name: 'G' is also the name on row 2/],
    ['unsafe name', ['batch', file('unsafe.csv', `${HEAD}\n../up,x.csv,y.csv,20\n`), '--out', out], /unsafe\.csv:row 2 column name: is '\.\.\/up'; a name becomes a folder/],
    ['reserved name', ['batch', file('reserved.csv', `${HEAD}\nshards,x.csv,y.csv,20\n`), '--out', out], /reserved\.csv:row 2 column name: is 'shards', which jamfit batch writes/],
    ['empty name', ['batch', file('noname.csv', `${HEAD}\n,x.csv,y.csv,20\n`), '--out', out], /noname\.csv:row 2 column name: is empty/],
    ['text distance', ['batch', file('dist.csv', `${HEAD}\ng,x.csv,y.csv,far\n`), '--out', out], /dist\.csv:row 2 column distance_mpc: is 'far', not a number/],
    ['negative distance', ['batch', file('negd.csv', `${HEAD}\ng,x.csv,y.csv,-3\n`), '--out', out], /negd\.csv:row 2 column distance_mpc: is -3; the distance must be > 0 Mpc/],
    ['bad list cell', ['batch', file('psf.csv', `${HEAD},psf_sigma\n${ROW},1;x\n`), '--out', out], /psf\.csv:row 2 column psf_sigma: is '1,x'; give comma-separated numbers/],
    ['bad mass model cell', ['batch', file('mm.csv', `${HEAD},mass_model\n${ROW},nfw\n`), '--out', out], /mm\.csv:row 2 column mass_model: is 'nfw'; use qm or light/],
    ['bad align cell', ['batch', file('al.csv', `${HEAD},align\n${ROW},spherical\n`), '--out', out], /^jamfit batch: \S*al\.csv:row 2 column align: is 'spherical'; use cyl or sph$/],
    ['unknown --align', ['batch', good, '--out', out, '--align', 'polar'], /^jamfit batch: --align: is 'polar'; use cyl or sph \(checked on galaxy g; the option applies to every galaxy\)$/],
    ['--align sph with the surrogate', ['batch', good, '--out', out, '--align', 'sph', '--engine', 'surrogate'], /^jamfit batch: --align: sph needs an exact engine \(the surrogate is cylindrically aligned\); .*\(checked on galaxy g; the option applies to every galaxy\)$/],
    ['ragged row', ['batch', file('ragged.csv', `${HEAD}\ng,x.csv,20\n`), '--out', out], /ragged\.csv:row 2: has 3 fields but the header has 4/],
    ['bad --plots', ['batch', good, '--out', out, '--plots', 'some'], /--plots: is 'some'; use none or all/],
    ['bad --workers', ['batch', good, '--out', out, '--workers', '0'], /--workers: is 0; give the number of galaxies to fit at once/],
    ['bad --seed', ['batch', good, '--out', out, '--seed', '1.5'], /--seed: is 1\.5; give an integer >= 0/],
    ['bad --shard', ['batch', good, '--out', out, '--shard', '3/3'], /--shard: gives shard 3 of 3; shards are numbered 0\.\.2/],
    ['fit option failing every galaxy', ['batch', good, '--out', out, '--exact', '--walkers', '4'], /--walkers: is 4 for 5 parameters; use at least 2 x 5 = 10 .*\(checked on galaxy g; the option applies to every galaxy\)$/],
    ['bad fit enum', ['batch', good, '--out', out, '--ml-mode', 'guess'], /--ml-mode: is 'guess'; use sample or profile or marginal/],
    ['a per-galaxy option is not a batch option', ['batch', good, '--out', out, '--distance', '20'], /unknown option '--distance'/],
  ];
  await expectRefused(cases, out, 'survey folder');
  // --out naming a file
  const f = file('afile', 'x');
  const r = await runCli(['batch', good, '--out', f]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--out: .*afile is a file; give a folder/);
});

test('the manifest: paths relative to its folder, optional columns per galaxy (blank = the command line), lists with ; or quoted commas', () => {
  mkdirSync(join(root, 'sub'), { recursive: true });
  const m = file(
    'sub/m.csv',
    'Name,kinematics,photometry,distance_mpc,pa_deg,psf_sigma,psf_weight,pixsize,mass_model,mask,x0,y0,vsys,mbh,align\n' +
      'a,../g/kinematics.csv,/abs/mge.csv,16.5,30,0.6;1.8,"0.7,0.3",0.5,light,3 4,0.1,-0.2,5,1e8,sph\n' +
      'b,k.csv,p.json,20,,,,,,,,,,,\n',
  );
  const [a, b] = readManifest(m);
  assert.equal(a.kinematics, join(root, 'g', 'kinematics.csv'));
  assert.equal(a.photometry, '/abs/mge.csv');
  assert.equal(b.kinematics, join(root, 'sub', 'k.csv'));
  assert.deepEqual([a.name, a.row, a.distanceMpc, b.row], ['a', 2, 16.5, 3]);
  assert.deepEqual(a.overrides, { pa: 30, x0: 0.1, y0: -0.2, vsys: 5, mbh: 1e8, pixsize: 0.5, psfSigma: '0.6,1.8', psfWeight: '0.7,0.3', mask: '3,4', massModel: 'light', align: 'sph' });
  assert.deepEqual(b.overrides, {});
});

test('the per-row options reach the fit (config.json), the batch seed gives each galaxy its seed; Slurm variables shard the real binary', () => {
  const m = file('one.csv', `${HEAD},pa_deg,mass_model\n${ROW},90,light\nh,g/kinematics.csv,g/mge.csv,25,,\n`);
  const bin = fileURLToPath(new URL('../../bin/jamfit.js', import.meta.url));
  const out = join(root, 'slurm');
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, [bin, 'batch', m, '--out', out, '--exact', '--walkers', '10', '--steps', '20', '--workers', '1', '--seed', '4'], { encoding: 'utf8', env: { ...process.env, ...env } });
  const r = run({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '1' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /shard 1\/2 \(SLURM_ARRAY_TASK_ID\): 1 of 2 galaxies/);
  assert.ok(existsSync(join(out, 'shards', 'summary-1-of-2.csv')) && !existsSync(join(out, 'g')), 'task 2 of --array=1-2 is shard 1: galaxy h only');
  const cfg = JSON.parse(readFileSync(join(out, 'h', 'config.json'), 'utf8'));
  assert.deepEqual([cfg.distance_mpc, cfg.mass_model, cfg.pa_deg], [25, 'qm', null]);
  const r0 = run({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '1' });
  assert.equal(r0.status, 0, r0.stderr);
  const g = JSON.parse(readFileSync(join(out, 'g', 'config.json'), 'utf8'));
  assert.deepEqual([g.distance_mpc, g.mass_model, g.pa_deg], [20, 'light', 90]);
  assert.notEqual(g.seed, cfg.seed);
  const bad = run({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '2' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^jamfit batch: SLURM_ARRAY_TASK_ID: gives shard 5 of 2/);
});
