/**
 * Top-level CLI behaviour: help, version, usage errors. Conventions (see src/cli/main.ts): help
 * that was asked for goes to stdout with exit 0; `jamfit` with no command is a usage error (usage
 * on stderr, exit 2) like every other usage error, so stdout only ever carries what was asked for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands.ts';
import { ROOT, runBin, runCli } from './run-cli.ts';

// Read here independently of the CLI's own helper, so a hard-coded or wrong version fails.
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

type Stream = 'out' | 'err';
const cases: [string[], number, Stream, RegExp][] = [
  [[], 2, 'err', /^usage: jamfit <command> \[options\]\n\ncommands:\n(  [a-z]+ .*\n)*  demo .*\n(  [a-z]+ .*\n)*  jam .*\n(  [a-z]+ .*\n)*\nrun 'jamfit <command> --help'/],
  [['--help'], 0, 'out', /^usage: jamfit <command> \[options\]\n\ncommands:\n/],
  [['-h'], 0, 'out', /^usage: jamfit <command> \[options\]\n/],
  [['help'], 0, 'out', /^usage: jamfit <command> \[options\]\n/],
  [['help', 'jam'], 0, 'out', /^usage: jamfit jam \[options\]\n\nEvaluate the exact JAM V_rms/],
  [['help', 'nope'], 2, 'err', /^jamfit help: unknown command 'nope'; run 'jamfit --help' for the list$/],
  [['--version'], 0, 'out', new RegExp(`^jamfit ${version.replace(/\./g, '\\.')}$`)],
  [['-v'], 0, 'out', new RegExp(`^jamfit ${version.replace(/\./g, '\\.')}$`)],
  [['version'], 0, 'out', new RegExp(`^jamfit ${version.replace(/\./g, '\\.')}$`)],
  [['info', '--help'], 0, 'out', /^usage: jamfit info\n\nShow versions.*\n\noptions:\n  --help, -h +show this help$/],
  [['jam', '-h'], 0, 'out', /\n  --input, -i <string> +JAM case JSON file .*\(required\)\n  --output, -o <string> .*\n  --align <string> .*\n  --help, -h +show this help$/],
  [['jam'], 2, 'err', /^jamfit jam: missing --input \(JAM case JSON file/],
  [['jam', '--input', 'x.json', '--bogus'], 2, 'err', /^jamfit jam: unknown option '--bogus'; known options: --input, --output, --align$/],
  [['map', '--pixel'], 2, 'err', /^jamfit map: option --pixel needs a value/],
  [['map', '--input', 'x.json', '--pixel', 'big'], 2, 'err', /^jamfit map: option --pixel = 'big' is not a number/],
  [['fit-everything'], 2, 'err', /^jamfit: unknown command 'fit-everything'; run 'jamfit --help' for the list$/],
  [['jam', '--input', join(ROOT, 'nope.json')], 2, 'err', /nope\.json: cannot be read \(ENOENT\); check the path$/],
];

for (const [argv, code, stream, re] of cases) {
  test(`jamfit ${argv.join(' ') || '(no arguments)'}: exit ${code}, ${stream === 'out' ? 'stdout' : 'stderr'} ${re}`, async () => {
    const r = await runCli(argv);
    assert.equal(r.code, code, r.err);
    assert.match(r[stream], re);
    // The other stream stays empty: no help text mixed into data, no stray warnings.
    assert.equal(r[stream === 'out' ? 'err' : 'out'], '');
  });
}

test('every command\'s --help has no empty section and lists --help', async () => {
  for (const name of Object.keys(commands)) {
    const r = await runCli([name, '--help']);
    assert.equal(r.code, 0);
    const lines = r.out.split('\n');
    lines.forEach((l, i) => {
      if (/^[a-z]+:$/.test(l)) assert.match(lines[i + 1] ?? '', /^  \S/, `${name} --help: section '${l}' is empty`);
    });
    assert.match(r.out, /\n  --help, -h +show this help$/);
  }
});

test('real process: no command exits 2 with usage on stderr; --version exits 0 (bin/jamfit.js)', () => {
  const none = runBin([]);
  assert.equal(none.code, 2);
  assert.equal(none.out, '');
  assert.match(none.err, /^usage: jamfit <command>/);
  const v = runBin(['--version'], join(ROOT, 'test'));
  assert.equal(v.code, 0, v.err);
  assert.equal(v.out, `jamfit ${version}\n`);
});
