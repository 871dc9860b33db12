// Piscina worker for the parallel evaluator. Plain JavaScript so that it loads in any Node process;
// it imports the user's log-probability module, through tsx when the module is TypeScript and the
// thread cannot load it natively.
//
// The pool runs ONE long task per thread: a loop that waits on a SharedArrayBuffer channel
// (Atomics), evaluates the rows the main thread wrote there, and signals completion. A round trip
// costs ~20 us, where a piscina task message costs 0.2-0.6 ms on small VMs, which for a 50 us
// likelihood would eat the whole parallel gain. Channel layout: channel.mjs. With the pool's
// `init` option the export is a setup function, called once per worker with the data, that
// returns the log-probability (so the galaxy's data cross to each thread once, not per call).

import { channelViews, DONE, ERR_ROW, MSG_BYTES, MSG_LEN, ROWS, SEQ, STATUS } from './channel.mjs';

async function load(moduleUrl, exportName) {
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

export default async function serve({ sab, moduleUrl, exportName, batched, ndim, nblobs, maxRows, hasInit, init }) {
  let fn = await load(moduleUrl, exportName);
  // With `init`, the export is a setup function called once with this worker's copy of the data.
  if (hasInit) {
    fn = await fn(init);
    if (typeof fn !== 'function') throw new Error(`${moduleUrl}#${exportName}(init) returned ${typeof fn}, not a log-probability function`);
  }
  const { ctrl, x, lp, blobs, msg } = channelViews(sab, ndim, nblobs, maxRows);
  // Per-row views, built once: the loop allocates nothing per evaluation in per-walker mode.
  const xs = [], bs = [];
  for (let i = 0; i < maxRows; i++) {
    xs.push(x.subarray(i * ndim, (i + 1) * ndim));
    bs.push(blobs.subarray(i * nblobs, (i + 1) * nblobs));
  }
  const enc = new TextEncoder();
  const fail = (row, e) => {
    const bytes = enc.encode(e && e.message ? e.message : String(e)).subarray(0, MSG_BYTES);
    msg.set(bytes);
    ctrl[ERR_ROW] = row;
    ctrl[MSG_LEN] = bytes.length;
    ctrl[STATUS] = 1;
  };
  let seen = 0;
  Atomics.store(ctrl, DONE, 0);
  Atomics.notify(ctrl, DONE);
  for (;;) {
    Atomics.wait(ctrl, SEQ, seen);
    const seq = Atomics.load(ctrl, SEQ);
    if (seq < 0) return 'stopped';
    seen = seq;
    const n = ctrl[ROWS];
    ctrl[STATUS] = 0;
    if (batched) {
      try {
        const r = fn(x.subarray(0, n * ndim), n, blobs.subarray(0, n * nblobs));
        if (r == null || r.length !== n) fail(-2, new Error(`returned ${r == null ? r : r.length + ' values'} for ${n} rows`));
        else for (let i = 0; i < n; i++) lp[i] = r[i];
      } catch (e) {
        fail(-1, e);
      }
    } else {
      for (let i = 0; i < n; i++) {
        try {
          lp[i] = fn(xs[i], bs[i]);
        } catch (e) {
          fail(i, e);
          break;
        }
      }
    }
    Atomics.store(ctrl, DONE, seq);
    Atomics.notify(ctrl, DONE);
  }
}
