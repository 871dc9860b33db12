/**
 * `jamfit fit --config galaxy.toml` (src/cli/config-file.ts) and its TOML subset (src/data/toml.ts):
 * the parser's values and its errors' line numbers; a fit from flags and the fit from the
 * config.toml it wrote give identical chains; a hand-written config with relative paths gives
 * the same chain as the flags; a command-line flag overrides the file; bad files exit 2 with one
 * line naming the file, the line and the key, and write nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { parseToml, tomlLiteral, TomlError } from '../../src/data/toml.ts';
import { readConfigFile } from '../../src/cli/config-file.ts';
import { fitOptions } from '../../src/cli/cmd-fit.ts';
import { ROOT, runBin, runCli } from './run-cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'jamfit-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const MOCK = join(ROOT, 'fixtures/examples/mock-galaxy');

test('TOML subset: strings, numbers, booleans, arrays, comments', () => {
  const t = parseToml(
    [
      '# a comment',
      'a = "x \\"q\\" \\u00e9 # not a comment" # a comment',
      "b = 'C:\\raw'",
      'c = -1_000',
      'd = 6.02e23',
      'e = true',
      'f = [1, 2.5, "s",',
      '  [false], # inside',
      ']',
      '"quoted key" = -0.5',
      'g = inf',
      '',
    ].join('\n'),
  );
  assert.deepEqual(Object.fromEntries([...t].map(([k, v]) => [k, v.value])), { a: 'x "q" é # not a comment', b: 'C:\\raw', c: -1000, d: 6.02e23, e: true, f: [1, 2.5, 's', [false]], 'quoted key': -0.5, g: Infinity });
  assert.equal(t.get('f')!.line, 7);
  assert.equal(t.get('quoted key')!.line, 10);
  for (const v of ['tab\there "q" \\ \u007f é', 0.1, -5e-324, 1e21, 123456789, true, [1, 'x', [false]]]) {
    assert.deepEqual(parseToml(`k = ${tomlLiteral(v as never)}`).get('k')!.value, v, `round trip of ${JSON.stringify(v)}`);
  }
});

test('TOML subset: errors name the line', () => {
  const cases: [string, number, RegExp][] = [
    ['a = 1\nb = "open\nc = 2', 2, /unterminated string/],
    ['a = 1\n\na = 2', 3, /set twice \(first on line 1\)/],
    ['[fit]\na = 1', 1, /tables .* not supported/],
    ['a = 1\nb = [1, 2\n', 2, /unterminated array/],
    ['a = 1 2', 1, /unexpected/],
    ['a = yes', 1, /not a value/],
    ['a.b = 1', 1, /dotted keys/],
    ['x = \n', 1, /no value/],
    ['k = 1979-05-27', 1, /dates are not supported/],
    ['k = 01', 1, /not a value/],
    ['k = "\\q"', 1, /unknown escape/],
  ];
  for (const [text, line, re] of cases) {
    assert.throws(() => parseToml(text), (e: Error) => e instanceof TomlError && e.line === line && re.test(e.message), `${JSON.stringify(text)}: line ${line} ${re}`);
  }
});

test('config keys map onto the fit options: types, lists joined, paths relative to the file', () => {
  const dir = join(tmp, 'map');
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'g.toml');
  writeFileSync(f, `kinematics = "${relative(dir, join(MOCK, 'kinematics.csv'))}"\nphotometry = "${relative(dir, join(MOCK, 'photometry.json'))}"\ndistance = 20\npsf-sigma = [1.06, 2]\npa = -54\nmass-model = "light"\nexact = true\nout = "runs/x"\n`);
  const v = readConfigFile(f, fitOptions);
  assert.deepEqual(v, { kinematics: join(MOCK, 'kinematics.csv'), photometry: join(MOCK, 'photometry.json'), distance: 20, 'psf-sigma': '1.06,2', pa: '-54', 'mass-model': 'light', exact: true, out: join(dir, 'runs/x') });
});

/** Bad config files: each exits 2 with one line naming file:line and the key, and writes nothing. */
test('bad config files exit 2 with one line naming the file, line and key; nothing is written', async () => {
  const out = join(tmp, 'never');
  const good = `kinematics = "${join(MOCK, 'kinematics.csv')}"\nphotometry = "${join(MOCK, 'photometry.json')}"\ndistance = 20\nout = "${out}"\n`;
  const cases: [string, string, RegExp][] = [
    ['unknown key', good + 'mass_modle = "light"\n', /bad\.toml:5: key 'mass_modle': unknown option; did you mean 'mass-model'\?/],
    ['wrong type (number as string)', good + 'steps = "20"\n', /bad\.toml:5: key 'steps': must be a finite number .*not a string "20"/],
    ['wrong type (boolean)', good + 'exact = "yes"\n', /bad\.toml:5: key 'exact': must be true or false/],
    ['wrong type (string option given a boolean)', good + 'pa = true\n', /bad\.toml:5: key 'pa': must be a string/],
    ['missing path', good.replace('photometry.json', 'nope.json'), /bad\.toml:2: key 'photometry': no such file: .*nope\.json/],
    ['a list for a path', good + 'truth = ["a", "b"]\n', /bad\.toml:5: key 'truth': must be one path/],
    ['TOML syntax', good + 'seed = 1 2\n', /bad\.toml:5: unexpected/],
    ['the config key itself', good + 'config = "x.toml"\n', /bad\.toml:5: key 'config': cannot be set in a config file/],
  ];
  for (const [what, text, re] of cases) {
    const f = join(tmp, 'bad.toml');
    writeFileSync(f, text);
    const r = await runCli(['fit', '--config', f]);
    assert.equal(r.code, 2, `${what}: exit ${r.code}; ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, `${what}: one line, got ${r.err}`);
    assert.match(r.err, re, what);
    assert.ok(!existsSync(out), `${what}: ${out} was written`);
  }
  const r = await runCli(['fit', '--config', join(tmp, 'absent.toml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /absent\.toml: cannot read the config file \(ENOENT\)/);
});

test('round trip: flags, the written config.toml, and a hand-written config give identical chains; flags override the file', () => {
  const flags = ['--photometry', join(MOCK, 'photometry.json'), '--distance', '20', '--psf-sigma', '1', '--pixsize', '3', '--steps', '20', '--walkers', '12', '--seed', '7'];
  const a = join(tmp, 'a');
  let r = runBin(['fit', join(MOCK, 'kinematics.csv'), ...flags, '--out', a]);
  assert.equal(r.code, 0, r.err);
  const toml = readFileSync(join(a, 'config.toml'), 'utf8');
  assert.match(toml, /^steps = 20$/m);
  assert.match(toml, /^mass-model = "qm"$/m);

  const b = join(tmp, 'b');
  r = runBin(['fit', '--config', join(a, 'config.toml'), '--out', b]);
  assert.equal(r.code, 0, r.err);
  assert.ok(readFileSync(join(a, 'chain.npy')).equals(readFileSync(join(b, 'chain.npy'))), 'chain from config.toml differs from the chain from flags');

  // Hand-written, relative paths, the file's own folder elsewhere; run from another cwd.
  const dir = join(tmp, 'cfg');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'galaxy.toml'),
    `# the bundled mock\nkinematics = "${relative(dir, join(MOCK, 'kinematics.csv'))}"\nphotometry = "${relative(dir, join(MOCK, 'photometry.json'))}"\ndistance = 20\npsf-sigma = [1]\npixsize = 3\nsteps = 20\nwalkers = 12\nseed = 7\nout = "c"\n`,
  );
  r = runBin(['fit', '--config', join(dir, 'galaxy.toml')], tmpdir());
  assert.equal(r.code, 0, r.err);
  assert.ok(readFileSync(join(a, 'chain.npy')).equals(readFileSync(join(dir, 'c', 'chain.npy'))), 'chain from the hand-written config differs');

  // A flag overrides the file, even when it equals the option's default (--seed 1).
  const d = join(tmp, 'd');
  r = runBin(['fit', '--config', join(dir, 'galaxy.toml'), '--seed', '1', '--out', d]);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(join(d, 'config.toml'), 'utf8'), /^seed = 1$/m);
  assert.ok(!readFileSync(join(a, 'chain.npy')).equals(readFileSync(join(d, 'chain.npy'))), '--seed 1 did not override seed = 7');
});
