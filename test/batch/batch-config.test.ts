/**
 * The manifest's `config` column (src/batch/manifest.ts): a TOML file of a galaxy's fit options.
 * Four small surrogate fits (16 walkers x 20 steps) of the bundled mock galaxy check the
 * precedence row cells > the galaxy's config file > the batch command line > defaults, in each
 * galaxy's config.json: a file's `systematics = "none"` beats the command line's
 * `--systematics floor`, a row's pixsize cell beats the file's, a row without a config keeps the
 * command line, and a row with blank kinematics / photometry / distance takes them from its file
 * (paths relative to the file). Run again, nothing is refitted. A bad config file (unknown key,
 * a key the batch sets, a missing file) refuses the batch in one line naming file, line and key,
 * exit 2, nothing written.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runCli } from '../cli/run-cli.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-batch-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
const OUT = join(root, 'out');
const FIT = ['--steps', '20', '--walkers', '16', '--psf-sigma', '1', '--pixsize', '1', '--systematics', 'floor', '--workers', '1'];
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const cfg = (name: string) => json(join(OUT, name, 'config.json'));
let first = { code: -1, out: '', err: '' };

before(async () => {
  const m = join(ROOT, 'fixtures/examples/mock-galaxy');
  mkdirSync(join(root, 'data'));
  mkdirSync(join(root, 'cfg'));
  for (const f of ['kinematics.csv', 'photometry.json']) copyFileSync(join(m, f), join(root, 'data', f));
  writeFileSync(join(root, 'cfg/none.toml'), '# this galaxy: no systematic term\nsystematics = "none"\npixsize = 2\nwalkers = 18\n');
  // Everything from the file: the data paths are relative to it.
  writeFileSync(join(root, 'cfg/whole.toml'), 'kinematics = "../data/kinematics.csv"\nphotometry = "../data/photometry.json"\ndistance = 25\nmass-model = "light"\nsteps = 24\n');
  writeFileSync(
    join(root, 'survey.csv'),
    [
      'name,kinematics,photometry,distance_mpc,pixsize,config',
      'from_file,data/kinematics.csv,data/photometry.json,20,,cfg/none.toml',
      'cell_wins,data/kinematics.csv,data/photometry.json,20,3,cfg/none.toml',
      'whole,,,,,cfg/whole.toml',
      'plain,data/kinematics.csv,data/photometry.json,20,,',
    ].join('\n') + '\n',
  );
  first = await runCli(['batch', join(root, 'survey.csv'), '--out', OUT, ...FIT]);
});

test('a galaxy config sets its options over the command line; row cells override the file', () => {
  assert.equal(first.code, 0, first.err + first.out);
  const a = cfg('from_file');
  assert.deepEqual([a.systematics, a.pixsize, a.walkers, a.steps], ['none', 2, 18, 20]);
  const b = cfg('cell_wins');
  assert.deepEqual([b.systematics, b.pixsize, b.walkers], ['none', 3, 18]);
  const p = cfg('plain');
  assert.deepEqual([p.systematics, p.pixsize, p.walkers, p.steps], ['floor', 1, 16, 20]);
  const w = cfg('whole');
  assert.deepEqual([w.distance_mpc, w.mass_model, w.steps, w.systematics, w.pixsize], [25, 'light', 24, 'floor', 1]);
  assert.equal(w.kinematics, join(root, 'data/kinematics.csv'));
  // The summary's parameters follow: no f_sys / sys_kms without a systematic term.
  assert.ok(!('sys_kms' in json(join(OUT, 'from_file/summary.json')).parameters));
  assert.ok('sys_kms' in json(join(OUT, 'plain/summary.json')).parameters);
  const table = readFileSync(join(OUT, 'summary.csv'), 'utf8').trim().split('\n');
  assert.equal(table.length, 5);
  assert.ok(table.slice(1).every((l) => l.split(',')[1] === 'done'), table.join('\n'));
});

test('the same batch again refits nothing (the file\'s options are part of each galaxy\'s marker)', async () => {
  const r = await runCli(['batch', join(root, 'survey.csv'), '--out', OUT, ...FIT]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /4 of 4 galaxies, 4 already finished, 0 to fit/);
});

const bad: [string, string, RegExp][] = [
  ['an unknown key', 'walkers = 16\nmass_modle = "light"\n', /bad\.toml:2: key 'mass_modle': unknown option; did you mean 'mass-model'\?/],
  ['a wrong type', 'steps = "many"\n', /bad\.toml:1: key 'steps': must be a finite number/],
  ['a key the batch sets', '# x\nseed = 3\n', /bad\.toml:2: key 'seed': cannot be set in a galaxy's config file \(the batch derives each galaxy's seed from --seed and its name\); remove it/],
  ['a missing input file', 'truth = "nowhere.json"\n', /bad\.toml:1: key 'truth': no such file: .*nowhere\.json/],
];
for (const [what, text, re] of bad) {
  test(`a galaxy config with ${what}: the batch is refused in one line naming file, line and key, exit 2, nothing written`, async () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    writeFileSync(join(dir, 'bad.toml'), text);
    writeFileSync(join(dir, 'survey.csv'), `name,kinematics,photometry,distance_mpc,config\ng,${join(root, 'data/kinematics.csv')},${join(root, 'data/photometry.json')},20,bad.toml\n`);
    const out = join(dir, 'out');
    const r = await runCli(['batch', join(dir, 'survey.csv'), '--out', out, ...FIT]);
    assert.equal(r.code, 2, r.err + r.out);
    assert.match(r.err, re);
    assert.equal(r.err.split('\n').length, 1, r.err);
    assert.equal(existsSync(out), false);
  });
}

test('a config cell naming no file, and blank data cells without a config to fill them, are refused', async () => {
  const dir = mkdtempSync(join(root, 'bad-'));
  writeFileSync(join(dir, 'survey.csv'), `name,kinematics,photometry,distance_mpc,config\ng,${join(root, 'data/kinematics.csv')},${join(root, 'data/photometry.json')},20,missing.toml\n`);
  let r = await runCli(['batch', join(dir, 'survey.csv'), '--out', join(dir, 'o'), ...FIT]);
  assert.equal(r.code, 2);
  assert.match(r.err, /missing\.toml: cannot read the config file \(ENOENT\)/);
  writeFileSync(join(dir, 'c.toml'), 'steps = 30\n');
  writeFileSync(join(dir, 'survey.csv'), `name,kinematics,photometry,distance_mpc,config\ng,,${join(root, 'data/photometry.json')},20,c.toml\n`);
  r = await runCli(['batch', join(dir, 'survey.csv'), '--out', join(dir, 'o'), ...FIT]);
  assert.equal(r.code, 2);
  assert.match(r.err, /survey\.csv:row 2 column kinematics: is empty; give the kinematics file of g \(or set it in its config file c\.toml\)/);
  assert.equal(existsSync(join(dir, 'o')), false);
});
