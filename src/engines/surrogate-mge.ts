/**
 * The multi-component surrogate as an Engine (engine.ts; issue 19): any light MGE, mass following
 * the light, one beta_z, cylindrical alignment. `--engine surrogate --mass-model light` selects it
 * (registry.ts engineFor); `auto` does not yet (its accuracy is stated in
 * src/surrogate/mfl/README.md and not yet at the bar auto needs).
 *
 * Per galaxy (prepare): the MGE in half-light units (surf / I_e, sigma / R_e: photometry/
 * half-light.ts), its polar image projected on the training family's PCA basis (the features,
 * the first layer's bias folded once), the exact reference map when the model has one
 * (src/surrogate/mfl/reference.ts), and the domain check: the image's PCA residual against the
 * largest residual of the training galaxies (an image the basis cannot represent is outside the
 * family, and is refused in one line naming the measure).
 * Per call: the MLP at (beta_z, i) gives ln v on the theta-log r grid; V_rms^2 = G (M/L) I_e
 * R_e[pc] v^2 at the grid nodes (arcsec: the grid in R_e times R_e in arcsec), and the likelihood
 * applies W. Prior limits: the training box of beta_z, beta_z < epsFactor eps_intr of the
 * luminosity-weighted q', and the deprojection limit of the flattest Gaussian.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DomainError, InputError } from '../../core/errors.ts';
import { EXACT_LIMITS } from '../../likelihoods/fit-prior.ts';
import type { GridModel, GridParams } from '../../likelihoods/grid-model.ts';
import { G_KMS2_PC_MSUN, pcPerArcsec } from '../jam/constants.ts';
import { intrinsicQ } from '../jam/deproject.ts';
import { outsidePolarGrid, makePolarGrid, type PolarGrid } from '../operator/polar-grid.ts';
import { inHalfLightUnits } from '../photometry/half-light.ts';
import type { Mge } from '../photometry/mge.ts';
import { silu } from '../surrogate/mlp.ts';
import { loadMflSurrogate, mflInputRow, mflPrepare, type MflPrepared, type MflSurrogate } from '../surrogate/mfl/model.ts';
import { MFL_BETA_RANGE } from '../surrogate/mfl/rows.ts';
import type { Engine, EngineGalaxy } from './engine.ts';

/** The shipped multi-component model (fixtures/surrogate-mge). */
export const SHIPPED_MGE_DIR = fileURLToPath(new URL('../../fixtures/surrogate-mge/', import.meta.url));

const models = new Map<string, MflSurrogate>();
function cachedMfl(dir: string): MflSurrogate {
  let s = models.get(dir);
  if (!s) {
    if (!existsSync(dir)) throw new InputError('surrogate', `no multi-component surrogate at ${dir}; train one with \`jamfit train --family mge\` or use --engine tabulated`);
    s = loadMflSurrogate(dir);
    models.set(dir, s);
  }
  return s;
}

/** The network's per-galaxy inputs (features, reference map, q') and the galaxy's physical scale. */
export interface MflGalaxy extends MflPrepared {
  surrogate: MflSurrogate;
  /** Half-light semi-major axis (arcsec) and surface brightness there (Lsun/pc^2). */
  reArcsec: number;
  ie: number;
  /** The MGE in units of (I_e, R_e). */
  mge: Mge;
  /** G I_e R_e[pc]: V_rms^2 = v2Scale (M/L) v^2, (km/s)^2. */
  v2Scale: number;
}

/** The galaxy as the network sees it; @throws InputError when its photometry is outside the training family. */
export function mflGalaxy(s: MflSurrogate, light: Mge, distanceMpc: number, source = 'photometry'): MflGalaxy {
  const { mge, hl } = inHalfLightUnits(light, source);
  const p = mflPrepare(s, mge);
  const d = s.manifest.domain;
  if (!(p.residual <= d.residualMax)) {
    throw new InputError(source, `its polar image lies outside the surrogate's training family (PCA residual ${p.residual.toPrecision(3)} dex rms, the training galaxies' largest is ${d.residualMax.toPrecision(3)}); fit with --engine tabulated`);
  }
  return { ...p, surrogate: s, reArcsec: hl.aMajor, ie: hl.level, mge, v2Scale: G_KMS2_PC_MSUN * hl.level * hl.aMajor * pcPerArcsec(distanceMpc) };
}

/**
 * The grid model: ln v from the MLP with the features folded into the first layer's bias, then
 * V_rms^2 at every grid node. Parameters outside the training range of beta_z (box, epsFactor
 * eps_intr) are a DomainError, never extrapolated.
 */
export function mflGridModel(g: MflGalaxy, grid: PolarGrid): GridModel {
  const s = g.surrogate;
  const m = s.manifest;
  const [first, ...rest] = s.mlp.layers;
  const K = s.pca.k;
  const bias = Float64Array.from(first.b);
  for (let k = 0; k < K; k++) for (let j = 0; j < first.out; j++) bias[j] += first.W[k * first.out + j] * g.features[k];
  const x = new Float32Array(first.in);
  const bufs = [first.out, ...rest.map((l) => l.out)].map((w) => new Float64Array(w));
  const br = m.betaRange;
  const nOut = rest.length ? rest[rest.length - 1].out : first.out;
  if (nOut !== grid.x.length) throw new RangeError(`mflGridModel: ${nOut} outputs for a ${grid.x.length}-node grid`);
  return {
    grid,
    linearInMl: true,
    label: `multi-component surrogate (PCA ${K} + MLP ${s.mlp.arch.hidden.join('x')}; residual ${g.residual.toPrecision(3)} dex), ${m.grid.nRad} x ${m.grid.nTheta} grid over ${m.grid.rMin}..${m.grid.rMax} R_e (R_e ${g.reArcsec.toPrecision(4)}")`,
    vrms2(p: GridParams, out: Float64Array) {
      const hiEps = br.epsFactor * (1 - intrinsicQ(g.qLw, p.incDeg));
      if (!(p.betaZ >= br.lo && p.betaZ <= br.hi && p.betaZ < hiEps)) throw new DomainError('beta_z', `is ${p.betaZ}; the surrogate was trained on [${br.lo}, min(${br.hi}, ${br.epsFactor} eps_intr = ${hiEps.toPrecision(3)})]`);
      if (!(p.ml > 0)) throw new DomainError('ml', `is ${p.ml}; M/L must be > 0`);
      mflInputRow(s, g.features, p.betaZ, p.incDeg, g.qMin, g.qLw, x);
      let h = bufs[0];
      for (let j = 0; j < first.out; j++) {
        let z = bias[j];
        for (let k = K; k < first.in; k++) z += x[k] * first.W[k * first.out + j];
        h[j] = first.act ? silu(z) : z;
      }
      for (let li = 0; li < rest.length; li++) {
        const l = rest[li];
        const o = bufs[li + 1];
        o.set(l.b);
        for (let i = 0; i < l.in; i++) {
          const hi = h[i];
          const row = i * l.out;
          for (let j = 0; j < l.out; j++) o[j] += hi * l.W[row + j];
        }
        if (l.act) for (let j = 0; j < l.out; j++) o[j] = silu(o[j]);
        h = o;
      }
      const k = g.v2Scale * p.ml;
      const ref = g.reference;
      for (let j = 0; j < nOut; j++) out[j] = k * Math.exp(2 * (h[j] * m.outScale + m.outMean[j] + (ref ? ref[j] : 0)));
      return out;
    },
  };
}

function read(g: EngineGalaxy): MflGalaxy {
  return mflGalaxy(cachedMfl(g.spec.surrogateDir ?? SHIPPED_MGE_DIR), g.light, g.spec.distanceMpc, g.spec.lightSource);
}

export const surrogateMgeEngine: Engine<MflGalaxy> = {
  name: 'surrogate',
  limits: { ...EXACT_LIMITS, box: { ...EXACT_LIMITS.box, beta_z: [MFL_BETA_RANGE.lo, MFL_BETA_RANGE.hi] }, betaEpsFactor: MFL_BETA_RANGE.epsFactor },
  check(g) {
    const s = g.spec;
    if (s.massModel !== 'light') throw new InputError('mass_model', `${s.massModel}: the multi-component surrogate models mass following the light; use --mass-model light`);
    if (s.mbh > 0 || s.mbhRange) throw new InputError('mbh', 'the surrogate has no black hole; use --engine tabulated');
    if (s.halo) throw new InputError('halo', `${s.halo} needs an exact engine (the surrogate's training set has no dark halo); use --engine tabulated`);
    if (g.nGroups > 1) throw new InputError('beta_groups', 'the surrogate has one beta_z; use --engine tabulated');
    if ((s.align ?? 'cyl') !== 'cyl') throw new InputError('align', 'the surrogate is cylindrically aligned; use --engine tabulated for sph');
  },
  grid(g) {
    const gal = read(g);
    const m = gal.surrogate.manifest.grid;
    const grid = makePolarGrid(m.rMin * gal.reArcsec, m.rMax * gal.reArcsec, m.nRad, m.nTheta, 1);
    const s = g.spec;
    const integrate = g.psf !== null || g.pixsize > 0;
    const rMax = m.rMax * gal.reArcsec;
    const excluded = integrate ? outsidePolarGrid(grid, s.x, s.y).filter((i) => Math.hypot(s.x[i], s.y[i]) > rMax) : outsidePolarGrid(grid, s.x, s.y);
    if (excluded.length === s.x.length) throw new InputError(s.source, `every bin lies outside the surrogate's grid (${m.rMin}..${m.rMax} R_e, R_e = ${gal.reArcsec.toPrecision(4)}"); check the units (arcsec) or fit with --engine tabulated`);
    return { grid, excluded };
  },
  fingerprint: () => null,
  prepare: (c) => read(c),
  model: (c, p) => ({ kind: 'grid', model: mflGridModel(p, c.grid) }),
};
