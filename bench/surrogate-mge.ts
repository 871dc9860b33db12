/**
 * `npm run bench -- surrogate-mge`: the multi-component surrogate (src/engines/surrogate-mge.ts,
 * shipped model fixtures/surrogate-mge) on NGC 6278 (152 bins, PSF, mass follows light):
 *  - the encoder's pass alone (polar image + PCA projection + domain check: what reads the
 *    photometry in place of the Sérsic surrogate's CNN; issue 19's "CNN pass", target <= 5 ms),
 *    and the per-galaxy inputs with the exact reference map when the model has one;
 *  - the inclination table (network maps at a few beta_z per node, fitted by P + b Q, corrected
 *    by the default exact anchors, through W), and the anchors alone, against the tabulated exact engine's table build on the same galaxy, both in this run;
 *  - the likelihood per evaluation (log posterior with the fractional systematic term), against
 *    the tabulated exact engine on the same data, both measured in this run (issue 19's target:
 *    <= 3 us per evaluation).
 */
import { buildFitProblem } from '../src/fit/fit-problem.ts';
import { mflGalaxy, SHIPPED_MGE_DIR } from '../src/engines/surrogate-mge.ts';
import { loadMflSurrogate, mflFeatures } from '../src/surrogate/mfl/model.ts';
import { mflAnchors, MFL_ANCHORS, MFL_SMOOTH_NODES } from '../src/surrogate/mfl/anchors.ts';
import { fitRange } from '../src/surrogate/mfl/beta-projection.ts';
import { inHalfLightUnits } from '../src/photometry/half-light.ts';
import { deprojectionLimitDeg } from '../src/jam/deproject.ts';
import { Rng } from '../samplers/rng.ts';
import { ngc6278Spec } from '../test/engines/tabulated-helpers.ts';
import { perEvalUs, timeMs, type BenchRow } from './table.ts';


export async function run(): Promise<BenchRow[]> {
  const spec = ngc6278Spec({ systematics: 'fraction' });
  const s = loadMflSurrogate(SHIPPED_MGE_DIR);
  const light = { surf: Float64Array.from(spec.light.surf), sigma: Float64Array.from(spec.light.sigma), qobs: Float64Array.from(spec.light.qobs) };
  const hl = inHalfLightUnits(light, 'ngc6278').mge;
  const encoder = await timeMs(() => mflFeatures(s, hl), 21, 3);
  const prep = await timeMs(() => mflGalaxy(s, light, spec.distanceMpc), 21, 3);
  const g = mflGalaxy(s, light, spec.distanceMpc);
  const incLo = deprojectionLimitDeg(g.qMin) + 1e-6;
  const fitHi = fitRange(s, g, incLo, 90);
  const anchors = await timeMs(() => mflAnchors(s, g, g.mge, incLo, 90, fitHi, MFL_ANCHORS), 3, 1);
  let t0 = performance.now();
  const sur = buildFitProblem({ ...spec, engine: 'surrogate' });
  const buildSur = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const tab = buildFitProblem({ ...spec, engine: 'tabulated' });
  const buildTab = (performance.now() - t0) / 1000;
  const rng = new Rng('bench-surrogate-mge');
  const xs = Array.from({ length: 64 }, () => sur.prior.draw(rng));
  const usSur = perEvalUs(sur.logProb, xs, 2000);
  const usTab = perEvalUs(tab.logProb, xs, 2000);
  const a = s.manifest.mlp;
  return [
    { name: `multi-component surrogate: the encoder's pass (polar image, PCA ${s.pca.k}, domain check), NGC 6278`, value: encoder, unit: 'ms', target: '<= 5 ms', pass: encoder <= 5 },
    { name: `per-galaxy inputs (the encoder${s.manifest.reference ? ' and the exact edge-on reference map' : ''}), NGC 6278`, value: prep, unit: 'ms' },
    { name: `${MFL_ANCHORS} exact anchors (exact P, Q maps and the network's fitted maps at each), NGC 6278`, value: anchors, unit: 'ms' },
    { name: `whole preparation (inputs, ${MFL_ANCHORS} anchors, ${MFL_SMOOTH_NODES} smoothed network maps, the inclination table: ${sur.table!.nodes} nodes), NGC 6278, one thread`, value: buildSur, unit: 's', reference: buildTab, referenceName: `tabulated exact engine's table (${tab.table!.nodes} nodes)`, referenceSource: 'measured in this run', ratio: buildTab / buildSur },
    { name: `likelihood per evaluation, NGC 6278 152 bins, multi-component surrogate (MLP ${a.hidden.join('x')} tabulated in inclination)`, value: usSur, unit: 'us', target: '<= 3 us', pass: usSur <= 3, reference: usTab, referenceName: 'tabulated exact engine', referenceSource: 'measured in this run', ratio: usTab / usSur },
  ];
}
