/** DYNAMITE's ECSV + bins.dat + aperture.dat: the real NGC 6278 files and small synthetic ones. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { parseAperture, parseBins, pixelCentre } from '../../src/data/dynamite.ts';
import { readKinematics } from '../../src/data/kinematics.ts';
import { readText } from '../../src/data/table.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-dyn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const APERTURE = '#counter_rotation_boxed_aperturefile_version_2 \n\t-1.5\t-1.0 \n\t3.0\t2.0 \n\t10.0 \n\t3\t2 \n';
const BINS = '#Counterrotaton_binning_version_1\n6\n\t1\t1\t0\t2\t2\t2\n';
function ecsv(rows: string[]): string {
  return ['# %ECSV 1.0', '# ---', '# datatype:', '# - {name: vbin_id, datatype: int64}', '# - {name: v, datatype: float64}',
    '# - {name: dv, datatype: float64}', '# - {name: sigma, datatype: float64}', '# - {name: dsigma, datatype: float64}',
    '# meta: !!omap', '# - PSF:', '#     sigma: [1.5]', '#     weight: [1.0]', '# schema: astropy-2.0',
    'vbin_id v dv sigma dsigma', ...rows, ''].join('\n');
}
let n = 0;
function galaxy(parts: { aperture?: string; bins?: string; table?: string }): string {
  const d = join(dir, `g${n++}`);
  mkdirSync(d);
  writeFileSync(join(d, 'aperture.dat'), parts.aperture ?? APERTURE);
  writeFileSync(join(d, 'bins.dat'), parts.bins ?? BINS);
  const p = join(d, 'gauss_hermite_kins.ecsv');
  writeFileSync(p, parts.table ?? ecsv(['1 -10 2 100 3', '2 20 4 150 5']));
  return p;
}

test('synthetic grid: pixel order x fastest, ids 1-based rows, centres the mean of the pixels', () => {
  const k = readKinematics(galaxy({}));
  assert.equal(k.meta.format, 'dynamite');
  // Bin 1 = pixels 0, 1 at (-1, -0.5), (0, -0.5); bin 2 = pixels 3, 4, 5 at y = 0.5, x = -1, 0, 1.
  assert.deepEqual([...k.x], [-0.5, 0]);
  assert.deepEqual([...k.y], [-0.5, 0.5]);
  assert.deepEqual([...k.v!], [-10, 20]);
  assert.ok(Math.abs(k.vrms[1] - Math.hypot(20, 150)) < 1e-12);
  assert.deepEqual(k.meta.vsys, { kms: 0, method: 'removed upstream' });
  assert.equal(k.meta.paDeg, -100); // -(90 + 10)
  assert.deepEqual(k.meta.psf, { sigma: [1.5], weight: [1] });
  assert.deepEqual([...k.pixels!.bin], [0, 0, 1, 1, 1]);
  assert.equal(k.pixels!.pixsize, 1);
  // Explicit paths to the grid files work too.
  const d = join(dir, 'g0');
  const again = readKinematics(join(d, 'gauss_hermite_kins.ecsv'), { bins: join(d, 'bins.dat'), aperture: join(d, 'aperture.dat') });
  assert.deepEqual([...again.x], [...k.x]);
});

test('the real NGC 6278 files: 152 bins of 1786 pixels, PSF 1.06", PA -54', () => {
  const k = readKinematics('fixtures/ngc6278/gauss_hermite_kins.ecsv');
  assert.equal(k.x.length, 152);
  assert.equal(k.pixels!.x.length, 1786);
  assert.deepEqual(k.meta.psf, { sigma: [1.06], weight: [1] });
  assert.equal(k.meta.paDeg, -54);
  // First row of the table, as written: 1 -44.7518 2.0988 211.7829 1.9654.
  assert.deepEqual([k.v![0], k.vErr![0], k.sigma![0], k.sigmaErr![0]], [-44.7518, 2.0988, 211.7829, 1.9654]);
  // Bin 1's centre, from the grid directly.
  const ap = parseAperture(readText('fixtures/ngc6278/aperture.dat'), 'a');
  const ids = parseBins(readText('fixtures/ngc6278/bins.dat'), 'b');
  let sx = 0, sy = 0, c = 0;
  ids.forEach((id, p) => {
    if (id !== 1) return;
    const [x, y] = pixelCentre(ap, p);
    sx += x; sy += y; c++;
  });
  assert.ok(c > 0 && Math.abs(k.x[0] - sx / c) < 1e-12 && Math.abs(k.y[0] - sy / c) < 1e-12);
  assert.deepEqual(ap, { minX: -29.5, minY: -26.5, sizeX: 58, sizeY: 52, angleDeg: -36, nx: 58, ny: 52 });
});

const BAD: [string, Parameters<typeof galaxy>[0], RegExp][] = [
  ['aperture header', { aperture: '#something_else\n0 0\n1 1\n0\n1 1\n' }, /aperture\.dat:row 1: is '#something_else'; a boxed aperture file starts with/],
  ['aperture text number', { aperture: APERTURE.replace('10.0', 'ten') }, /aperture\.dat:row 4: 'ten' is not a number/],
  ['aperture pixel count', { aperture: APERTURE.replace('3\t2', '3\t2.5') }, /aperture\.dat:row 5: pixel counts \(3, 2\.5\) must be positive integers/],
  ['bins count vs grid', { bins: '#Counterrotaton_binning_version_1\n5\n1 1 0 2 2\n' }, /bins\.dat:row 2: has 5 pixels but the aperture grid has 6/],
  ['bins truncated', { bins: '#Counterrotaton_binning_version_1\n6\n1 1 0 2 2\n' }, /bins\.dat: has 5 ids but its count line announces 6/],
  ['bins bad id', { bins: '#Counterrotaton_binning_version_1\n6\n1 1 0\n2 x 2\n' }, /bins\.dat:row 4: 'x' is not a bin id/],
  ['bins id beyond table', { bins: '#Counterrotaton_binning_version_1\n6\n1 1 0 2 2 3\n' }, /bins\.dat: pixel 6 has bin id 3 but .* has only 2 bins/],
  ['bin without pixels', { bins: '#Counterrotaton_binning_version_1\n6\n1 1 0 0 0 0\n' }, /gauss_hermite_kins\.ecsv:row 16 column vbin_id: bin 2 has no pixel in/],
  ['vbin_id offset by one', { table: ecsv(['2 -10 2 100 3', '3 20 4 150 5']) }, /gauss_hermite_kins\.ecsv:row 15 column vbin_id: is 2 but this is table row 1; .* vbin_id must run 1\.\.2/],
  ['missing dsigma', { table: ecsv(['1 -10 2 100 3', '2 20 4 150 5']).replaceAll('dsigma', 'dsig') }, /has no column 'dsigma' .*did you mean 'dsig'\?/],
  ['zero error', { table: ecsv(['1 -10 0 100 3', '2 20 4 150 5']) }, /gauss_hermite_kins\.ecsv:row 15 column dv: is 0; errors must be > 0/],
  ['empty bins.dat', { bins: '' }, /bins\.dat: is empty/],
];
for (const [label, parts, message] of BAD) {
  test(`bad DYNAMITE input: ${label}`, () => {
    assert.throws(() => readKinematics(galaxy(parts)), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, message);
      return true;
    });
  });
}

test('a missing aperture.dat is named', () => {
  const p = galaxy({});
  assert.throws(() => readKinematics(p, { aperture: join(dir, 'nope.dat') }), /nope\.dat: no such file/);
});
