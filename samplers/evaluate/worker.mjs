// Piscina worker for the parallel evaluator. Plain JavaScript so that it loads in any Node process;
// it imports the user's log-probability module, through tsx when the module is TypeScript and the
// thread cannot load it natively.
import { workerData } from 'piscina';

const { moduleUrl, exportName, batched, ndim, nblobs } = workerData;

async function load() {
  let mod;
  try {
    mod = await import(moduleUrl);
  } catch (e) {
    // Worker threads do not reliably inherit tsx's hooks (with `--import tsx`, a .mjs worker
    // still cannot import .ts on Node 20), and a failed import stays cached for its URL, so load
    // through tsx's namespaced importer instead of registering globally and retrying.
    if (e && e.code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      const { tsImport } = await import('tsx/esm/api');
      mod = await tsImport(moduleUrl, import.meta.url);
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
