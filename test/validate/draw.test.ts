/**
 * The validation galaxies: pure in (seed, k); every truth inside the fit's prior for its full
 * Sérsic MGE (the fit builds its prior from that, draw.ts from a one-Gaussian stand-in of the same
 * q'); the marginals that are known exactly are the known distributions (KS, fixed seed); and the
 * prior sd of log10 M/L, uniform on [-1, 1], is 2/sqrt(12).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitPrior } from '../../likelihoods/fit-prior.ts';
import { sersicToMge } from '../../src/photometry/sersic-mge.ts';
import { drawMock, priorSd } from '../../src/validate/draw.ts';
import { ksUniform } from '../../src/validate/uniformity.ts';

test('drawMock is a pure function of (seed, k); the noise and fit seeds differ', () => {
  assert.deepEqual(drawMock(3, 5), drawMock(3, 5));
  assert.notDeepEqual(drawMock(3, 5).truth, drawMock(3, 6).truth);
  assert.notDeepEqual(drawMock(3, 5).truth, drawMock(4, 5).truth);
  const d = drawMock(3, 5);
  assert.notEqual(d.mockSeed, d.fitSeed);
});

test('400 draws: every truth has finite prior density under the fit prior of its full MGE; n, q_L, log10 M/L uniform (KS p > 0.01)', () => {
  const N = 400;
  const n: number[] = [];
  const q: number[] = [];
  const ml: number[] = [];
  for (let k = 0; k < N; k++) {
    const d = drawMock(11, k);
    if (k < 40) {
      // Building the full MGE costs ~ms: check the first 40.
      const mge = sersicToMge({ n: d.sersic!.n, Re: d.sersic!.re_arcsec, Ie: d.sersic!.ie_lsun_pc2, qobs: d.sersic!.q });
      const prior = fitPrior({ massModel: 'qm', mlMode: 'sample', light: mge });
      assert.ok(prior.logPrior(d.truth) > -Infinity, `mock ${k}: ${d.truth}`);
      assert.deepEqual([Array.from(prior.lo), Array.from(prior.hi)], [d.lo, d.hi]);
    }
    n.push((d.sersic!.n - 1) / 5);
    q.push((d.sersic!.q - 0.4) / 0.6);
    // M/L is not constrained by the light, so its marginal stays log-uniform on [0.1, 10].
    ml.push((d.truth[3] + 1) / 2);
  }
  for (const [name, u] of [['n', n], ['q_L', q], ['log10_ml', ml]] as const) assert.ok(ksUniform(u).p > 0.01, `${name}: p ${ksUniform(u).p}`);
});

test('priorSd: log10 M/L has the sd of U[-1, 1], 2/sqrt(12), within 4 Monte-Carlo sd (1/sqrt(2 m) relative at m = 4000)', () => {
  const m = 4000;
  const sd = priorSd(m);
  const want = 2 / Math.sqrt(12);
  // For a uniform, the sd's relative MC error is sqrt((kurtosis - 1)/(4 m)) = sqrt(0.8/(4 m)) < 1/sqrt(2 m).
  assert.ok(Math.abs(sd[3] / want - 1) < 4 / Math.sqrt(2 * m), `${sd[3]} vs ${want}`);
  assert.ok(sd.every((v) => v > 0));
});
