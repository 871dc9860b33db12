/**
 * `jamfit mock` end to end: the files it writes (kinematics.csv readable by `jamfit fit`
 * unchanged, the photometry, truth.json with the noise-free V_rms), reproducibility by seed, the
 * round trip through `jamfit fit`, and bad input (one line naming the option or file, exit 2,
 * nothing written).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { buildFitProblem } from '../../src/fit/fit-problem.ts';
import { computeMock } from '../../src/run/mock.ts';
import { prepareFit } from '../../src/fit/fit.ts';
import { readKinematics } from '../../src/data/kinematics.ts';
import { version } from '../../src/version.ts';
import { ROOT, runCli } from './run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-mock-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));
const sersic = join(root, 'sersic.json');
writeFileSync(sersic, JSON.stringify({ sersic: { n: 4, re_arcsec: 10, q: 0.8, ie_lsun_pc2: 500 } }));
const mge = join(root, 'mge.ecsv');
writeFileSync(
  mge,
  [
    '# %ECSV 1.0',
    '# ---',
    '# datatype:',
    '# - {name: I, unit: solLum / pc2, datatype: float64}',
    '# - {name: sigma, unit: arcsec, datatype: float64}',
    '# - {name: q, datatype: float64}',
    '# schema: astropy-2.0',
    'I sigma q',
    '3000 0.8 0.85',
    '800 3 0.75',
    '120 9 0.7',
    '',
  ].join('\n'),
);
const model = ['--beta-z', '0.15', '--q-m', '0.75', '--inc-deg', '65', '--ml', '4', '--distance', '20'];
const mock = (out: string, ...extra: string[]) => ['mock', '--photometry', sersic, ...model, '--pixel', '4', '--out', out, ...extra];
const read = (p: string) => readFileSync(p);

test('writes kinematics.csv (x,y,vrms,vrms_err), photometry.json and truth.json; jamfit fit\'s reader takes them unchanged', async () => {
  const out = join(root, 'a');
  const r = await runCli(mock(out, '--seed', '11'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^mock: \d+ bins into /);
  const kin = readKinematics(join(out, 'kinematics.csv'));
  const t = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
  assert.equal(readFileSync(join(out, 'kinematics.csv'), 'utf8').split('\n')[0], 'x,y,vrms,vrms_err');
  assert.equal(kin.x.length, t.bins.x.length);
  // The CSV carries full doubles: what the fit reads is exactly truth.json's vrms and errors.
  assert.deepEqual([Array.from(kin.x), Array.from(kin.y)], [t.bins.x, t.bins.y]);
  assert.deepEqual(Array.from(kin.vrms), t.bins.vrms);
  assert.deepEqual(Array.from(kin.vrmsErr), t.bins.vrms_err);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'photometry.json'), 'utf8')), { sersic: { n: 4, re_arcsec: 10, q: 0.8, ie_lsun_pc2: 500 } });
  assert.deepEqual(t.parameters, { beta_z: 0.15, q_m: 0.75, inc_deg: 65, ml: 4 });
  assert.equal(t.seed, 11);
  assert.equal(t.jamfit_version, version);
  assert.match(t.command, /^jamfit mock --photometry \S+sersic\.json --mass-model qm --beta-z 0.15 --q-m 0.75 --inc-deg 65 --ml 4 --distance 20 --pixel 4 --noise-frac 0.05 --seed 11 --out /);
  assert.deepEqual(t.notes, []);
});

test('an MGE table is copied byte for byte (photometry.ecsv)', async () => {
  const out = join(root, 'mge');
  const r = await runCli(['mock', '--photometry', mge, ...model, '--pixel', '1', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.ok(read(join(out, 'photometry.ecsv')).equals(read(mge)));
  assert.match(r.out, /note: MGE photometry/);
});

test('the same seed gives byte-identical files, another seed other noise on the same model', async () => {
  const a = join(root, 's1');
  assert.equal((await runCli(mock(a, '--seed', '3'))).code, 0);
  const first = ['kinematics.csv', 'photometry.json', 'truth.json'].map((f) => read(join(a, f)));
  assert.equal((await runCli(mock(a, '--seed', '3'))).code, 0);
  ['kinematics.csv', 'photometry.json', 'truth.json'].forEach((f, k) => assert.ok(read(join(a, f)).equals(first[k]), f));
  const b = join(root, 's2');
  assert.equal((await runCli(mock(b, '--seed', '4'))).code, 0);
  assert.ok(!read(join(b, 'kinematics.csv')).equals(first[0]));
  const ta = JSON.parse(first[2].toString());
  const tb = JSON.parse(readFileSync(join(b, 'truth.json'), 'utf8'));
  assert.deepEqual(tb.bins.vrms_true, ta.bins.vrms_true);
  assert.ok(tb.bins.vrms.every((v: number, i: number) => v !== ta.bins.vrms[i]));
});

// 12 walkers x 60 steps only checks that the fit runs on the files; the chi2 at the truth is the
// statistical check: with the fit's grid path (0.27% interpolation error, << the 5% noise) it is
// chi2_N: N +- sqrt(2N), bound 4 sd.
test('round trip: jamfit fit runs on the written files, and its likelihood at the truth has chi2 ~ N', async () => {
  const dir = join(root, 'rt');
  assert.equal((await runCli(['mock', '--photometry', sersic, ...model, '--pixel', '3', '--max-radius', '13', '--seed', '9', '--out', dir])).code, 0);
  const kin = join(dir, 'kinematics.csv');
  const phot = join(dir, 'photometry.json');
  const run = join(root, 'rt-fit');
  const r = await runCli(['fit', kin, '--photometry', phot, '--distance', '20', '--exact', '--walkers', '12', '--steps', '60', '--seed', '1', '--out', run]);
  assert.equal(r.code, 0, r.err);
  const s = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
  const t = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
  // The centre spaxel lies inside the no-PSF grid's innermost ring and is excluded by the fit.
  assert.equal(s.nbins, t.bins.x.length - 1);
  assert.ok(s.nbins >= 30 && s.nbins <= 60, `${s.nbins} bins`);
  const p = prepareFit({ kinematics: kin, photometry: phot, distance: 20, exact: true, out: run });
  const problem = buildFitProblem(p.spec);
  const chi2 = problem.like.evaluate({ betaZ: 0.15, qM: 0.75, incDeg: 65, ml: 4 }).chi2;
  const N = problem.used.length;
  assert.ok(Math.abs(chi2 - N) < 4 * Math.sqrt(2 * N), `chi2 at the truth ${chi2} for N = ${N}`);
});

const bad: [string, string[], RegExp][] = [
  ['no photometry', ['mock', ...model, '--out', 'X'], /^jamfit mock: --photometry: missing/],
  ['no --out', ['mock', '--photometry', sersic, ...model], /^jamfit mock: --out: missing/],
  ['no inclination', ['mock', '--photometry', sersic, '--beta-z', '0.1', '--q-m', '0.8', '--ml', '4', '--distance', '20', '--out', 'X'], /--inc-deg: missing/],
  ['q_M missing for qm', ['mock', '--photometry', sersic, '--beta-z', '0.1', '--inc-deg', '70', '--ml', '4', '--distance', '20', '--out', 'X'], /--q-m: missing/],
  ['q_M with light', [...mock('X'), '--mass-model', 'light'], /--q-m: applies only to --mass-model qm/],
  ['bad mass model', [...mock('X'), '--mass-model', 'nfw'], /--mass-model: is 'nfw'; use qm or light/],
  ['too flat for the inclination', [...mock('X'), '--inc-deg', '30'], /--inc-deg: is 30; the light's flattest Gaussian \(q' = 0.8/],
  ['beta_z over 0.7 eps_intr', [...mock('X'), '--beta-z', '0.3'], /--beta-z: is 0.3; it must be < 0.7 eps_intr = 0.1754/],
  ['beta_z >= 1', [...mock('X'), '--beta-z', '1'], /--beta-z: is 1; it must be < 0.7 eps_intr/],
  ['inclination > 90', [...mock('X'), '--inc-deg', '95'], /--inc-deg: is 95; the inclination must lie in \(0, 90\]/],
  ['negative M/L', [...mock('X'), '--ml', '-1'], /--ml: is -1; the mass-to-light ratio must be > 0/],
  ['negative distance', [...mock('X'), '--distance', '-3'], /--distance: is -3; the distance must be > 0 Mpc/],
  ['negative noise', [...mock('X'), '--noise-frac', '-0.05'], /--noise-frac: is -0.05; give the error as a fraction of V_rms in \(0, 1\]/],
  ['zero noise', [...mock('X'), '--noise-frac', '0'], /--noise-frac: is 0/],
  ['noise and S/N', [...mock('X'), '--noise-frac', '0.1', '--snr', '10'], /--snr: and --noise-frac both given/],
  ['negative S/N', [...mock('X'), '--snr', '-10'], /--snr: is -10; give the S\/N of the faintest bin, > 0/],
  ['negative PSF', [...mock('X'), '--psf-sigma', '-1'], /^jamfit mock: --psf-sigma\[0\]: is -1; PSF dispersions must be finite and > 0 arcsec$/],
  ['PSF weights mismatch', [...mock('X'), '--psf-sigma', '1,2', '--psf-weight', '1'], /--psf-weight: has 1 values for 2 PSF sigmas/],
  ['negative pixsize', [...mock('X'), '--pixsize', '-1'], /--pixsize: is -1/],
  ['non-integer seed', [...mock('X'), '--seed', '1.5'], /--seed: is 1.5; give an integer >= 0/],
  ['pixel larger than the field', [...mock('X'), '--field', '3', '--pixel', '5'], /--pixel: is 5; give the spaxel side in arcsec, in \(0, --field\]/],
  ['missing photometry file', ['mock', '--photometry', join(root, 'nope.json'), ...model, '--out', 'X'], /nope\.json: no such file/],
  ['bad photometry', ['mock', '--photometry', join(root, 'bad.json'), ...model, '--out', 'X'], /bad\.json: sersic\.q: is 1\.5/],
  ['bins and field together', [...mock('X'), '--bins', join(root, 'bins.csv')], /--pixel: shapes the spaxel field, which --bins replaces/],
  ['bins without y', ['mock', '--photometry', sersic, ...model, '--bins', join(root, 'bins-nox.csv'), '--out', 'X'], /bins-nox\.csv: has no column 'y' \(bin centre y, arcsec\); columns found: x, z/],
  ['text in bins', ['mock', '--photometry', sersic, ...model, '--bins', join(root, 'bins-text.csv'), '--out', 'X'], /bins-text\.csv:row 3 column y: is 'abc', not a number/],
  ['duplicate bins', ['mock', '--photometry', sersic, ...model, '--bins', join(root, 'bins-dup.csv'), '--out', 'X'], /bins-dup\.csv:row 3 column x: bin at \(1, 2\) duplicates the bin of row 2/],
  ['--out is a file', mock(join(root, 'sersic.json')), /--out: \S+sersic\.json is a file; give a folder/],
  ['stray argument', [...mock('X'), 'extra.csv'], /extra\.csv: unexpected argument/],
  ['unknown alignment', [...mock('X'), '--align', 'spherical'], /^jamfit mock: --align: is "spherical"; use "cyl" or "sph"/],
  ['--kappa with --align sph', [...mock('X'), '--align', 'sph', '--kappa', '1'], /^jamfit mock: --kappa: needs the cylindrically aligned model \(the first moment is that of Cappellari 2008\); drop --align sph or --kappa$/],
];
writeFileSync(join(root, 'bad.json'), JSON.stringify({ sersic: { n: 4, re_arcsec: 10, q: 1.5, ie_lsun_pc2: 500 } }));
writeFileSync(join(root, 'bins.csv'), 'x,y\n1,2\n3,4\n');
writeFileSync(join(root, 'bins-nox.csv'), 'x,z\n1,2\n3,4\n');
writeFileSync(join(root, 'bins-text.csv'), 'x,y\n1,2\n3,abc\n');
writeFileSync(join(root, 'bins-dup.csv'), 'x,y\n1,2\n1,2\n');

for (const [name, argv, re] of bad) {
  test(`bad input (${name}): one line, exit 2, nothing written`, async () => {
    const out = join(root, `bad-${name.replace(/\W+/g, '-')}`);
    const r = await runCli(argv.map((a) => (a === 'X' ? out : a)));
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, re);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.ok(!existsSync(out), 'the output folder was created');
  });
}

test('--bins: the given positions, in order', async () => {
  const out = join(root, 'bins');
  const r = await runCli(['mock', '--photometry', sersic, ...model, '--bins', join(root, 'bins.csv'), '--out', out]);
  assert.equal(r.code, 0, r.err);
  const t = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
  assert.deepEqual([t.bins.x, t.bins.y], [[1, 3], [2, 4]]);
});

test('the bundled example fixtures/examples/mock-galaxy is what its README command makes', async () => {
  const D = join(ROOT, 'fixtures/examples/mock-galaxy');
  const readme = readFileSync(join(D, 'README.md'), 'utf8');
  const cmd = /```sh\n(jamfit mock [^`]*?)\n```/.exec(readme)![1].replace(/\\\n\s*/g, ' ').split(/\s+/).slice(1);
  const out = join(root, 'example');
  const r = await runCli(cmd.map((a) => (a === 'fixtures/examples/mock-galaxy' ? out : a.replace(/^fixtures\//, join(ROOT, 'fixtures/')))));
  assert.equal(r.code, 0, r.err);
  for (const f of ['kinematics.csv', 'photometry.json']) assert.ok(read(join(out, f)).equals(read(join(D, f))), f);
  const made = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
  const kept = JSON.parse(readFileSync(join(D, 'truth.json'), 'utf8'));
  for (const t of [made, kept]) {
    delete t.command;
    t.photometry.source = t.photometry.source.replace(/^.*fixtures\//, 'fixtures/');
    t.jamfit_version = 'any';
  }
  assert.deepEqual(made, kept);
  assert.ok(kept.bins.x.length >= 100 && kept.bins.x.length <= 150);
});

test('the library names the parameter (inc_deg, psf_sigma[0]); the CLI shows the flag (--inc-deg, --psf-sigma[0])', async () => {
  const o = { photometry: sersic, betaZ: 0.15, qM: 0.75, incDeg: 95, ml: 4, distance: 20, pixel: 4, out: join(root, 'lib') };
  assert.throws(() => computeMock(o), (e: unknown) => e instanceof InputError && e.where === 'inc_deg' && /^inc_deg: is 95; /.test(e.message));
  assert.throws(() => computeMock({ ...o, incDeg: 65, psfSigma: '1,-1' }), (e: unknown) => e instanceof InputError && e.where === 'psf_sigma[1]');
  const r = await runCli([...mock(join(root, 'lib')), '--inc-deg', '95']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^jamfit mock: --inc-deg: is 95; /);
  const p = await runCli([...mock(join(root, 'lib')), '--psf-sigma', '1,-1']);
  assert.match(p.err, /^jamfit mock: --psf-sigma\[1\]: is -1; /);
});
