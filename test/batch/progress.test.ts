/**
 * The batch's progress bar (src/batch/progress.ts): silent off a terminal, and when drawn it
 * counts the galaxies finished before this run as done, and the failures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatchProgress } from '../../src/batch/progress.ts';

function sink() {
  const chunks: string[] = [];
  const stream = { isTTY: false, columns: 120, write: (s: string) => (chunks.push(String(s)), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

test('no bar off a terminal; a forced bar shows galaxies done (including those finished before), fits/s and failures', () => {
  const quiet = sink();
  assert.equal(createBatchProgress(5, 1, { stream: quiet.stream }), null);
  assert.equal(quiet.text(), '');
  const s = sink();
  const bar = createBatchProgress(5, 1, { stream: s.stream, force: true })!;
  bar.tick(false);
  bar.tick(true);
  bar.tick(true);
  bar.stop();
  const last = s.text().trim().split(/[\r\n]+/).pop()!;
  assert.match(last, /\| 4\/5 galaxies \| [\d.]+ fits\/s \| 2 failed \| eta /);
});
