/**
 * The network shared by many galaxies (src/surrogate/shared-engine.ts) and the operator engines
 * (src/surrogate/operator-engine.ts), on the shipped surrogate:
 *  - a row's bits do not depend on the rows beside it in a runMany call, in every engine present
 *    (what makes a lockstep batch's results independent of its grouping);
 *  - each operator engine equals the float64 applyOperator to float32 rounding (1e-5 relative:
 *    a float32 sum of <= 960 positive terms of O(1) errs by ~1e-6; a transposed matrix or a wrong
 *    node is O(1));
 *  - views of three galaxies asking at once: ONE network call, and each galaxy gets what its
 *    own engine with its operator gives (1e-5 relative), with and without fixed-row padding;
 *  - a view that never asks holds the others up only for waitMs; a disposed view none.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { createEngine, type EngineName, type GridOperator } from '../../src/surrogate/engine.ts';
import { applyOperator } from '../../src/surrogate/engine-js.ts';
import { foldMlp } from '../../src/surrogate/folded.ts';
import { loadSurrogate } from '../../src/surrogate/model-files.ts';
import { createOperatorEngine } from '../../src/surrogate/operator-engine.ts';
import { createSharedEngine } from '../../src/surrogate/shared-engine.ts';
import { engineNamesPresent } from '../helpers/engines.ts';

const s = loadSurrogate();
const fm = foldMlp(s.mlp, s.norm);
const rng = new Rng('shared-engine-test');

function rows(n: number): { p: Float32Array; f: Float32Array } {
  const p = new Float32Array(3 * n);
  const f = new Float32Array(2 * n);
  for (let r = 0; r < n; r++) {
    p.set([0.55 + 0.4 * rng.uniform(), -0.1 + 0.2 * rng.uniform(), 70 + 15 * rng.uniform()], 3 * r);
    f.set([1.5 + 3 * rng.uniform(), 0.6 + 0.35 * rng.uniform()], 2 * r);
  }
  return { p, f };
}

/** A sparse random operator: each bin sees 40 of the nodes (so some nodes are unused). */
function operator(nBins: number): GridOperator {
  const m = new Float32Array(fm.nOut * nBins);
  for (let b = 0; b < nBins; b++) for (let k = 0; k < 40; k++) m[Math.floor(rng.uniform() * (fm.nOut / 2)) * nBins + b] += rng.uniform();
  return { matrix: m, nBins };
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] / want[i] - 1) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

for (const name of await engineNamesPresent(fm)) {
  test(`${name}: a row's runMany output has the same bits alone, among 10 and among 200 rows`, async () => {
    const e = await createEngine(name, fm);
    const { p, f } = rows(200);
    const all = Float32Array.from(await e.runMany(p, f, 200));
    for (const [a, b] of [[0, 1], [7, 17], [150, 200], [3, 131]]) {
      const part = await e.runMany(p.subarray(3 * a, 3 * b), f.subarray(2 * a, 2 * b), b - a);
      assert.deepEqual(Array.from(part.subarray(0, (b - a) * fm.nOut)), Array.from(all.subarray(a * fm.nOut, b * fm.nOut)), `rows ${a}..${b}`);
    }
    e.dispose();
  });

  // tfjs applies the operators inside the shared call (runManyBinned) and has no operator engine.
  if (name !== 'tfjs') test(`${name}: the operator engine equals applyOperator (float64) to 1e-5`, async () => {
    const op = operator(37);
    const e = await createEngine(name, fm);
    const { p, f } = rows(9);
    const lnv = Float32Array.from(await e.runMany(p, f, 9));
    const oe = await createOperatorEngine(name, op);
    close(await oe.run(lnv, 9), applyOperator(lnv, 9, op), 1e-5, name);
    oe.dispose();
    e.dispose();
  });

  test(`${name}: three galaxies asking at once share one network call and get their own engines' answers`, async () => {
    for (const fixedRows of [0, 20]) {
      const shared = createSharedEngine(await createEngine(name, fm), { fixedRows });
      const gal = [0, 1, 2].map((g) => ({ op: operator(20 + 7 * g), feat: [1.5 + g, 0.65 + 0.1 * g], ...rows(16) }));
      const views = gal.map((g) => {
        const v = shared.view(g.op);
        v.setFeatures(g.feat);
        return v;
      });
      const got = await Promise.all(views.map((v, g) => v.run(gal[g].p, 16)));
      const st = shared.stats();
      if (fixedRows === 0) assert.deepEqual(st, { calls: 1, rows: 48, paddedRows: 0 });
      else assert.deepEqual(st, { calls: 3, rows: 60, paddedRows: 12 }); // 48 rows in calls of 20
      for (const [g, x] of gal.entries()) {
        const own = await createEngine(name, fm, { operator: x.op });
        own.setFeatures(x.feat);
        close(got[g], await own.run(x.p, 16), 1e-5, `${name} galaxy ${g} fixedRows ${fixedRows}`);
        own.dispose();
      }
      for (const v of views) v.dispose();
      shared.dispose();
    }
  });
}

test('a view that never asks delays the others by waitMs only; once disposed, not at all', async () => {
  const shared = createSharedEngine(await createEngine('js', fm), { waitMs: 200 });
  const idle = shared.view(operator(5));
  const busy = shared.view(operator(5));
  busy.setFeatures([3, 0.8]);
  const { p } = rows(4);
  let t0 = performance.now();
  await busy.run(p, 4);
  const waited = performance.now() - t0;
  assert.ok(waited >= 150, `answered after ${waited.toFixed(1)} ms: it did not wait for the idle view`);
  idle.dispose();
  t0 = performance.now();
  await busy.run(p, 4);
  assert.ok(performance.now() - t0 < 150, 'still waiting for a disposed view');
  busy.dispose();
  shared.dispose();
});

test('engines made with an operator, and views, refuse runMany; a view needs its features first', async () => {
  const shared = createSharedEngine(await createEngine('js', fm));
  const v = shared.view(operator(3));
  await assert.rejects(() => v.run(new Float32Array(3), 1), /setFeatures must be called before run/);
  await assert.rejects(() => v.runMany(new Float32Array(3), new Float32Array(2), 1), /serves one galaxy/);
  v.dispose();
  shared.dispose();
  assert.throws(() => createSharedEngine({ name: 'x' } as never, { fixedRows: -1 }), /fixedRows/);
});


test('tfjs runManyBinned: runMany then each group operator (1e-5), one tensor pair per operator, freed with the view', async () => {
  const { loadTf } = await import('../../src/surrogate/tf.ts');
  const { tf } = await loadTf();
  const e = await createEngine('tfjs', fm);
  const ops = [operator(11), operator(4)];
  const { p, f } = rows(12);
  const before = tf.memory().numTensors;
  // Rows 0..6 -> ops[0], 7..10 -> ops[1], row 11 padding.
  const got = await e.runManyBinned!(p, f, 12, [{ rows: 7, op: ops[0] }, { rows: 4, op: ops[1] }]);
  const lnv = Float32Array.from(await e.runMany(p, f, 12));
  close(got[0], applyOperator(lnv.subarray(0, 7 * fm.nOut), 7, ops[0]), 1e-5, 'group 0');
  close(got[1], applyOperator(lnv.subarray(7 * fm.nOut, 11 * fm.nOut), 4, ops[1]), 1e-5, 'group 1');
  await e.runManyBinned!(p, f, 12, [{ rows: 12, op: ops[0] }]);
  assert.equal(tf.memory().numTensors, before + 4, 'device copies: two tensors per operator, made once');
  for (const o of ops) e.releaseOperator!(o);
  assert.equal(tf.memory().numTensors, before);
  e.dispose();
});

test("one galaxy's failing operator fails that galaxy's call only", async () => {
  const shared = createSharedEngine(await createEngine('js', fm));
  const good = shared.view(operator(6));
  // An operator for a grid of 2,000 nodes: the network gives 960, so applying it throws.
  const bad = shared.view({ matrix: new Float32Array(2000).fill(1), nBins: 1 });
  good.setFeatures([2.5, 0.8]);
  bad.setFeatures([2.5, 0.8]);
  const { p } = rows(3);
  const [g, b] = await Promise.allSettled([good.run(p, 3), bad.run(p, 3)]);
  assert.equal(shared.stats().calls, 1, 'both in one network call');
  assert.equal(g.status, 'fulfilled');
  assert.equal((g as PromiseFulfilledResult<Float32Array>).value.length, 18);
  assert.equal(b.status, 'rejected');
  assert.match(String((b as PromiseRejectedResult).reason), /operator engine: 3 rows need 6000 grid values/);
  good.dispose();
  bad.dispose();
  shared.dispose();
});
