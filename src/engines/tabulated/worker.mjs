// Piscina worker of the tabulated engine's parallel table build (model.ts
// buildTabulatedTableParallel): one task = the exact basis maps of one galaxy at a list of
// points (inclination, and q_M on a qm table or beta on a spherically aligned one). Plain JavaScript so that any Node can start it: in the build (dist/) it imports the
// compiled basis.js beside it; in a checkout it loads basis.ts through tsx's namespaced importer,
// because worker threads do not inherit the tsx hooks of the main thread (as src/batch/worker.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let basis = null;

async function load() {
  const built = new URL('./basis.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return import(built.href);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(new URL('./basis.ts', import.meta.url).href, import.meta.url);
}

export default async function run(task) {
  basis ??= await load();
  return task.points.map((p) => basis.basisAt(task.spec, p));
}
