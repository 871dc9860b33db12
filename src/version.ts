/**
 * jamfit's version, read at run time from the package's own package.json (one place to bump it).
 * Works from the sources (src/version.ts), the build (dist/src/version.js) and an installed
 * package (node_modules/jamfit/dist/src/version.js): the nearest package.json above this module
 * whose name is "jamfit" is ours (the build may hold a copy, dist/package.json, emitted by tsc
 * for a JSON import; it is written from the same file at build time).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    let pkg: { name?: unknown; version?: unknown } | null = null;
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch {
      // no readable package.json in this directory: keep walking up
    }
    if (pkg?.name === 'jamfit' && typeof pkg.version === 'string') return pkg.version;
    if (dirname(dir) === dir) throw new Error(`jamfit: no package.json named "jamfit" above ${start}; the installation is incomplete`);
  }
}

/** jamfit's version string (package.json "version", e.g. "0.1.0"). */
export const version: string = readVersion();
