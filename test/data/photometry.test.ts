/** Photometry readers: Sérsic JSON and MGE tables (DYNAMITE's mge.ecsv, CSV), with bad input. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { readPhotometry } from '../../src/data/photometry.ts';

const dir = mkdtempSync(join(tmpdir(), 'jamfit-phot-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test("DYNAMITE's mge.ecsv (ECSV 0.9, block-style datatypes, PA_twist = 0) as written", () => {
  const p = readPhotometry('fixtures/ngc6278/mge.ecsv');
  assert.equal(p.kind, 'mge');
  if (p.kind !== 'mge') return;
  assert.deepEqual([...p.mge.surf], [26819.14, 2456.39, 456.8, 645.49, 14.73, 123.85]);
  assert.deepEqual([...p.mge.sigma], [0.49416, 2.04299, 2.44313, 6.5305, 17.41488, 21.84711]);
  assert.deepEqual([...p.mge.qobs], [0.89541, 0.79093, 0.9999, 0.55097, 0.9999, 0.55097]);
  assert.equal(Math.min(...p.mge.qobs), 0.55097);
});

test('MGE CSV with aliases (surf_lsun_pc2, qobs) and an ignored column', () => {
  const p = readPhotometry(file('m.csv', 'surf_lsun_pc2,sigma,qobs,comment\n1000,1.5,0.8,inner\n100,10,0.6,outer\n'));
  assert.ok(p.kind === 'mge');
  if (p.kind !== 'mge') return;
  assert.deepEqual([...p.mge.surf], [1000, 100]);
  assert.deepEqual([...p.mge.qobs], [0.8, 0.6]);
  assert.deepEqual(p.notes, ['ignored columns: comment']);
});

test('Sérsic JSON becomes sersicToMge parameters', () => {
  const p = readPhotometry(file('s.json', JSON.stringify({ name: 'demo', sersic: { n: 3.5, re_arcsec: 12, q: 0.72, ie_lsun_pc2: 250 } })));
  assert.deepEqual(p, { kind: 'sersic', params: { n: 3.5, Re: 12, Ie: 250, qobs: 0.72 }, source: join(dir, 's.json') });
});

const sersic = (o: Record<string, unknown>) => JSON.stringify({ sersic: { n: 4, re_arcsec: 10, q: 0.7, ie_lsun_pc2: 100, ...o } });
const BAD: [string, string, string, RegExp][] = [
  ['empty JSON', 'e.json', '', /e\.json: is empty/],
  ['not JSON', 'nj.json', '{sersic', /nj\.json: is not valid JSON/],
  ['no sersic key', 'ns.json', '{"n": 4}', /ns\.json: sersic: is missing/],
  ['n too large', 'n.json', sersic({ n: 25 }), /n\.json: sersic\.n: is 25; give a Sérsic index in \[0\.2, 20\]/],
  ['n not a number', 'ns2.json', sersic({ n: '4' }), /ns2\.json: sersic\.n: is "4"/],
  ['re negative', 're.json', sersic({ re_arcsec: -1 }), /re\.json: sersic\.re_arcsec: is -1; give the effective radius in arcsec, > 0/],
  ['q above 1', 'q.json', sersic({ q: 1.2 }), /q\.json: sersic\.q: is 1\.2; give the observed axial ratio in \(0, 1\]/],
  ['q zero', 'q0.json', sersic({ q: 0 }), /q0\.json: sersic\.q: is 0/],
  ['ie zero', 'ie.json', sersic({ ie_lsun_pc2: 0 }), /ie\.json: sersic\.ie_lsun_pc2: is 0/],
  ['misspelt key', 'k.json', JSON.stringify({ sersic: { n: 4, re_arcsecs: 10, q: 0.7, ie_lsun_pc2: 100 } }), /k\.json: sersic\.re_arcsecs: unknown key \(did you mean 're_arcsec'\?\)/],
  ['missing key', 'mk.json', JSON.stringify({ sersic: { n: 4, q: 0.7, ie_lsun_pc2: 100 } }), /mk\.json: sersic\.re_arcsec: is missing/],
  ['MGE missing q', 'mq.csv', 'surf,sigma\n1,2\n', /mq\.csv: has no column 'q' .*columns found: surf, sigma/],
  ['MGE q above 1', 'mq1.csv', 'surf,sigma,q\n1,2,0.5\n1,3,1.5\n', /mq1\.csv:row 3 column q: is 1\.5; observed axial ratios must lie in \(0, 1\]/],
  ['MGE sigma zero', 'ms.csv', 'surf,sigma,q\n1,0,0.5\n', /ms\.csv:row 2 column sigma: is 0; dispersions must be > 0/],
  ['MGE negative surf', 'mn.csv', 'I,sigma,q\n-1,1,0.5\n', /mn\.csv:row 2 column I: is -1; surface densities must be >= 0/],
  ['MGE text', 'mt.csv', 'surf,sigma,q\n1,wide,0.5\n', /mt\.csv:row 2 column sigma: is 'wide', not a number/],
  ['MGE twist', 'tw.ecsv', '# %ECSV 1.0\n# ---\n# datatype:\n# - {name: I, datatype: float64}\n# - {name: sigma, datatype: float64}\n# - {name: q, datatype: float64}\n# - {name: PA_twist, datatype: float64}\nI sigma q PA_twist\n10 1 0.8 0.0\n5 3 0.7 5.0\n', /tw\.ecsv:row 10 column PA_twist: is 5; twisted MGEs are not supported/],
  ['MGE empty', 'me.csv', '', /me\.csv: is empty/],
  ['unknown format', 'p.fits', '', /p\.fits: unknown photometry format '\.fits'/],
];
for (const [label, name, text, message] of BAD) {
  test(`bad photometry: ${label}`, () => {
    assert.throws(() => readPhotometry(file(name, text)), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, message);
      assert.ok(e.where.startsWith(join(dir, name)), e.where);
      return true;
    });
  });
}
