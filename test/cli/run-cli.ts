/** Runs the CLI in-process with captured I/O (fast), or as a real process (exit codes, bin). */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';

export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function runBin(argv: string[], cwd = ROOT): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../bin/jamfit.js', import.meta.url)), ...argv], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/**
 * Runs bin/jamfit.js as a real process; with `kill`, polled every 5 ms, SIGKILLs it the first
 * time kill() returns true (the kill-and-resume tests). Resolves with the exit code or signal.
 */
export function runBinUntil(argv: string[], kill?: () => boolean): Promise<{ code: number | null; signal: string | null; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(new URL('../../bin/jamfit.js', import.meta.url)), ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    const timer = kill
      ? setInterval(() => {
          if (kill()) {
            clearInterval(timer);
            p.kill('SIGKILL');
          }
        }, 5)
      : undefined;
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, err });
    });
  });
}

/**
 * Table-driven bad input: every row [what, argv, message] exits 2 with one line on stderr that
 * matches `message`, and leaves `folder` (the run or survey folder the rows name) unwritten.
 */
export async function expectRefused(rows: readonly (readonly [string, string[], RegExp])[], folder: string, kind = 'run folder'): Promise<void> {
  for (const [what, argv, re] of rows) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${what}: exit ${r.code}, ${r.err}`);
    assert.equal(r.err.split('\n').length, 1, `${what}: ${r.err}`);
    assert.match(r.err, re, what);
    assert.ok(!existsSync(folder), `${what}: the ${kind} was written`);
  }
}
