/**
 * `jamfit batch --align` and the manifest's `align` column: the command line's alignment reaches
 * every galaxy's fit (config.json, the model the fit used, the batch.json marker, the fit.log
 * command), a row's `align` cell overrides it for that galaxy, and the results table says which
 * alignment each galaxy was fitted with. Two tiny galaxies (42 bins, mass follows light, 8
 * walkers x 10 steps): a few seconds.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeMock } from '../run/mock.ts';
import { runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-batch-align-'));
after(() => rmSync(root, { recursive: true, force: true }));
writeMock(join(root, 'g'), { seed: 3 });
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

test('--align sph reaches each fit; an align cell overrides it per galaxy; the table has the align column', async () => {
  const m = join(root, 'survey.csv');
  // a: the command line's alignment (blank cell); b: its own (cyl).
  writeFileSync(m, 'name,kinematics,photometry,distance_mpc,align\na,g/kinematics.csv,g/mge.csv,20,\nb,g/kinematics.csv,g/mge.csv,20,cyl\n');
  const out = join(root, 'out');
  const r = await runCli(['batch', m, '--out', out, '--align', 'sph', '--mass-model', 'light', '--walkers', '8', '--steps', '10', '--workers', '1']);
  assert.equal(r.code, 0, r.err);
  const a = json(join(out, 'a', 'config.json'));
  const b = json(join(out, 'b', 'config.json'));
  // With mass following the light auto picks the tabulated engine for sph and the
  // multi-component surrogate for cyl (the mock's 3-Gaussian light is inside its family).
  assert.deepEqual([a.align, a.engine, b.align, b.engine], ['sph', 'tabulated', 'cyl', 'surrogate']);
  assert.deepEqual([json(join(out, 'a', 'batch.json')).options.align, json(join(out, 'b', 'batch.json')).options.align], ['sph', 'cyl']);
  assert.match(readFileSync(join(out, 'a', 'fit.log'), 'utf8'), /tabulated spherically aligned exact JAM/);
  assert.match(readFileSync(join(out, 'a', 'fit.log'), 'utf8'), /--align sph/);
  const [head, ...rows] = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const col = head.indexOf('align');
  assert.equal(head[col - 1], 'mass_model');
  assert.deepEqual(rows.map((row) => [row[0], row[col]]), [['a', 'sph'], ['b', 'cyl']]);
});
