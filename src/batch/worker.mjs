// Piscina worker of `jamfit batch`: one task = one galaxy (fit-galaxy.ts fitGalaxy), or with
// --lockstep one group of galaxies fitted together (lockstep.ts fitGroup). Plain
// JavaScript so that any Node can start it: in the build (dist/) it imports the compiled
// fit-galaxy.js beside it; in a checkout it loads fit-galaxy.ts through tsx's namespaced importer,
// because worker threads do not inherit the tsx hooks the main thread registered (the same reason
// as samplers/evaluate/worker.mjs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const modules = new Map();

async function load(name) {
  const built = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(fileURLToPath(built))) return import(built.href);
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(new URL(`./${name}.ts`, import.meta.url).href, import.meta.url);
}

export default async function run(task) {
  const name = task.group ? 'lockstep' : 'fit-galaxy';
  if (!modules.has(name)) modules.set(name, await load(name));
  const m = modules.get(name);
  return task.group ? m.fitGroup(task) : m.fitGalaxy(task);
}
