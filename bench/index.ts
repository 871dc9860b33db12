/**
 * `npm run bench`: every benchmark module in this folder, one table. Each module exports
 * `run(): Promise<BenchRow[]>`. The last column says, row by row, whether the reference was
 * measured in this run (emcee 3.1.4 via bench/emcee_reference.py, serial vs pool) or is a
 * constant recorded elsewhere (jampy's 870 ms: jampy cannot run here) and where it comes from.
 * Pass names to run a subset: `npm run bench -- jam sampler`; `vs-exact` (surrogate against exact
 * posteriors on 5 mocks, minutes) runs only when named.
 */
import { printTable, type BenchRow } from './table.ts';

const suites: Record<string, () => Promise<{ run: () => Promise<BenchRow[]> }>> = {
  jam: () => import('./jam.ts'),
  'jam-sph': () => import('./jam-sph.ts'),
  mge: () => import('./mge.ts'),
  sampler: () => import('./sampler.ts'),
  kernel: () => import('./kernel.ts'),
  surrogate: () => import('./surrogate.ts'),
  'surrogate-mge': () => import('./surrogate-mge.ts'),
  fit: () => import('./fit.ts'),
  tabulated: () => import('./tabulated.ts'),
  'tabulated-vs-direct': () => import('./tabulated-vs-direct.ts'),
  'tabulated-accuracy': () => import('./tabulated-accuracy.ts'),
  'vs-exact': () => import('./vs-exact.ts'),
  batch: () => import('./batch.ts'),
  'batch-real': () => import('./batch-real.ts'),
};
/** Run only when named (minutes of exact JAM). */
const ON_REQUEST = new Set(['vs-exact', 'tabulated-vs-direct', 'tabulated-accuracy']);

const wanted = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const [name, load] of Object.entries(suites)) {
  if (wanted.length ? !wanted.includes(name) : ON_REQUEST.has(name)) continue;
  let mod;
  try {
    mod = await load();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue;
    throw e;
  }
  process.stderr.write(`bench: ${name} ...\n`);
  rows.push(...(await mod.run()));
}
console.log(printTable(rows));
