/** FITS kinematics on synthetic spaxel and per-bin tables, and table-driven bad input. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { readKinematics } from '../../src/data/kinematics.ts';
import { fitsTable } from './helpers/write-fits.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-fits-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function fits(columns: Record<string, number[]>, ext = 'STEKIN'): string {
  const p = join(dir, `t${n++}.fits`);
  writeFileSync(p, fitsTable(ext, columns));
  return p;
}

// Five spaxels: bin 7 = rows 1, 2 (flux 1, 3), bin 3 = row 4, rows 3 and 5 in no bin.
const SPAX = {
  X: [0, 1, 5, 2, 9], Y: [0, 0, 5, 2, 9], FLUX: [1, 3, 1, 2, 1], BIN_ID: [7, 7, -999.9, 3, -999.9],
  XBIN: [0.75, 0.75, -999.9, 2, -999.9], YBIN: [0, 0, -999.9, 2, -999.9],
  VPXF: [1010, 1010, -999.9, 990, -999.9], DVPXF: [2, 2, -999.9, 2, -999.9],
  SPXF: [150, 150, -999.9, 120, -999.9], DSPXF: [3, 3, -999.9, 4, -999.9],
};

test('spaxel table: bins in id order, flux-weighted centres, summed flux, V_sys removed, row numbers', () => {
  const k = readKinematics(fits(SPAX));
  assert.deepEqual([...k.binId!], [3, 7]);
  assert.deepEqual([...k.x], [2, 0.75]); // (0*1 + 1*3) / 4
  assert.deepEqual([...k.flux!], [2, 4]);
  assert.deepEqual([...k.row], [4, 1]);
  assert.equal(k.meta.vsys!.kms, 1000); // equal errors: the mean of 1010 and 990
  assert.deepEqual([...k.v!], [-10, 10]);
  assert.ok(Math.abs(k.vrms[1] - Math.hypot(10, 150)) < 1e-12);
  assert.deepEqual([...k.pixels!.bin], [1, 1, 0]);
  const mean = readKinematics(fits(SPAX), { centres: 'mean', vsys: 990, mask: { ids: [7] } });
  assert.deepEqual([...mean.x], [2, 0.5]);
  assert.deepEqual([...mean.v!], [0, 20]);
  assert.deepEqual([...mean.good], [1, 0]);
});

test('per-bin table (no BIN_ID column) with configured column names and extension', () => {
  const p = fits({ XS: [1, 2], YS: [3, 4], V: [5, -5], DV: [1, 1], S: [100, 90], DS: [2, 2] }, 'BINS');
  const k = readKinematics(p, { extension: 'bins', fitsColumns: { x: 'XS', y: 'YS', v: 'V', vErr: 'DV', sigma: 'S', sigmaErr: 'DS' } });
  assert.deepEqual([...k.x], [1, 2]);
  assert.equal(k.meta.vsys!.kms, 0);
  assert.equal(k.binId, undefined);
});

const BAD: [string, Record<string, number[]>, RegExp][] = [
  ['per-bin value not repeated', { ...SPAX, VPXF: [1010, 1011, -999.9, 990, -999.9] }, /t\d+\.fits\[STEKIN\]:row 2 column VPXF: is 1011 but bin 7 has 1010 on row 1/],
  ['NaN in a binned row', { ...SPAX, SPXF: [150, 150, -999.9, NaN, -999.9] }, /\[STEKIN\]:row 4 column SPXF: is NaN/],
  ['non-integer bin id', { ...SPAX, BIN_ID: [7, 7, -999.9, 3.5, -999.9] }, /\[STEKIN\]:row 4 column BIN_ID: is 3\.5; bin ids must be integers/],
  ['no binned rows', { ...SPAX, BIN_ID: [-1, -1, -1, -1, -1] }, /\[STEKIN\]: has no binned rows/],
  ['zero error', { ...SPAX, DVPXF: [2, 2, -999.9, 0, -999.9] }, /\[STEKIN\]:row 4 column DVPXF: is 0; errors must be > 0/],
  ['negative sigma', { ...SPAX, SPXF: [-150, -150, -999.9, 120, -999.9] }, /\[STEKIN\]:row 1 column SPXF: is -150; the dispersion must be >= 0/],
  ['missing column', { X: [0], Y: [0], BIN_ID: [1], VPXF: [1], DVPXF: [1], SPXF: [1], DSPX: [1] }, /\[STEKIN\]: has no column 'DSPXF' \(did you mean 'DSPX'\?\); its columns are X, Y, BIN_ID/],
  ['duplicate bins', { X: [1, 1], Y: [2, 2], VPXF: [1, 2], DVPXF: [1, 1], SPXF: [1, 1], DSPXF: [1, 1] }, /\[STEKIN\]:row 2 column X: bin at \(1, 2\) duplicates the bin of row 1/],
];
for (const [label, cols, message] of BAD) {
  test(`bad FITS kinematics: ${label}`, () => {
    const p = fits(cols);
    assert.throws(() => readKinematics(p), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, message);
      assert.ok(e.where.startsWith(p), e.where);
      return true;
    });
  });
}

test("centres: 'file' without XBIN columns, and an unknown extension, are refused", () => {
  const { XBIN: _x, YBIN: _y, ...noBin } = SPAX;
  assert.throws(() => readKinematics(fits(noBin), { centres: 'file' }), /has no XBIN, YBIN columns for centres: 'file'/);
  assert.throws(() => readKinematics(fits(SPAX), { extension: 'NOPE' }), /has no extension "NOPE"; its HDUs are 0: PRIMARY \(image\), 1: STEKIN \(bintable\)/);
});
