/** momentsFitPanels (src/plots/bin-map.ts): V and sigma data / model / residual panels of a v-sigma fit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { momentsFitMapsSvg, momentsFitPanels } from '../../src/plots/bin-map.ts';

const bins = { x: [-2, -1, 1, 2, 0], y: [0, 1, -1, 0, 2], v: [-30, -12, 14, 28, 1], vErr: [2, 2, 4, 2, 1], sigma: [60, 70, 72, 58, 65], sigmaErr: [3, 3, 3, 6, 3] };
const model = { v: [-28, -14, 12, 30, 0], sigma: [63, 69, 70, 61, 66] };

test('six panels: V data/model on one symmetric diverging scale, sigma data/model on one scale, residuals (d - m)/err on [-3, 3]', () => {
  const p = momentsFitPanels(bins, model);
  assert.deepEqual(p.map((q) => q.title), ['V data', 'V model', 'V residual', 'sigma data', 'sigma model', 'sigma residual']);
  assert.deepEqual(p[0].range, p[1].range);
  assert.equal(p[0].range[0], -p[0].range[1]);
  assert.ok(p[0].range[1] >= 28 && p[0].range[1] <= 30);
  assert.deepEqual(p[3].range, p[4].range);
  assert.deepEqual(Array.from(p[2].values), [-1, 1, 0.5, -1, 1]);
  assert.deepEqual(Array.from(p[5].values), [-1, 1 / 3, 2 / 3, -0.5, -1 / 3]);
  assert.deepEqual(p[2].range, [-3, 3]);
  assert.match(momentsFitMapsSvg(bins, model), /^<svg/);
  assert.throws(() => momentsFitPanels({ ...bins, vErr: [2, 2, 0, 2, 1] }, model), (e: unknown) => e instanceof InputError && /vErr/.test(e.where));
  assert.throws(() => momentsFitPanels(bins, { ...model, v: [1, 2] }), (e: unknown) => e instanceof InputError && /model\.v/.test(e.where));
});
