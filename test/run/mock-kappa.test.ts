/**
 * `jamfit mock --kappa K` (src/run/mock.ts): V from the first moment (jamVlos) with the mock's
 * PSF/pixel path, sigma = sqrt(V_rms^2 - V^2), noise on each; V odd in x, the columns written,
 * seeds reproducible, the V_rms column unchanged by --kappa, --align sph refused with --kappa.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { jamVlos } from '../../src/jam/first-moment-jam.ts';
import { computeMock, runMock, type MockOptions } from '../../src/run/mock.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-mock-kappa-'));
after(() => rmSync(root, { recursive: true, force: true }));
const mgeFile = join(root, 'mge.csv');
const MGE = { surf: [3000, 800, 120], sigma: [0.8, 3, 9], qobs: [0.85, 0.75, 0.7] };
writeFileSync(mgeFile, ['surf,sigma,q', ...MGE.surf.map((s, k) => `${s},${MGE.sigma[k]},${MGE.qobs[k]}`)].join('\n') + '\n');
// Bins symmetric in x (and one on the minor axis): V(-x, y) = -V(x, y).
const binsFile = join(root, 'bins.csv');
const pts: [number, number][] = [[0, 2], [1.5, 0.5], [-1.5, 0.5], [4, -1], [-4, -1], [7, 3], [-7, 3], [2.5, -4], [-2.5, -4]];
writeFileSync(binsFile, 'x,y\n' + pts.map(([x, y]) => `${x},${y}`).join('\n') + '\n');
const base: MockOptions = { photometry: mgeFile, massModel: 'light', betaZ: 0.1, incDeg: 70, ml: 3, distance: 15, bins: binsFile, seed: 3, kappa: 0.8, out: join(root, 'unused') };

test('mock --kappa: V odd in x about the minor axis, positive on +x for kappa > 0; V_rms^2 = V^2 + sigma^2 (noise-free)', () => {
  for (const extra of [{}, { psfSigma: '1.2', pixsize: 0.5 }] as MockOptions[]) {
    const m = computeMock({ ...base, ...extra });
    const b = m.truth.bins;
    assert.ok(b.v_true && b.sigma_true && b.v && b.sigma);
    assert.ok(Math.abs(b.v_true[0]) < 1e-9, `V on the minor axis ${b.v_true[0]}`);
    for (let i = 1; i < pts.length; i += 2) {
      assert.ok(Math.abs(b.v_true[i] + b.v_true[i + 1]) <= 1e-9 * Math.abs(b.v_true[i]), `V(${pts[i]}) = ${b.v_true[i]}, V(${pts[i + 1]}) = ${b.v_true[i + 1]}`);
      assert.ok(b.v_true[i] > 1, `V at +x is ${b.v_true[i]}`);
    }
    for (let i = 0; i < pts.length; i++) {
      const lhs = b.vrms_true[i] ** 2;
      const rhs = b.v_true[i] ** 2 + b.sigma_true[i] ** 2;
      assert.ok(Math.abs(lhs / rhs - 1) < 1e-12, `bin ${i}: ${lhs} vs ${rhs}`);
      assert.ok(b.sigma_true[i] > 0);
    }
    // V is jamVlos's with the same model and options (mass follows light; the fit's conventions).
    const opts = extra.psfSigma ? { psf: { sigma: [1.2], weight: [1] }, pixsize: 0.5 } : {};
    const ref = jamVlos({ mgeLum: MGE, mgePot: MGE, incDeg: 70, beta: 0.1, distanceMpc: 15, ml: 3 }, b.x, b.y, 0.8, opts);
    for (let i = 0; i < pts.length; i++) assert.ok(Math.abs(b.v_true[i] - ref[i]) <= 1e-9 * Math.max(1, Math.abs(ref[i])));
    assert.equal(m.truth.kappa, 0.8);
  }
});

test('mock --kappa: the noise has the stated error, the vrms column does not change, seeds reproduce the bytes', () => {
  const a = computeMock(base);
  const b = computeMock(base);
  assert.equal(a.kinematicsCsv, b.kinematicsCsv);
  const c = computeMock({ ...base, seed: 4 });
  assert.notEqual(a.kinematicsCsv, c.kinematicsCsv);
  const plain = computeMock({ ...base, kappa: undefined });
  assert.deepEqual(plain.truth.bins.vrms, a.truth.bins.vrms);
  assert.equal(plain.truth.bins.v, undefined);
  const lines = a.kinematicsCsv.trim().split('\n');
  assert.equal(lines[0], 'x,y,vrms,vrms_err,v,v_err,sigma,sigma_err');
  const t = a.truth.bins;
  for (let i = 0; i < pts.length; i++) {
    const f = lines[i + 1].split(',').map(Number);
    assert.deepEqual(f, [t.x[i], t.y[i], t.vrms[i], t.vrms_err[i], t.v![i], t.vrms_err[i], t.sigma![i], t.vrms_err[i]]);
  }
  // Standardised residuals of V and sigma over many bins (a field): mean ~ 0, variance ~ 1.
  const big = computeMock({ ...base, bins: undefined, pixel: 0.6, maxRadius: 8 });
  const z: number[] = [];
  const bb = big.truth.bins;
  for (let i = 0; i < bb.x.length; i++) z.push((bb.v![i] - bb.v_true![i]) / bb.vrms_err[i], (bb.sigma![i] - bb.sigma_true![i]) / bb.vrms_err[i]);
  const n = z.length;
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const varz = z.reduce((s, v) => s + v * v, 0) / n;
  assert.ok(n > 400, `${n} draws`);
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(varz - 1) < 4 * Math.sqrt(2 / n), `variance ${varz}`);
});

test('mock --kappa: written by runMock; --align sph with --kappa refused naming --kappa, nothing written', () => {
  const out = join(root, 'm1');
  runMock({ ...base, out });
  const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8'));
  assert.equal(truth.kappa, 0.8);
  assert.match(truth.command, /--kappa 0\.8/);
  const out2 = join(root, 'm2');
  assert.throws(() => runMock({ ...base, align: 'sph', out: out2 }), (e: unknown) => e instanceof InputError && e.where === 'kappa' && !e.message.includes('\n'));
  assert.throws(() => readFileSync(join(out2, 'truth.json')));
  assert.throws(() => computeMock({ ...base, kappa: NaN }), (e: unknown) => e instanceof InputError && e.where === 'kappa');
});
