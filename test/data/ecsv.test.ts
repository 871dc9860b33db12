/** The ECSV header's YAML subset and data rows, checked against what astropy writes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEcsv, parseYamlSubset } from '../../src/data/ecsv.ts';

const y = (text: string) => parseYamlSubset(text.split('\n').map((t, i) => ({ text: t, line: i + 1 })), 'h');

test('YAML: flow and block datatypes, omap meta with nested lists, quoted scalars, tags', () => {
  const v = y([
    'datatype:',
    '- {name: a, unit: km / s, datatype: float64, description: "quoted, with comma"}',
    '- name: b',
    '  datatype: int64',
    "  description: 'it''s'",
    'delimiter: \',\'',
    'meta: !!omap',
    '- PSF:',
    '    sigma: [1.06, 2]',
    '    weight: [1.0, 0.5]',
    '- note: plain text here',
    '- flags: {x: true, y: null}',
    '- empty: []',
    'schema: astropy-2.0',
  ].join('\n'));
  assert.deepEqual(v, {
    datatype: [
      { name: 'a', unit: 'km / s', datatype: 'float64', description: 'quoted, with comma' },
      { name: 'b', datatype: 'int64', description: "it's" },
    ],
    delimiter: ',',
    meta: { PSF: { sigma: [1.06, 2], weight: [1, 0.5] }, note: 'plain text here', flags: { x: true, y: null }, empty: [] },
    schema: 'astropy-2.0',
  });
});

test('ECSV: comma delimiter, quoted strings with the delimiter and doubled quotes, masked (empty) cells', () => {
  const t = parseEcsv([
    '# %ECSV 1.0', '# ---', '# datatype:', '# - {name: s, datatype: string}', '# - {name: v, datatype: float64}',
    "# delimiter: ','", '# schema: astropy-2.0', 's,v', '"a, b",1.5', '"say ""hi""",', 'plain,2',
  ].join('\n'), 't.ecsv');
  assert.deepEqual(t.names, ['s', 'v']);
  assert.deepEqual(t.columns[0], ['a, b', 'say "hi"', 'plain']);
  assert.deepEqual(t.columns[1], ['1.5', '', '2']);
  assert.deepEqual([t.rowNumber(0), t.rowNumber(2)], [9, 11]);
});

test('ECSV: space delimiter with runs of spaces and quoted strings containing spaces', () => {
  const t = parseEcsv(['# %ECSV 0.9', '# ---', '# datatype:', '# - {name: s, datatype: string}', '# - {name: v, datatype: int64}',
    's v', '"two words"   3', 'x 4'].join('\n'), 's.ecsv');
  assert.deepEqual(t.columns[0], ['two words', 'x']);
  assert.deepEqual(t.columns[1], ['3', '4']);
  assert.equal(t.version, '0.9');
});

test('ECSV header errors name the file and line', () => {
  assert.throws(() => parseEcsv('# %ECSV 2.0\n# ---\n', 'v.ecsv'), /v\.ecsv:row 1: ECSV version 2\.0 is not supported/);
  assert.throws(() => parseEcsv('# %ECSV 1.0\n# datatype:\n', 'd.ecsv'), /d\.ecsv: the ECSV header has no '# ---' line/);
  assert.throws(() => parseEcsv('# %ECSV 1.0\n# ---\n# schema: x\na\n1\n', 'n.ecsv'), /n\.ecsv: the ECSV header has no 'datatype' list/);
  assert.throws(() => parseEcsv('# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: float64}\n', 'r.ecsv'), /r\.ecsv: has an ECSV header but no column-name line/);
  assert.throws(() => parseEcsv('# %ECSV 1.0\n# ---\n# datatype:\n# - {name: a, datatype: float64}\na\n', 'e.ecsv'), /e\.ecsv: has an ECSV header but no data rows/);
  assert.throws(() => parseEcsv('', 'z.ecsv'), /z\.ecsv: is empty/);
});
