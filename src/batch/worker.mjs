// Piscina worker of `jamfit batch`: one task = one galaxy (fit-galaxy.ts fitGalaxy). Plain
// JavaScript so that any Node can start it: in the build (dist/) it imports the compiled
// fit-galaxy.js beside it; in a checkout it loads fit-galaxy.ts through tsx's namespaced importer,
// because worker threads do not inherit the tsx hooks the main thread registered (the same reason
// as samplers/evaluate/worker.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let fitGalaxy = null;

async function load() {
  const built = new URL('./fit-galaxy.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return (await import(built.href)).fitGalaxy;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(new URL('./fit-galaxy.ts', import.meta.url).href, import.meta.url)).fitGalaxy;
}

export default async function run(task) {
  fitGalaxy ??= await load();
  return fitGalaxy(task);
}
