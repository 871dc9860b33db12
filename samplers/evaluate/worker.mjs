// Piscina worker for the parallel evaluator. Plain JavaScript so that it loads in any Node process;
// it imports the user's log-probability module, registering tsx first only when the module is
// TypeScript and the thread cannot already load it (workers inherit `--import tsx` via execArgv).
import { workerData } from 'piscina';

const { moduleUrl, exportName, batched, ndim, nblobs } = workerData;

async function load() {
  let mod;
  try {
    mod = await import(moduleUrl);
  } catch (e) {
    if (e && e.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      const { register } = await import('tsx/esm/api');
      register();
      mod = await import(moduleUrl);
    } else throw e;
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`${moduleUrl} has no exported function "${exportName}"`);
  return fn;
}
const fnPromise = load();

/**
 * Evaluates `n` walkers. Input: { x: Float64Array(n * ndim) }. Output: { lp, blobs } or
 * { error: { row, message } } naming the row that threw (the main thread maps it to a walker).
 */
export default async function evaluate({ x, n }) {
  const fn = await fnPromise;
  const lp = new Float64Array(n);
  const blobs = new Float64Array(n * nblobs);
  if (batched) {
    let r;
    try {
      r = fn(x, n, blobs);
    } catch (e) {
      return { error: { row: -1, message: e && e.message ? e.message : String(e) } };
    }
    if (r == null || r.length !== n) return { error: { row: -2, message: `returned ${r == null ? r : r.length + ' values'} for ${n} rows` } };
    for (let i = 0; i < n; i++) lp[i] = r[i];
  } else {
    for (let i = 0; i < n; i++) {
      try {
        lp[i] = fn(x.subarray(i * ndim, (i + 1) * ndim), blobs.subarray(i * nblobs, (i + 1) * nblobs));
      } catch (e) {
        return { error: { row: i, message: e && e.message ? e.message : String(e) } };
      }
    }
  }
  return { lp, blobs };
}
