/**
 * The FITS reader against astropy 5.2.1 (test/fixtures/fits/make_fixture.py): a small file with
 * every column type it decodes, and the real CALIFA table of NGC 6278.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { findHdu, parseFits, readColumn, readFits, readImage, tableColumns } from '../../src/data/fits.ts';

const types = JSON.parse(readFileSync('test/fixtures/fits/types.json', 'utf8'));
const ngc = JSON.parse(readFileSync('test/fixtures/fits/ngc6278.json', 'utf8'));
const REAL = 'fixtures/ngc6278/NGC6278_stellar_kin.fits';

// astropy writes NaN as null in the JSON; both sides are float64 decodings of the same bytes
// (float32 widened exactly), so equality is exact.
function same(got: number, want: number | null, what: string): void {
  if (want === null) assert.ok(Number.isNaN(got), `${what}: ${got} should be NaN`);
  else assert.equal(got, want, what);
}

test('HDU list and header values (strings with quotes, CONTINUE, logicals)', () => {
  const f = readFits('test/fixtures/fits/types.fits');
  assert.deepEqual(f.hdus.map((h) => h.name), types.hdus.map((h: { name: string }) => h.name));
  assert.deepEqual(f.hdus.map((h) => h.type), ['image', 'image', 'bintable']);
  const h = f.hdus[0].header;
  assert.equal(h.get('QUOTED'), types.primary.QUOTED);
  assert.equal(h.get('LONGSTR'), types.primary.LONGSTR);
  assert.equal(h.get('FLAG'), true);
});

test('images: int16 with BSCALE/BZERO/BLANK and float32 with NaN equal astropy', () => {
  const f = readFits('test/fixtures/fits/types.fits');
  const p = readImage(f, f.hdus[0]);
  assert.deepEqual(p.shape, [...types.primary.shape].reverse()); // FITS order NAXIS1, NAXIS2
  types.primary.data.forEach((v: number | null, i: number) => same(p.data[i], v, `primary[${i}]`));
  const im = readImage(f, findHdu(f, 'img32'));
  types.img32.data.forEach((v: number | null, i: number) => same(im.data[i], v, `IMG32[${i}]`));
});

test('binary table columns A/E/D/I(scaled)/I(unsigned)/J(TNULL)/K/B/L/3D equal astropy', () => {
  const f = readFits('test/fixtures/fits/types.fits');
  const hdu = findHdu(f, 'TYPES');
  const t = types.table;
  assert.deepEqual(readColumn(f, hdu, 'NAME').values, t.NAME);
  for (const name of ['F32', 'F64', 'SCALED', 'U16', 'K64', 'B8']) {
    const v = readColumn(f, hdu, name).values as Float64Array;
    assert.equal(v.length, t[name].length);
    t[name].forEach((w: number | null, i: number) => {
      // SCALED: physical = TZERO + TSCAL * raw in float64 on both sides; astropy rounds the same way.
      if (name === 'SCALED' && w !== null) assert.ok(Math.abs(v[i] - w) < 1e-12, `${name}[${i}] ${v[i]} vs ${w}`);
      else same(v[i], w, `${name}[${i}]`);
    });
  }
  // astropy reports a binary table's TNULL value as the raw integer; we follow the standard and
  // return NaN (undefined) there.
  const j = readColumn(f, hdu, 'J32').values as Float64Array;
  assert.equal(hdu.header.get('TNULL6'), -999);
  t.J32.forEach((w: number, i: number) => (w === -999 ? assert.ok(Number.isNaN(j[i])) : assert.equal(j[i], w)));
  assert.deepEqual([...(readColumn(f, hdu, 'LOG').values as Float64Array)], t.LOG.map((b: boolean) => (b ? 1 : 0)));
  const vec = readColumn(f, hdu, 'vec'); // names are case-insensitive
  assert.equal(vec.column.repeat, 3);
  assert.deepEqual([...(vec.values as Float64Array)], t.VEC.flat());
});

test('NGC 6278 STEKIN_UNBIN3: header, chosen rows and sums over all 5530 rows of all 32 columns equal astropy', () => {
  const f = readFits(REAL);
  assert.deepEqual(f.hdus.map((h) => h.name), ngc.hdus);
  assert.equal(f.hdus[0].header.get('OBJECT'), ngc.primary.OBJECT);
  assert.equal(f.hdus[0].header.get('TARG_SN'), ngc.primary.TARG_SN);
  const hdu = findHdu(f, 'STEKIN_UNBIN3');
  for (const k of ['NAXIS1', 'NAXIS2', 'TFIELDS', 'EXTNAME']) assert.equal(hdu.header.get(k), ngc.header[k], k);
  const cols = tableColumns(f, hdu);
  assert.deepEqual(cols.map((c) => c.name), Object.keys(ngc.values));
  for (const c of cols) {
    const v = readColumn(f, hdu, c.name).values as Float64Array;
    ngc.rows.forEach((r: number, k: number) => same(v[r], ngc.values[c.name][k], `${c.name}[${r}]`));
    let s = 0;
    let s2 = 0;
    for (const x of v) {
      s += x;
      s2 += x * x;
    }
    // numpy sums pairwise, we sum left to right: the two differ by rounding, ~n eps |sum|.
    const tol = (a: number) => 5530 * 2.3e-16 * Math.abs(a) + 1e-9;
    assert.ok(Math.abs(s - ngc.sums[c.name]) <= tol(ngc.sums[c.name]), `${c.name} sum ${s} vs ${ngc.sums[c.name]}`);
    assert.ok(Math.abs(s2 - ngc.sumsq[c.name]) <= tol(ngc.sumsq[c.name]), `${c.name} sumsq`);
  }
});

test('bad FITS input: empty, not FITS, truncated, missing extension or column', () => {
  const bytes = readFileSync('test/fixtures/fits/types.fits');
  assert.throws(() => parseFits(new Uint8Array(0), 'e.fits'), /e\.fits: is empty/);
  assert.throws(() => parseFits(new TextEncoder().encode('x,y\n1,2\n'), 'x.fits'), /x\.fits: is not a FITS file/);
  assert.throws(() => parseFits(bytes.subarray(0, bytes.length - 2880), 't.fits'), /t\.fits\[HDU 2\]: 'TYPES' needs \d+ data bytes .* truncated/);
  assert.throws(() => parseFits(bytes.subarray(0, 400), 'h.fits'), /h\.fits\[HDU 0\]: the header has no END card/);
  const f = parseFits(bytes, 'ok.fits');
  assert.throws(() => findHdu(f, 'NOPE'), /ok\.fits: has no extension "NOPE"; its HDUs are 0: PRIMARY/);
  assert.throws(() => readColumn(f, findHdu(f), 'F65'), /ok\.fits\[TYPES\]: has no column 'F65' \(did you mean 'F64'\?\)/);
});
