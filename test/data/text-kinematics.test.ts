/** CSV and plain-ECSV kinematics on small synthetic files, and table-driven bad input. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { estimateVsys, orientKinematics, vrmsFromMoments } from '../../src/data/kinematics-build.ts';
import { readKinematics } from '../../src/data/kinematics.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-kin-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('vrms CSV: values, comments, quoting, CRLF, optional good and bin_id, ignored columns noted', () => {
  const p = file('vrms.csv', '\ufeff# a comment\r\nx,y,vrms,vrms_err,"good",bin_id,h3\r\n1.5,-2,200,5,1,10,0.1\r\n\r\n-3,4e-1,180.5,4.5,0,11,0\r\n');
  const k = readKinematics(p);
  assert.deepEqual([...k.x], [1.5, -3]);
  assert.deepEqual([...k.y], [-2, 0.4]);
  assert.deepEqual([...k.vrms], [200, 180.5]);
  assert.deepEqual([...k.vrmsErr], [5, 4.5]);
  assert.deepEqual([...k.good], [1, 0]);
  assert.deepEqual([...k.binId!], [10, 11]);
  assert.deepEqual([...k.row], [3, 5]); // line numbers
  assert.equal(k.meta.vsys, undefined);
  assert.ok(k.meta.notes.includes('ignored columns: h3'), k.meta.notes.join('; '));
});

test('moments CSV: V_rms = sqrt(V^2 + sigma^2) with the propagated error, V_sys estimated and removed', () => {
  // V_sys 1000 km/s; V = +-30 around it; errors 3 and 6: weighted mean = (970/9 + 1030/36 + 1000/9) / (1/9+1/36+1/9).
  const p = file('mom.csv', 'x,y,v,v_err,sigma,sigma_err,flux\n1,0,970,3,100,2,5\n-1,0,1030,6,120,4,4\n0,1,1000,3,110,3,6\n');
  const k = readKinematics(p);
  const w = [1 / 9, 1 / 36, 1 / 9];
  const vsys = (970 * w[0] + 1030 * w[1] + 1000 * w[2]) / (w[0] + w[1] + w[2]);
  assert.equal(k.meta.vsys!.method, 'estimated');
  assert.ok(Math.abs(k.meta.vsys!.kms - vsys) < 1e-9);
  const v0 = 970 - vsys;
  assert.ok(Math.abs(k.v![0] - v0) < 1e-9);
  assert.ok(Math.abs(k.vrms[0] - Math.hypot(v0, 100)) < 1e-9);
  // d vrms = sqrt((V dV)^2 + (sigma dsigma)^2) / vrms, worked by hand for bin 0.
  assert.ok(Math.abs(k.vrmsErr[0] - Math.sqrt((v0 * 3) ** 2 + (100 * 2) ** 2) / Math.hypot(v0, 100)) < 1e-12);
  assert.deepEqual([...k.flux!], [5, 4, 6]);
  const given = readKinematics(p, { vsys: 1000 });
  assert.deepEqual(given.meta.vsys, { kms: 1000, method: 'given' });
  assert.deepEqual([...given.v!], [-30, 30, 0]);
  assert.ok(Math.abs(given.vrms[2] - 110) < 1e-12 && Math.abs(given.vrmsErr[2] - 3) < 1e-12); // V = 0: error = dsigma
});

test('error propagation against a Monte-Carlo of V_rms (small errors: linear theory holds to ~1%)', () => {
  // Independent check of the formula: draw V, sigma with Gaussian errors, take the sample sd of sqrt(V^2+sigma^2).
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  for (const [v, dv, s, ds] of [[80, 4, 150, 3], [200, 2, 50, 5], [0, 3, 120, 6]]) {
    const N = 200000;
    let m = 0, m2 = 0;
    for (let i = 0; i < N; i++) {
      const r = Math.hypot(v + dv * gauss(), s + ds * gauss());
      m += r; m2 += r * r;
    }
    const sd = Math.sqrt(m2 / N - (m / N) ** 2);
    const { vrmsErr } = vrmsFromMoments([v], [dv], [s], [ds]);
    // Sampling error of an sd with N = 2e5 is 1/sqrt(2N) = 0.16%; second-order terms ~ (d/vrms)^2 < 1%.
    assert.ok(Math.abs(vrmsErr[0] / sd - 1) < 0.02, `${v},${s}: ${vrmsErr[0]} vs MC ${sd}`);
  }
  // V = sigma = 0: the direction-averaged limit sqrt((dv^2 + ds^2)/2), finite and > 0.
  assert.equal(vrmsFromMoments([0], [3], [0], [4]).vrmsErr[0], Math.sqrt(12.5));
});

test('estimateVsys is the inverse-variance weighted mean over good bins', () => {
  assert.equal(estimateVsys([10, 20, 1000], [1, 1, 1], [1, 1, 0]), 15);
  assert.ok(Math.abs(estimateVsys([10, 20], [1, 2]) - (10 + 20 / 4) / 1.25) < 1e-12);
  assert.throws(() => estimateVsys([1], [1], [0]), /vsys: cannot be estimated/);
});

test('plain ECSV with x, y, v ... columns and a PSF in its meta; mask option by id and index', () => {
  const p = file('k.ecsv', [
    '# %ECSV 1.0', '# ---', '# datatype:', '# - {name: x, unit: arcsec, datatype: float64}', '# - {name: y, datatype: float64}',
    '# - {name: vrms, datatype: float64}', '# - {name: vrms_err, datatype: float64}', '# - {name: bin_id, datatype: int64}',
    '# - {name: label, datatype: string}',
    '# meta: !!omap', '# - PSF:', '#     sigma: [0.8, 2.0]', '#     weight: [3, 1]', '# schema: astropy-2.0',
    'x y vrms vrms_err bin_id label', '0 0 250 5 1 "the centre"', '2 0 230 6 2 out', '0 3 220 7 3 ""', '',
  ].join('\n'));
  const k = readKinematics(p, { mask: { ids: [3], indices: [1] } });
  assert.equal(k.meta.format, 'ecsv');
  assert.deepEqual(k.meta.psf, { sigma: [0.8, 2], weight: [0.75, 0.25] });
  assert.deepEqual([...k.good], [1, 0, 0]);
  assert.ok(k.meta.notes.some((s) => s === 'ignored columns: label'));
  assert.throws(() => readKinematics(p, { mask: { ids: [9] } }), /mask: bin id 9 is not in .*k\.ecsv; its ids run from 1 to 3/);
  assert.throws(() => readKinematics(p, { mask: { indices: [3] } }), /mask: bin index 3 is outside 0\.\.2/);
  const g = orientKinematics(k, { paDeg: 90 }); // major axis on -x
  assert.deepEqual([...g.x].map((v) => +v.toFixed(12)), [0, -2, 0]);
  assert.equal(g.meta.frame, 'galaxy');
  assert.throws(() => orientKinematics(g, { paDeg: 0 }), /already in the galaxy frame/);
});

// Each bad file, the `where` its error must carry, and words of the message.
const BAD: [string, string, string, RegExp][] = [
  ['empty', 'empty.csv', '', /empty\.csv: is empty; give a header line/],
  ['comments only', 'comments.csv', '# nothing\n\n', /comments\.csv: is empty/],
  ['header only', 'header.csv', 'x,y,vrms,vrms_err\n', /header\.csv: has a header but no data rows/],
  ['missing column', 'missing.csv', 'x,y,vrms\n1,2,3\n', /missing\.csv: has no column 'vrms_err' .*columns found: x, y, vrms; add a column 'vrms_err'/],
  ['misspelt column', 'typo.csv', 'x,y,vrms,vrms_er\n1,2,3,4\n', /typo\.csv: has no column 'vrms_err'.*did you mean 'vrms_er'\? rename it to 'vrms_err'/],
  ['no kinematics', 'nokin.csv', 'x,y,flux\n1,2,3\n', /nokin\.csv: has neither vrms, vrms_err nor v, v_err, sigma, sigma_err/],
  ['partial moments', 'partial.csv', 'x,y,v,v_err,sigma\n1,2,3,4,5\n', /partial\.csv: has no column 'sigma_err'/],
  ['text in a number', 'text.csv', 'x,y,vrms,vrms_err\n1,2,3,4\n1,abc,3,4\n', /text\.csv:row 3 column y: is 'abc', not a number/],
  ['NaN', 'nan.csv', 'x,y,vrms,vrms_err\n1,2,NaN,4\n', /nan\.csv:row 2 column vrms: is NaN; give a finite/],
  ['infinity', 'inf.csv', 'x,y,vrms,vrms_err\n1,2,3,-inf\n', /inf\.csv:row 2 column vrms_err: is -inf/],
  ['empty cell', 'blank.csv', 'x,y,vrms,vrms_err\n1,,3,4\n', /blank\.csv:row 2 column y: is empty/],
  ['zero error', 'zero.csv', 'x,y,vrms,vrms_err\n1,2,3,4\n5,6,7,0\n', /zero\.csv:row 3 column vrms_err: is 0; errors must be > 0/],
  ['negative error', 'negerr.csv', 'x,y,v,v_err,sigma,sigma_err\n1,2,3,-4,5,6\n', /negerr\.csv:row 2 column v_err: is -4; errors must be > 0/],
  ['negative sigma', 'negsig.csv', 'x,y,v,v_err,sigma,sigma_err\n1,2,3,4,-5,6\n', /negsig\.csv:row 2 column sigma: is -5; the dispersion must be >= 0/],
  ['duplicate bins', 'dup.csv', 'x,y,vrms,vrms_err\n1,2,3,4\n0,0,1,1\n1,2,5,6\n', /dup\.csv:row 4 column x: bin at \(1, 2\) duplicates the bin of row 2/],
  ['ragged row', 'ragged.csv', 'x,y,vrms,vrms_err\n1,2,3,4\n1,2,3\n', /ragged\.csv:row 3: has 3 fields but the header has 4/],
  ['bad good flag', 'good.csv', 'x,y,vrms,vrms_err,good\n1,2,3,4,2\n', /good\.csv:row 2 column good: is 2; give 1 \(use the bin\) or 0/],
  ['all masked', 'masked.csv', 'x,y,vrms,vrms_err,good\n1,2,3,4,0\n', /masked\.csv: all 1 bins are masked/],
  ['duplicate ids', 'ids.csv', 'x,y,vrms,vrms_err,bin_id\n1,2,3,4,7\n2,2,3,4,7\n', /ids\.csv:row 3 column bin_id: bin id 7 is also used on row 2/],
  ['repeated header name', 'twice.csv', 'x,y,vrms,vrms_err,X\n1,2,3,4,5\n', /twice\.csv:row 1 column X: is named twice/],
  ['unclosed quote', 'quote.csv', 'x,y,vrms,vrms_err\n1,"2,3,4\n', /quote\.csv:row 2: has an unclosed double quote/],
  ['no such file', 'absent.csv', '', /absent\.csv: no such file/],
  ['unknown format', 'k.txt', 'x', /k\.txt: unknown kinematics format '\.txt'/],
  ['ECSV without version line', 'nover.ecsv', 'x y vrms vrms_err\n1 2 3 4\n', /nover\.ecsv:row 1: is not an ECSV table/],
  ['ECSV names differ from datatypes', 'names.ecsv', '# %ECSV 1.0\n# ---\n# datatype:\n# - {name: x, datatype: float64}\n# - {name: y, datatype: float64}\nx z\n1 2\n', /names\.ecsv:row 6: the column names \(x z\) differ from the header's datatype list \(x y\)/],
  ['ECSV ragged row', 'ragged.ecsv', '# %ECSV 1.0\n# ---\n# datatype:\n# - {name: x, datatype: float64}\n# - {name: y, datatype: float64}\nx y\n1 2\n3\n', /ragged\.ecsv:row 8: has 1 fields but the table has 2 columns/],
  ['ECSV bad datatype', 'dt.ecsv', '# %ECSV 1.0\n# ---\n# datatype:\n# - {name: x, datatype: float65}\nx\n1\n', /dt\.ecsv column x: has datatype 'float65'/],
];

for (const [label, name, text, message] of BAD) {
  test(`bad kinematics input: ${label}`, () => {
    const p = name === 'absent.csv' ? join(dir, name) : file(name, text);
    assert.throws(() => readKinematics(p), (e: unknown) => {
      assert.ok(e instanceof InputError, `not an InputError: ${e}`);
      assert.match(e.message, message);
      assert.ok(!e.message.includes('\n'), 'one line');
      assert.ok(e.where.startsWith(p) || e.where === 'mask', `where ${e.where} names the file`);
      return true;
    });
  });
}
