/**
 * nativeTfInstalled (src/surrogate/backends.ts): a tfjs-node package counts as installed only with
 * its native binding. An install whose libtensorflow download failed leaves the package folder
 * without lib/napi-v*\/tfjs_binding.node; importing it then fails, so it must not turn on the GPU
 * path (`jamfit batch --lockstep auto`) or read "yes" in `jamfit info`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { nativeTfInstalled } from '../../src/surrogate/backends.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-backends-'));
after(() => rmSync(root, { recursive: true, force: true }));
const from = pathToFileURL(join(root, 'index.js')).href;
const pkg = join(root, 'node_modules', '@tensorflow', 'tfjs-node-gpu');

test('absent, a package folder without its binding, and with it', () => {
  assert.equal(nativeTfInstalled('@tensorflow/tfjs-node-gpu', from), false);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node-gpu', version: '4.22.0' }));
  assert.equal(nativeTfInstalled('@tensorflow/tfjs-node-gpu', from), false);
  mkdirSync(join(pkg, 'lib', 'napi-v8'), { recursive: true });
  assert.equal(nativeTfInstalled('@tensorflow/tfjs-node-gpu', from), false, 'an empty napi folder is no binding');
  writeFileSync(join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
  assert.equal(nativeTfInstalled('@tensorflow/tfjs-node-gpu', from), true);
  assert.equal(nativeTfInstalled('@tensorflow/tfjs-node', from), false);
});
