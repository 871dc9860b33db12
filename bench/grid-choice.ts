/**
 * The surrogate grid's size, chosen by measurement: the error of bilinear (ln r, theta)
 * interpolation of the exact JAM V_rms^2 from a theta-log r grid, against the exact JAM at random
 * points, for random draws of the training domain (src/surrogate/domain.ts), and the cost of one
 * map per grid. Also the Gauss-Legendre node count of the exact map against a 128-node reference.
 *
 *   node --import tsx bench/grid-choice.ts [galaxies=60] [points=500]
 *
 * Points: theta uniform in [0, 90] deg and r in [R_IN, R_OUT] = [0.02, 3] R_e, drawn two ways:
 * uniform in area (p(r) ~ r, dominated by the outer parts, like IFU bins of equal area) and
 * log-uniform in r (every decade alike, like Voronoi bins that shrink toward the centre).
 * Errors are |V_interp / V_exact - 1| in V_rms (the square root after interpolating V_rms^2).
 * A few minutes of one core at the defaults.
 */
import { Rng } from '../samplers/rng.ts';
import { drawDomain, TRAINING_DOMAIN_V1 } from '../src/surrogate/domain.ts';
import { makePolarGrid, polarWeights } from '../src/operator/polar-grid.ts';
import { applyWeights, interpWeights, thetaLogRGrid } from '../src/surrogate/grid.ts';
import { trainingModel, trainingV } from '../src/surrogate/simulate/training-model.ts';

const GALAXIES = Number(process.argv[2] ?? 60);
const POINTS = Number(process.argv[3] ?? 500);
const R_IN = 0.02;
const R_OUT = 3;
const R_MIN = 0.02;
const R_MAX = 4;
const NODES = 48;
const CANDIDATES: [number, number][] = [
  [20, 10],
  [24, 12],
  [32, 16],
  [40, 20],
  [32, 24],
  [40, 24],
  [32, 32],
  [40, 32],
  [48, 32],
];

function quantile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function points(rng: Rng, mode: 'area' | 'log'): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(POINTS);
  const y = new Float64Array(POINTS);
  for (let i = 0; i < POINTS; i++) {
    const u = rng.uniform();
    const r = mode === 'area' ? Math.sqrt(R_IN ** 2 + u * (R_OUT ** 2 - R_IN ** 2)) : R_IN * (R_OUT / R_IN) ** u;
    const t = (rng.uniform() * Math.PI) / 2;
    x[i] = r * Math.cos(t);
    y[i] = r * Math.sin(t);
  }
  return { x, y };
}

const grids = CANDIDATES.map(([nRad, nTheta]) => thetaLogRGrid({ nRad, nTheta, rMin: R_MIN, rMax: R_MAX }));
const modes = ['area', 'log'] as const;
// errs[mode][candidate] = per-point errors; mapMax[mode][candidate] = per-map max errors.
const errs = modes.map(() => grids.map(() => [] as number[]));
const mapMax = modes.map(() => grids.map(() => [] as number[]));
// Map-max errors split by flattening of the light (q_L < 0.6 lies outside Simon et al.'s Table 1),
// and the same sizes with an ELLIPTICAL grid (the JAM polar grid with q_med = q_L: radii in the
// elliptical radius, angles in eccentric anomaly), a candidate for grid.ts, not the current one.
const split = grids.map(() => ({ flat: [] as number[], round: [] as number[], ellFlat: [] as number[], ellRound: [] as number[] }));
const nodeErr: Record<number, number[]> = { 24: [], 32: [], 40: [], 48: [] };
let jamMs = 0;
let jamPoints = 0;
const rng = new Rng('grid-choice-points');
const t0 = performance.now();
for (let g = 0; g < GALAXIES; g++) {
  const p = drawDomain(TRAINING_DOMAIN_V1, 20250101, g);
  const model = trainingModel(p);
  const pts = modes.map((m) => points(rng, m));
  const exact = pts.map(({ x, y }) => trainingV(p, x, y, NODES, model).v);
  grids.forEach((grid, c) => {
    const t = performance.now();
    const v = trainingV(p, grid.x, grid.y, NODES, model).v;
    jamMs += performance.now() - t;
    jamPoints += v.length;
    const v2 = v.map((a) => a * a);
    modes.forEach((_, m) => {
      const est = applyWeights(interpWeights(grid, pts[m].x, pts[m].y), v2);
      let worst = 0;
      for (let i = 0; i < est.length; i++) {
        const e = Math.abs(Math.sqrt(est[i]) / exact[m][i] - 1);
        errs[m][c].push(e);
        worst = Math.max(worst, e);
      }
      mapMax[m][c].push(worst);
      if (m === 1) split[c][p[1] < 0.6 ? 'flat' : 'round'].push(worst);
    });
    // Elliptical radii reach R_MAX / q_L so that the points' minor-axis ends stay inside.
    const eg = makePolarGrid(R_MIN, R_MAX / p[1], grid.nRad, grid.nTheta, p[1]);
    const ev2 = trainingV(p, eg.x, eg.y, NODES, model).v.map((a) => a * a);
    const est = applyWeights(polarWeights(eg, pts[1].x, pts[1].y), ev2);
    let worst = 0;
    for (let i = 0; i < est.length; i++) worst = Math.max(worst, Math.abs(Math.sqrt(est[i]) / exact[1][i] - 1));
    split[c][p[1] < 0.6 ? 'ellFlat' : 'ellRound'].push(worst);
  });
  if (g < 20) {
    const grid = grids[3];
    const ref = trainingV(p, grid.x, grid.y, 128, model).v;
    for (const nodes of [24, 32, 40, 48]) {
      const v = trainingV(p, grid.x, grid.y, nodes, model).v;
      let w = 0;
      for (let i = 0; i < v.length; i++) w = Math.max(w, Math.abs(v[i] / ref[i] - 1));
      nodeErr[nodes].push(w);
    }
  }
}
const usPerPoint = (1000 * jamMs) / jamPoints;

const pct = (v: number) => `${(100 * v).toFixed(3)}%`;
console.log(`grid choice: ${GALAXIES} domain draws x ${POINTS} points per sampling, r in [${R_IN}, ${R_OUT}] R_e; grids over [${R_MIN}, ${R_MAX}] R_e; ${NODES} nodes`);
console.log(`exact JAM cost: ${usPerPoint.toFixed(1)} us per grid point (this machine, one thread)`);
for (let m = 0; m < modes.length; m++) {
  console.log(`\npoints ${modes[m] === 'area' ? 'uniform in area' : 'log-uniform in r'}:`);
  console.log('grid (nRad x nTheta) | points | ms/map | point median | point p99 | point max | map-max median | map-max p99');
  grids.forEach((grid, c) => {
    const e = Float64Array.from(errs[m][c]).sort();
    const mm = Float64Array.from(mapMax[m][c]).sort();
    const row = [
      `${grid.nRad} x ${grid.nTheta}`.padEnd(20),
      String(grid.x.length).padStart(6),
      ((grid.x.length * usPerPoint) / 1000).toFixed(1).padStart(6),
      pct(quantile(e, 0.5)).padStart(12),
      pct(quantile(e, 0.99)).padStart(9),
      pct(e[e.length - 1]).padStart(9),
      pct(quantile(mm, 0.5)).padStart(14),
      pct(quantile(mm, 0.99)).padStart(11),
    ];
    console.log(row.join(' | '));
  });
}
console.log('\nmap-max p99 (log-uniform points) by light flattening; circular grid (grid.ts) vs elliptical grid (q_med = q_L):');
console.log('grid | q_L >= 0.6 circ | q_L < 0.6 circ | q_L >= 0.6 ell | q_L < 0.6 ell');
grids.forEach((grid, c) => {
  const q = (a: number[]) => (a.length ? pct(quantile(Float64Array.from(a).sort(), 0.99)) : '-');
  const s = split[c];
  console.log(`${grid.nRad} x ${grid.nTheta} | ${q(s.round)} (${s.round.length}) | ${q(s.flat)} (${s.flat.length}) | ${q(s.ellRound)} | ${q(s.ellFlat)}`);
});
console.log(`\nGauss-Legendre nodes vs 128 (max |rel err| in v over the ${grids[3].nRad} x ${grids[3].nTheta} grid, 20 draws): ` + Object.entries(nodeErr).map(([k, v]) => `${k}: max ${Math.max(...v).toExponential(1)}`).join(', '));
console.log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
