/**
 * bestEngine's last resort, the plain-JS engine, is made with the caller's options: with a grid ->
 * bins operator it returns v^2 per bin, as ort and tfjs would, never ln v per grid node (which a
 * binned likelihood would read as bins: a silently wrong posterior on a machine without
 * onnxruntime and tfjs). The fallback is forced through bestEngine's `create` parameter, which
 * here fails for ort and tfjs as a missing package does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestEngine, createEngine, type EngineName, type GridOperator } from '../../src/surrogate/engine.ts';
import { foldMlp, type FoldedMlp } from '../../src/surrogate/folded.ts';
import { initMlp } from '../../src/surrogate/mlp.ts';
import { NETWORK_INPUTS_V2, type Normalisation } from '../../src/surrogate/normalise.ts';
import { Rng } from '../../samplers/rng.ts';
import { enginesPresent } from '../helpers/engines.ts';

function fixture(): { fm: FoldedMlp; op: GridOperator; f: number[]; params: Float32Array; batch: number } {
  const inputs = NETWORK_INPUTS_V2;
  const arch = { nFeatures: 2, nParams: inputs.length - 2, hidden: [24, 16], bottleneck: 8, nOut: 30 };
  const mlp = initMlp(arch, 11);
  const rng = new Rng('engine-fallback-test');
  for (const l of mlp.layers) for (let j = 0; j < l.b.length; j++) l.b[j] = 0.3 * (2 * rng.uniform() - 1);
  const norm: Normalisation = {
    inputs: inputs.slice(),
    inMean: [1.1, 0.7, 0.7, 0.05, 0.3, -0.5, -0.6].slice(0, inputs.length),
    inStd: [0.5, 0.17, 0.17, 0.23, 0.2, 0.4, 0.5].slice(0, inputs.length),
    outMean: new Float32Array(arch.nOut).map(() => -1 + rng.uniform()),
    outStd: new Float32Array(arch.nOut).map(() => 0.05 + 0.2 * rng.uniform()),
  };
  const fm = foldMlp(mlp, norm);
  const nBins = 6;
  const op = { matrix: new Float32Array(fm.nOut * nBins).map(() => (rng.uniform() < 0.4 ? rng.uniform() : 0)), nBins };
  const batch = 5;
  const params = new Float32Array(batch * 3).map((_, i) => [0.6 + 0.4 * rng.uniform(), -0.3 + 0.6 * rng.uniform(), 60 + 30 * rng.uniform()][i % 3]);
  return { fm, op, f: [1.9, 0.6], params, batch };
}

/** createEngine as on a machine where onnxruntime-node and tfjs do not load; records the names asked for. */
function withoutOptional(asked: EngineName[]): typeof createEngine {
  return async (name, fm, opts) => {
    asked.push(name);
    if (name !== 'js') throw new Error(`${name}: not installed (simulated)`);
    return createEngine(name, fm, opts);
  };
}

async function outputs(e: Awaited<ReturnType<typeof createEngine>>, f: number[], params: Float32Array, batch: number): Promise<Float32Array> {
  e.setFeatures(f);
  const out = Float32Array.from(await e.run(params, batch));
  e.dispose();
  return out;
}

test('with ort and tfjs missing, bestEngine falls back to the js engine WITH the operator: v^2 per bin, equal to every engine binned', async (t) => {
  const { fm, op, f, params, batch } = fixture();
  const asked: EngineName[] = [];
  const fallback = await bestEngine(fm, { operator: op }, withoutOptional(asked));
  assert.deepEqual(asked, ['ort', 'tfjs', 'js'], 'tries ort, then tfjs, then falls back to js');
  assert.equal(fallback.name, 'js');
  const got = await outputs(fallback, f, params, batch);
  assert.equal(got.length, batch * op.nBins, `one value per bin (${op.nBins}) per row, not per grid node (${fm.nOut})`);
  // The js engine made directly with the operator: the same code, so the same bits.
  assert.deepEqual(got, await outputs(await createEngine('js', fm, { operator: op }), f, params, batch));
  // Every engine present here (ort's binned output among them when installed) to 1e-5 relative:
  // float32 accumulation differs between engines (test/surrogate/engines.test.ts).
  const diag: string[] = [];
  for (const e of await enginesPresent(fm, { operator: op })) {
    const name = e.name;
    const want = await outputs(e, f, params, batch);
    assert.equal(want.length, got.length, name);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] / want[i] - 1));
    assert.ok(worst < 1e-5, `${name}: max relative difference ${worst}`);
    diag.push(`${name} ${worst.toExponential(1)}`);
  }
  t.diagnostic(diag.join(', '));
});

test('without an operator the fallback returns ln v per grid node, as the js engine does', async () => {
  const { fm, f, params, batch } = fixture();
  const fallback = await bestEngine(fm, {}, withoutOptional([]));
  const got = await outputs(fallback, f, params, batch);
  assert.equal(got.length, batch * fm.nOut);
  assert.deepEqual(got, await outputs(await createEngine('js', fm), f, params, batch));
});

test('bestEngine with the real engines also honours the operator', async () => {
  const { fm, op, f, params, batch } = fixture();
  const e = await bestEngine(fm, { operator: op });
  const name = e.name;
  const got = await outputs(e, f, params, batch);
  assert.equal(got.length, batch * op.nBins, name);
  const want = await outputs(await createEngine('js', fm, { operator: op }), f, params, batch);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] / want[i] - 1) < 1e-5, `${name}: bin ${i}: ${got[i]} vs ${want[i]}`);
});
