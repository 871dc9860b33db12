/**
 * The `jamfit map` contract: the map's pixels equal a library call on the same pixels; each
 * optional field of the (map) input reaches the library and changes the map; polar mode works on a
 * grid that contains the centre; bad input writes nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { jamVrms, type JamOptions } from '../../src/jam/jam.ts';
import type { JamParams } from '../../src/jam/model.ts';
import { loadReferenceCases, maxRelErr } from '../helpers/reference-cases.ts';
import { ROOT, runCli } from './run-cli.ts';

const example = join(ROOT, 'fixtures/examples/demo-galaxy.json');
const dir = mkdtempSync(join(tmpdir(), 'jamfit-map-'));

interface MapFile {
  nx: number;
  ny: number;
  x0: number;
  y0: number;
  step: number;
  vrms: number[];
}

/** Pixel centres of a written map, from its header (row-major, x fastest). */
function pixels(m: MapFile): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let iy = 0; iy < m.ny; iy++) for (let ix = 0; ix < m.nx; ix++) {
    x.push(m.x0 + ix * m.step);
    y.push(m.y0 + iy * m.step);
  }
  return { x, y };
}

async function runMap(name: string, input: string | object, extra: string[] = []): Promise<{ code: number; err: string; out: string; map?: MapFile; folder: string }> {
  const folder = join(dir, name.replace(/\W+/g, '_'));
  let path = input as string;
  if (typeof input !== 'string') {
    path = `${folder}.json`;
    writeFileSync(path, JSON.stringify(input));
  }
  const r = await runCli(['map', '--input', path, '--out', folder, ...extra]);
  const file = join(folder, 'vrms_map.json');
  return { ...r, folder, map: r.code === 0 ? JSON.parse(readFileSync(file, 'utf8')) : undefined };
}

test('map writes a V_rms map whose pixels equal the library model, plus SVG and PNG', async () => {
  const r = await runMap('demo', example, ['--half-size', '6', '--pixel', '1']);
  assert.equal(r.code, 0, r.err);
  const m = r.map!;
  assert.equal(m.nx, 13);
  assert.equal(m.vrms.length, m.nx * m.ny);
  // The demo's model written by hand as library arguments (values from the file's header line:
  // i = 65, beta_z = 0.15, D = 20 Mpc, M_BH = 2e8, 1" seeing as two Gaussians, 0.5" pixels).
  const raw = JSON.parse(readFileSync(example, 'utf8'));
  const { x, y } = pixels(m);
  const v = jamVrms(
    { mgeLum: raw.mge_lum, mgePot: raw.mge_pot, incDeg: 65, beta: 0.15, distanceMpc: 20, mbh: 2e8 },
    x,
    y,
    { psf: raw.psf, pixsize: 0.5 },
  );
  assert.equal(raw.inc_deg, 65);
  // Tolerance: the file stores 7 significant digits (relative rounding <= 5e-8).
  assert.ok(maxRelErr(m.vrms, v) < 1e-6);
  // Centre brighter in V_rms than the edge for this cuspy early-type, and the map is symmetric.
  const centre = m.vrms[((m.ny - 1) / 2) * m.nx + (m.nx - 1) / 2];
  assert.ok(centre > m.vrms[0]);
  assert.ok(Math.abs(m.vrms[0] - m.vrms[m.vrms.length - 1]) < 1e-9 * m.vrms[0]);
  const png = readFileSync(join(r.folder, 'vrms_map.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 5000, 'a real image, not an empty canvas');
  assert.match(readFileSync(join(r.folder, 'vrms_map.svg'), 'utf8'), /V_rms \(km\/s\)/);
});

// ---- Each optional field of a map input, against a hand-written library call ------------------
// A map input without PSF (x, y not needed), written by hand in the JSON contract and as JamParams.
const ref = loadReferenceCases()[0];
const lum = ref.params.mgeLum;
const pot = ref.params.mgePot;
const mapJson = { mge_lum: lum, mge_pot: pot, inc_deg: 60, beta_z: 0.2, distance_mpc: 16 };
const mapParams: JamParams = { mgeLum: lum, mgePot: pot, incDeg: 60, beta: 0.2, distanceMpc: 16 };
const psf = { sigma: [0.8, 1.6], weight: [0.7, 0.3] };
const small = ['--half-size', '3', '--pixel', '1'];

interface MapRow {
  field: string;
  ctx?: Record<string, unknown>;
  add: Record<string, unknown>;
  without: [Partial<JamParams>, JamOptions];
  with: [Partial<JamParams>, JamOptions];
  /** Floor on the field's max relative change of the map (well above the 1e-6 rounding bar); 0: must not change it. */
  minChange: number;
}

// On this 7 x 7 map (the centre pixel included) the measured max relative changes are: mbh 6.9
// (centre pixel), ml 0.58, psf 0.28, pixsize with PSF 2.2e-3.
const rows: MapRow[] = [
  { field: 'mbh', add: { mbh: 1e9 }, without: [{}, {}], with: [{ mbh: 1e9 }, {}], minChange: 0.1 },
  { field: 'ml', add: { ml: 2.5 }, without: [{}, {}], with: [{ ml: 2.5 }, {}], minChange: 0.1 },
  { field: 'psf', add: { psf }, without: [{}, {}], with: [{}, { psf }], minChange: 0.02 },
  { field: 'pixsize (with psf)', ctx: { psf }, add: { pixsize: 1 }, without: [{}, { psf }], with: [{}, { psf, pixsize: 1 }], minChange: 5e-4 },
  {
    field: 'pixsize (without psf)',
    add: { pixsize: 1 },
    without: [{}, {}],
    with: [{}, { pixsize: 1 }],
    minChange: 1e-4,
  },
  { field: 'name', add: { name: 'a label' }, without: [{}, {}], with: [{}, {}], minChange: 0 },
];

for (const row of rows) {
  const effect = row.minChange === 0 ? 'leaves the map unchanged' : 'changes the map';
  test(`map: "${row.field}" reaches the library (map = hand-written jamVrms call on its pixels) and ${effect}`, async () => {
    const r = await runMap(`field ${row.field}`, { ...mapJson, ...row.ctx, ...row.add }, small);
    assert.equal(r.code, 0, r.err);
    const m = r.map!;
    assert.equal(m.nx * m.ny, 49);
    const { x, y } = pixels(m);
    const lib = ([p, o]: [Partial<JamParams>, JamOptions]) => jamVrms({ ...mapParams, ...p }, x, y, o);
    const want = lib(row.with);
    assert.ok(maxRelErr(m.vrms, want) < 1e-6, `${row.field}: map differs from the library by ${maxRelErr(m.vrms, want)}`);
    const change = maxRelErr(want, lib(row.without));
    if (row.minChange === 0) assert.equal(change, 0);
    else assert.ok(change > row.minChange, `${row.field} changes the map by only ${change.toExponential(2)} (floor ${row.minChange})`);
  });
}

test(
  'map with "mode": "polar" succeeds on a grid that contains (0, 0) and agrees with direct mode within the polar interpolation error',
  async () => {
    const r = await runMap('polar', { ...mapJson, mode: 'polar' }, ['--half-size', '6', '--pixel', '1']);
    assert.equal(r.code, 0, r.err);
    const m = r.map!;
    const { x, y } = pixels(m);
    assert.ok(x.some((v, i) => v === 0 && y[i] === 0), 'the grid must contain the centre');
    const direct = jamVrms(mapParams, x, y);
    const err = maxRelErr(m.vrms, direct);
    // The bilinear (ln r, angle) interpolation on the default 20 x 10 polar grid is off by at most
    // 4.0e-4 on this 13 x 11 map's off-centre pixels (measured with the library, centre left out);
    // the centre itself is evaluated directly. 1e-3 is 2.5x that; the file's rounding is 5e-8.
    assert.ok(err < 1e-3, `polar map differs from direct by ${err}`);
    // ... and the mode did reach the library: an interpolated map is not the direct one.
    assert.ok(err > 1e-6, `polar map equals direct to ${err}: was mode ignored?`);
  },
);

const badMap: [string, object, RegExp][] = [
  ['an unknown mode', { ...mapJson, mode: 'bogus' }, /mode: is "bogus"; use "direct" or "polar"/],
  ['mode together with a PSF', { ...mapJson, mode: 'polar', psf }, /mode: is "polar" but a psf is given/],
];

for (const [what, obj, re] of badMap) {
  test(`map rejects ${what}: one line naming file and field, exit 2, nothing written`, async () => {
    const r = await runMap(`bad ${what}`, obj, small);
    assert.equal(r.code, 2);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.match(r.err, re);
    assert.equal(existsSync(r.folder), false);
  });
}

test('map rejects a bad pixel size before writing anything', async () => {
  const r = await runMap('bad pixel', example, ['--pixel', '0']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--pixel: is 0/);
  assert.equal(existsSync(r.folder), false);
});

test('info reports the backends, with the optional GPU package detected at run time', async () => {
  const r = await runCli(['info']);
  assert.equal(r.code, 0);
  assert.match(r.out, /@tensorflow\/tfjs-node-gpu/);
  assert.match(r.out, /yes +@tensorflow\/tfjs-backend-wasm/);
});
