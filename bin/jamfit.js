#!/usr/bin/env node
// jamfit's command line. In a checkout (src/ present and tsx installed, as after `npm ci`) it runs
// the TypeScript sources through tsx, so an edit is live without a rebuild and the tests exercise
// the sources; an installed package ships only the build (dist/, made by `npm run build`), which
// plain Node runs.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/src/cli/main.js', import.meta.url);

async function loadMain() {
  if (existsSync(source)) {
    let tsx = null;
    try {
      tsx = await import('tsx/esm/api');
    } catch (e) {
      // no tsx (e.g. `npm ci --omit=dev`): use the build below; a broken tsx is reported
      if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    }
    if (tsx) {
      tsx.register();
      return (await import(source.href)).main;
    }
  }
  if (existsSync(built)) return (await import(built.href)).main;
  console.error('jamfit: neither the build (dist/) nor tsx is installed: run `npm run build`, or `npm install` to get tsx');
  return null;
}

const main = await loadMain();
process.exitCode = main ? await main(process.argv.slice(2)) : 1;
