/**
 * The sampler's evaluator for a surrogate fit: each half-ensemble is ONE engine call (MLP and
 * the grid -> bins operator together, onnxruntime when present), then each walker's
 * log-probability is taken from its row (the likelihood, prior and blobs are the problem's own,
 * exactly as on the direct path; see likelihoods/surrogate-model.ts). Deterministic: the
 * numbers depend only on the positions, as the Evaluator contract requires.
 */
import { newGridParams } from '../../likelihoods/grid-model.ts';
import { NumericalError } from '../../core/errors.ts';
import type { EvalBuffers, Evaluator } from '../../samplers/evaluate/evaluator.ts';
import { formatPosition, withCause, errorMessage } from '../../samplers/evaluate/evaluator.ts';
import type { GridParams } from '../../likelihoods/grid-model.ts';
import { bestEngine, createEngine, type EngineName, type MlpEngine } from '../surrogate/engine.ts';
import type { SharedEngine } from '../surrogate/shared-engine.ts';
import type { FitProblem } from './fit-problem.ts';

export interface SurrogateEvaluator extends Evaluator {
  /** The engine in use, e.g. "ort-1t". */
  readonly engine: string;
  /**
   * Runs the engine at these positions (the problem's columns) and hands the rows to the model's
   * direct-path table (SurrogateBinnedModel.cacheRows), so that problem.logProb and modelVrms at
   * exactly these positions need no JS forward. Positions outside the domain are skipped (the
   * model refuses them anyway). Replaces the previous table.
   */
  prefetch(xs: readonly ArrayLike<number>[]): Promise<void>;
}

/** Rows per engine call in prefetch: large enough to amortise a call, small enough for memory. */
const PREFETCH_CHUNK = 256;

/**
 * @param engine  force an engine (tests, benchmarks); default the fastest present.
 * @param shared  run the network in calls shared with other galaxies (src/surrogate/shared-engine.ts,
 *   `jamfit batch --lockstep`) instead of an engine of this galaxy's own; `engine` is then ignored.
 */
export async function surrogateEvaluator(problem: FitProblem, engine?: EngineName, shared?: SharedEngine): Promise<SurrogateEvaluator> {
  const m = problem.surrogate;
  if (!m) throw new RangeError('surrogateEvaluator: the problem has no surrogate model');
  const opts = { operator: m.operator };
  const e: MlpEngine = shared ? shared.view(m.operator) : engine ? await createEngine(engine, m.fm, opts) : await bestEngine(m.fm, opts);
  e.setFeatures(m.galaxy.features);
  const nb = m.nbins;
  let B: EvalBuffers;
  let xs: Float64Array[] = [];
  let bs: Float64Array[] = [];
  let params = new Float32Array(0);
  const p: GridParams = newGridParams();
  // The engine's raw parameter row i of position x: (q_M, beta_z, inc_deg).
  const pack = (x: ArrayLike<number>, out: Float32Array, i: number) => {
    problem.prior.unpack(x, p);
    out[3 * i] = p.qM;
    out[3 * i + 1] = p.betaZ;
    out[3 * i + 2] = p.incDeg;
  };
  return {
    kind: `surrogate(${e.name})`,
    engine: e.name,
    bind(b) {
      B = b;
      xs = [];
      bs = [];
      for (let k = 0; k < b.nwalkers; k++) {
        xs.push(b.x.subarray(k * b.ndim, (k + 1) * b.ndim));
        bs.push(b.blobs.subarray(k * b.nblobs, (k + 1) * b.nblobs));
      }
      params = new Float32Array(3 * b.nwalkers);
    },
    async evaluate(idx) {
      const n = idx.length;
      for (let i = 0; i < n; i++) pack(xs[idx[i]], params, i);
      const v2 = await e.run(params.subarray(0, 3 * n), n);
      for (let i = 0; i < n; i++) {
        const k = idx[i];
        m.setRow(v2.subarray(i * nb, (i + 1) * nb));
        try {
          B.lp[k] = problem.logProb(xs[k], bs[k]);
        } catch (err) {
          throw withCause(new NumericalError(`logProb threw at walker ${k}, x = ${formatPosition(xs[k])}: ${errorMessage(err)}`), err);
        } finally {
          m.setRow(null);
        }
      }
    },
    async prefetch(list) {
      const q = new Float32Array(3 * list.length);
      let n = 0;
      for (const x of list) if (problem.prior.logPrior(x) > -Infinity) pack(x, q, n++);
      const rows = new Float32Array(n * nb);
      for (let i0 = 0; i0 < n; i0 += PREFETCH_CHUNK) {
        const k = Math.min(PREFETCH_CHUNK, n - i0);
        rows.set((await e.run(q.subarray(3 * i0, 3 * (i0 + k)), k)).subarray(0, k * nb), i0 * nb);
      }
      m.cacheRows(q, rows, n);
    },
    async close() {
      e.dispose();
    },
  };
}
