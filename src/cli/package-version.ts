/**
 * The package version, read from package.json at run time (one source of truth: `npm version`
 * updates it and the CLI follows). Resolved relative to this module, so it works from any working
 * directory. Interim home: a shared src/version.ts is planned; switch the import when it lands.
 */
import { createRequire } from 'node:module';

let cached: string | undefined;

/** The `version` field of jamfit's package.json, e.g. "0.1.0". */
export function packageVersion(): string {
  cached ??= (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  return cached;
}
