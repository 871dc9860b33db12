/**
 * rankAmong on cases with known answers: the rank counts the draws below the truth; a tie is
 * broken uniformly (each of the t + 1 places with frequency 1/(t + 1), 4 binomial sd over 6000
 * seeded calls); the PIT lies in [rank, rank + 1)/(L + 1) and is uniform there (KS p > 0.01).
 * And defaultRankBins picks a divisor of L + 1 with >= 5 expected per bin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../samplers/rng.ts';
import { defaultRankBins, rankAmong } from '../../src/validate/sbc.ts';
import { ksUniform } from '../../src/validate/uniformity.ts';

test('rank = draws below the truth; the PIT fills [rank, rank + 1)/(L + 1) uniformly', () => {
  const rng = new Rng('ranks');
  const u: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const r = rankAmong(5, [7, 1, 6, 2, 3, 4], rng);
    assert.equal(r.rank, 4);
    assert.ok(r.pit >= 4 / 7 && r.pit < 5 / 7, `${r.pit}`);
    u.push(r.pit * 7 - 4);
  }
  assert.ok(ksUniform(u).p > 0.01, `p ${ksUniform(u).p}`);
  assert.equal(rankAmong(0, [1, 2], rng).rank, 0);
  assert.equal(rankAmong(3, [1, 2], rng).rank, 2);
});

test('a truth tied with 2 draws takes each of its 3 possible ranks with frequency 1/3', () => {
  const rng = new Rng('ties');
  const counts = [0, 0, 0, 0, 0];
  const reps = 6000;
  for (let i = 0; i < reps; i++) counts[rankAmong(2, [1, 2, 2, 3], rng).rank]++;
  assert.equal(counts[0] + counts[4], 0);
  const sd = Math.sqrt(((1 / 3) * (2 / 3)) / reps);
  for (const c of counts.slice(1, 4)) assert.ok(Math.abs(c / reps - 1 / 3) < 4 * sd, `${counts}`);
});

test('defaultRankBins: L = 99 gives 20 bins at n = 400 and 10 at n = 50; L = 9 gives 2 at n = 2', () => {
  assert.equal(defaultRankBins(99, 400), 20);
  assert.equal(defaultRankBins(99, 50), 10);
  assert.equal(defaultRankBins(9, 2), 2);
});
