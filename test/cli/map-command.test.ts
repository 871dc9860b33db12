import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJamCase } from '../../src/data/jam-case.ts';
import { jamVrms } from '../../src/jam/jam.ts';
import { ROOT, runCli } from './run-cli.ts';

const example = join(ROOT, 'fixtures/examples/demo-galaxy.json');

test('map writes a V_rms map whose pixels equal the library model, plus SVG and PNG', async () => {
  const out = mkdtempSync(join(tmpdir(), 'jamfit-map-'));
  const r = await runCli(['map', '--input', example, '--out', out, '--half-size', '6', '--pixel', '1']);
  assert.equal(r.code, 0, r.err);
  const m = JSON.parse(readFileSync(join(out, 'vrms_map.json'), 'utf8'));
  assert.equal(m.nx, 13);
  assert.equal(m.vrms.length, m.nx * m.ny);
  // Spot-check pixels against a direct library call with the same PSF (the map is one call, so
  // the same grids are used; the tolerance is the 7-digit rounding of the file).
  const c = parseJamCase(JSON.parse(readFileSync(example, 'utf8')), { points: false });
  const xs: number[] = [];
  const ys: number[] = [];
  for (let iy = 0; iy < m.ny; iy++) for (let ix = 0; ix < m.nx; ix++) {
    xs.push(m.x0 + ix * m.step);
    ys.push(m.y0 + iy * m.step);
  }
  const v = jamVrms(c.params, xs, ys, c.options);
  for (let i = 0; i < v.length; i++) assert.ok(Math.abs(m.vrms[i] / v[i] - 1) < 1e-6);
  // Centre brighter in V_rms than the edge for this cuspy early-type, and the map is symmetric.
  const centre = m.vrms[((m.ny - 1) / 2) * m.nx + (m.nx - 1) / 2];
  assert.ok(centre > m.vrms[0]);
  assert.ok(Math.abs(m.vrms[0] - m.vrms[m.vrms.length - 1]) < 1e-9 * m.vrms[0]);
  const png = readFileSync(join(out, 'vrms_map.png'));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(png.length > 5000, 'a real image, not an empty canvas');
  assert.match(readFileSync(join(out, 'vrms_map.svg'), 'utf8'), /V_rms \(km\/s\)/);
});

test('map rejects a bad pixel size before writing anything', async () => {
  const out = mkdtempSync(join(tmpdir(), 'jamfit-map-'));
  const r = await runCli(['map', '--input', example, '--out', join(out, 'x'), '--pixel', '0']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--pixel: is 0/);
  assert.equal(existsSync(join(out, 'x')), false);
});

test('info reports the backends, with the optional GPU package detected at run time', async () => {
  const r = await runCli(['info']);
  assert.equal(r.code, 0);
  assert.match(r.out, /@tensorflow\/tfjs-node-gpu/);
  assert.match(r.out, /yes +@tensorflow\/tfjs-backend-wasm/);
});
