/**
 * Axis profiles (src/plots/axis-profile.ts): which bins fall in each slit and the model band.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { Rng } from '../../samplers/rng.ts';
import { axisProfiles, axisProfileSvg } from '../../src/plots/axis-profile.ts';

const rng = new Rng(12);
const N = 300;
const x = Array.from({ length: N }, () => 20 * (rng.uniform() - 0.5));
const y = Array.from({ length: N }, () => 16 * (rng.uniform() - 0.5));
const data = x.map((a, i) => 200 - Math.hypot(a, y[i]));
const err = data.map(() => 5);
const DRAWS = 201;
const models = Array.from({ length: DRAWS }, () => data.map((d) => d + 10 * rng.normal()));
const good = x.map((_, i) => (i % 17 === 0 ? 0 : 1));

test('the slits hold exactly the used bins within half the width of each axis, sorted along it', () => {
  const w = 2.5;
  const { major, minor } = axisProfiles({ x, y, data, err, models, slitWidth: w, good });
  const expect = (across: number[]) => x.map((_, i) => i).filter((i) => good[i] && Math.abs(across[i]) <= w / 2);
  assert.deepEqual([...major.index].sort((a, b) => a - b), expect(y));
  assert.deepEqual([...minor.index].sort((a, b) => a - b), expect(x));
  assert.ok(major.index.length > 20 && minor.index.length > 20, 'both slits populated');
  for (let k = 1; k < major.coord.length; k++) assert.ok(major.coord[k] >= major.coord[k - 1]);
  major.index.forEach((i, k) => {
    assert.equal(major.coord[k], x[i]);
    assert.equal(major.data[k], data[i]);
    assert.equal(major.err[k], err[i]);
  });
  minor.index.forEach((i, k) => assert.equal(minor.coord[k], y[i]));
});

test('the band is the 16/50/84% quantiles of the model draws at each bin', () => {
  const { major } = axisProfiles({ x, y, data, err, models, slitWidth: 2 });
  major.index.forEach((i, k) => {
    const v = models.map((m) => m[i]);
    const below = (q: number) => v.filter((u) => u <= q).length / DRAWS;
    // Type-7 quantiles: the empirical CDF at them is within one draw of p.
    assert.ok(Math.abs(below(major.lo[k]) - 0.16) <= 1 / DRAWS, `lo at bin ${i}`);
    assert.ok(Math.abs(below(major.hi[k]) - 0.84) <= 1 / DRAWS, `hi at bin ${i}`);
    // 201 draws: the median is the 101st order statistic exactly.
    assert.equal(major.median[k], [...v].sort((a, b) => a - b)[100]);
  });
  const wide = axisProfiles({ x, y, data, err, models, slitWidth: 2 }, [0.025, 0.5, 0.975]).major;
  assert.ok(wide.lo.every((v, k) => v < major.lo[k]) && wide.hi.every((v, k) => v > major.hi[k]), 'a 95% band is wider');
});

test('the SVG: one band, one median line, one error-bar path and one dot path per panel', () => {
  const svg = axisProfileSvg({ x, y, data, err, models, slitWidth: 2 });
  assert.equal((svg.match(/fill-opacity="0.35" stroke="none"/g) ?? []).length, 2);
  assert.equal((svg.match(/<path d="M[^"]*" fill="black"\/>/g) ?? []).length, 2);
  assert.ok((svg.match(/</g) ?? []).length < 120, 'compact');
  assert.ok(svg.includes('major axis (') && svg.includes('minor axis ('));
});

test('bad input: one-line InputErrors naming the field', () => {
  const throwsAt = (fn: () => unknown, where: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputError && where.test(e.where) && !e.message.includes('\n'));
  const ok = { x, y, data, err, models, slitWidth: 2 };
  throwsAt(() => axisProfiles({ ...ok, slitWidth: 0 }), /^slitWidth$/);
  throwsAt(() => axisProfiles({ ...ok, models: [] }), /^models$/);
  throwsAt(() => axisProfiles({ ...ok, models: [[1, 2]] }), /^models\[0\]$/);
  throwsAt(() => axisProfiles({ ...ok, err: err.map((e, i) => (i === 3 ? -1 : e)) }), /^err\[3\]$/);
  throwsAt(() => axisProfiles({ ...ok, data: [1] }), /^data$/);
  throwsAt(() => axisProfiles(ok, [0.5, 0.4, 0.9]), /^quantiles$/);
});
