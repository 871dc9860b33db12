/**
 * The configuration of a training-set run, its validation, its fingerprint (what makes two runs
 * the same dataset) and the manifest written beside the chunks.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../../../core/errors.ts';
import { checkDomain, DOMAIN_PARAMS, TRAINING_DOMAIN_V1, type TrainingDomain } from '../domain.ts';
import { checkGalaxyFamily, type GalaxyFamily } from '../../photometry/galaxy-family.ts';
import { PARAM_COLUMNS } from './chunk-format.ts';
import { MFL_COLUMNS } from './mfl-model.ts';
import { TRAINING_DISTANCE_MPC } from './training-model.ts';
import { DEFAULT_GRID } from '../grid.ts';

export interface GridSpec {
  nRad: number;
  nTheta: number;
  /** Innermost radius, R_e: in (0, 0.02] (a PSF smears the nucleus into the central bins). */
  rMin: number;
  /** Outermost radius, R_e: in [3, 20]. */
  rMax: number;
}

/**
 * The training grid, chosen by bench/grid-choice.ts (60 domain draws x 500 points, bilinear in
 * (ln r, theta) on V_rms^2): 40 radii log-spaced over 0.02..4 R_e x 24 angles over 0..90 deg,
 * 960 points. Points log-uniform in r over 0.02..3 R_e: median 0.013%, p99 0.15%, max 1.5% (in the
 * faint minor-axis outskirts of flattened, tangentially anisotropic models); uniform in area:
 * median 0.034%, p99 0.33%. The angular spacing dominates the error (40 x 16 -> 40 x 24 halves
 * it; more radii barely help); 48 x 32 (1536 points, 1.6x the cost) reaches p99 0.09% / 0.20%.
 */
export const TRAINING_GRID: GridSpec = DEFAULT_GRID;

export interface ImageSpec {
  /** Pixels per side (0 = store no images; they can be rendered from the parameters). */
  size: number;
  /** Field half-width in R_e. */
  fov: number;
  /** Pixel-average samples per side. */
  oversample: number;
}

export interface SimulateConfig {
  /** Number of maps, draws 0..n-1. */
  n: number;
  seed: number;
  /** Maps per chunk file. */
  chunk: number;
  grid: GridSpec;
  image: ImageSpec;
  /** Gauss-Legendre nodes of the exact JAM (48: < 1e-6 relative, measured). */
  nodes: number;
  domain: TrainingDomain;
  /**
   * The photometric family of a multi-component set (src/photometry/galaxy-family.ts: mass
   * follows light, rows of mfl-model.ts). Absent: a v1 set (Sérsic light, `qm` mass, `domain`
   * draws). In a multi-component set `domain` is not used to draw: every row serves the whole
   * beta_z range, and the inclination comes from the photometry.
   */
  galaxies?: GalaxyFamily;
}

/** Is this the configuration of a multi-component (mass follows light) set? */
export const isMfl = (c: Pick<SimulateConfig, 'galaxies'>): boolean => c.galaxies !== undefined;

/** Parameter columns of the set's rows. */
export const columnsOf = (c: Pick<SimulateConfig, 'galaxies'>): readonly string[] => (isMfl(c) ? MFL_COLUMNS : PARAM_COLUMNS);

/** Values stored per row for a grid of npoints: v (v1) or P and Q (multi-component). */
export const valuesPerRow = (c: Pick<SimulateConfig, 'galaxies'>, npoints: number): number => (isMfl(c) ? 2 * npoints : npoints);

export const FORMAT = 'jamfit-training-set';
export const FORMAT_VERSION = 1;

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
  return String(pkg.version);
}

function int(where: string, v: unknown, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new InputError(where, `is ${JSON.stringify(v)}; give ${what}, an integer in [${lo}, ${hi}]`);
  return v;
}

/** Parses "nRad,nTheta,rMin,rMax" (as on the command line). */
export function parseGridSpec(s: string, where = '--grid'): GridSpec {
  const parts = String(s).split(',').map((t) => Number(t.trim()));
  if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v))) throw new InputError(where, `is '${s}'; give four numbers nRad,nTheta,rMin,rMax (e.g. 40,24,0.02,4)`);
  return checkGridSpec({ nRad: parts[0], nTheta: parts[1], rMin: parts[2], rMax: parts[3] }, where);
}

export function checkGridSpec(g: GridSpec, where = 'grid'): GridSpec {
  int(`${where} nRad`, g.nRad, 2, 400, 'the number of radii');
  int(`${where} nTheta`, g.nTheta, 2, 200, 'the number of angles');
  if (!(g.rMin > 0 && g.rMin <= 0.02)) throw new InputError(`${where} rMin`, `is ${g.rMin}; the innermost radius must lie in (0, 0.02] R_e`);
  if (!(g.rMax >= 3 && g.rMax <= 20)) throw new InputError(`${where} rMax`, `is ${g.rMax}; the outermost radius must lie in [3, 20] R_e`);
  return { nRad: g.nRad, nTheta: g.nTheta, rMin: g.rMin, rMax: g.rMax };
}

/** Validates a whole configuration; throws InputError naming the option. */
export function checkConfig(c: SimulateConfig): SimulateConfig {
  int('n', c.n, 1, 100_000_000, 'the number of maps');
  int('seed', c.seed, 0, 2 ** 32 - 1, 'the random seed');
  int('chunk', c.chunk, 1, 100_000, 'the number of maps per chunk file');
  int('nodes', c.nodes, 8, 1000, 'the Gauss-Legendre nodes of the JAM integral');
  if (c.image.size !== 0) int('image', c.image.size, 8, 256, 'the image side in pixels (0 for none)');
  if (!(c.image.fov > 0 && c.image.fov <= 20)) throw new InputError('fov', `is ${c.image.fov}; give the image half-width in R_e, in (0, 20]`);
  int('oversample', c.image.oversample, 1, 16, 'the pixel-average samples per side');
  checkGridSpec(c.grid, '--grid');
  checkDomain(c.domain);
  if (c.galaxies !== undefined) {
    checkGalaxyFamily(c.galaxies, 'galaxies');
    if (c.image.size !== 0) throw new InputError('image', `is ${c.image.size}; a multi-component set stores each MGE (render images from it), so give --image 0`);
  }
  return c;
}

export function defaultConfig(over: Partial<SimulateConfig> & Pick<SimulateConfig, 'n'>): SimulateConfig {
  return {
    seed: 1,
    chunk: 500,
    grid: TRAINING_GRID,
    image: { size: 64, fov: 3, oversample: 4 },
    nodes: 48,
    domain: TRAINING_DOMAIN_V1,
    ...over,
  };
}

/** What identifies a dataset: same fingerprint = same bytes in every chunk. */
export function identity(c: SimulateConfig, version = packageVersion()) {
  return {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    packageVersion: version,
    n: c.n,
    seed: c.seed,
    chunk: c.chunk,
    grid: c.grid,
    image: c.image,
    nodes: c.nodes,
    domain: c.domain,
    // Only when present, so that v1 sets keep their fingerprints.
    ...(c.galaxies ? { galaxies: c.galaxies } : {}),
  };
}

/** 32 hex digits; `version` defaults to this package's (a reader passes the manifest's). */
export function fingerprint(c: SimulateConfig, version = packageVersion()): string {
  return createHash('sha256').update(JSON.stringify(identity(c, version))).digest('hex').slice(0, 32);
}

export function chunkCount(c: SimulateConfig): number {
  return Math.ceil(c.n / c.chunk);
}

export function chunkRange(c: Pick<SimulateConfig, 'n' | 'chunk'>, index: number): { first: number; count: number } {
  const first = index * c.chunk;
  return { first, count: Math.min(c.chunk, c.n - first) };
}

export function chunkFile(index: number): string {
  return `chunk-${String(index).padStart(6, '0')}.bin`;
}

/** The command that (re)creates or completes this dataset. */
export function commandFor(c: SimulateConfig, out: string): string {
  const g = c.grid;
  return `jamfit simulate --n ${c.n} --seed ${c.seed} --out ${out} --chunk ${c.chunk} --grid ${g.nRad},${g.nTheta},${g.rMin},${g.rMax} --nodes ${c.nodes} --image ${c.image.size} --fov ${c.image.fov} --oversample ${c.image.oversample}${isMfl(c) ? ' --family mge' : ''}`;
}

export interface ChunkEntry {
  file: string;
  index: number;
  first: number;
  count: number;
  bytes: number;
  crc32: number;
}

export interface Manifest extends ReturnType<typeof identity> {
  fingerprint: string;
  complete: boolean;
  command: string;
  definitions: Record<string, unknown>;
  chunks: ChunkEntry[];
}

const GRID_ORDER = 'point iRad * nTheta + iTheta, r log-spaced in [rMin, rMax] R_e, theta uniform in [0, 90] deg from the major axis (src/surrogate/grid.ts thetaLogRGrid)';

/** The manifest's `definitions`: what every column and array of this kind of set means. */
function definitions(c: SimulateConfig): Record<string, unknown> {
  if (isMfl(c)) {
    return {
      paramColumns: MFL_COLUMNS,
      draw: 'row k = drawFamilyGalaxy(seed, k, galaxies) (src/photometry/galaxy-family.ts), inclination uniform in [inc_min_deg, 90] from its own stream (src/surrogate/simulate/mfl-model.ts)',
      mass: 'mass follows light: mass MGE = M/L x light MGE, M/L = 1, no black hole',
      scale: 're_mge, ie_mge: semi-major axis (arcsec) and surface brightness (Lsun/pc^2) of the drawn MGE half-light isophote; the stored MGE (surf_kk, sigma_kk, q_kk; surf 0 = empty slot) is in units of ie_mge and re_mge',
      v: 'P then Q per row, float32: V_rms^2 / (G M/L ie_mge re_mge[pc]) = P + b Q with b = 1/(1 - beta_z); exact JAM (cylindrical, eq. 28, src/jam/los-basis.ts), no PSF; G = 0.004301 (km/s)^2 pc/Msun',
      distanceMpc: TRAINING_DISTANCE_MPC,
      gridOrder: GRID_ORDER,
      chunkLayout: 'src/surrogate/simulate/chunk-format.ts: 64-byte header, params float64, P and Q float32, little-endian',
    };
  }
  return {
    paramColumns: PARAM_COLUMNS,
    domainParams: DOMAIN_PARAMS,
    draw: 'draw k = drawDomain(domain, seed, k) (src/surrogate/domain.ts): uniform over the box, rejection on the constraints',
    light: 'sersicToMge({n, Re: 1 arcsec, Ie: 1 Lsun/pc^2, qobs: q_L}) with its defaults (15 Gaussians fitted over 0.01..10 R_e, 300 radii)',
    mass: 'qm convention: the light MGE surf and sigma with every qobs = q_M, M/L = 1, no black hole',
    scale: 're_mge, ie_mge: semi-major axis and surface brightness of the light MGE half-light isophote (src/photometry/half-light.ts); grid and image lengths are in units of re_mge',
    v: 'v = V_rms / sqrt(G * M/L * ie_mge[Lsun/pc^2] * re_mge[pc]), G = 0.004301 (km/s)^2 pc/Msun; exact JAM (cylindrical, eq. 28, direct), no PSF, float32',
    distanceMpc: TRAINING_DISTANCE_MPC,
    gridOrder: GRID_ORDER,
    image: 'float32 log10(pixel-averaged Sigma / ie_mge), size x size, row-major (iy * size + ix), x = major axis, field +-fov R_e (src/photometry/canonical-image.ts, source = the light MGE)',
    chunkLayout: 'src/surrogate/simulate/chunk-format.ts: 64-byte header, params float64, v float32, images float32, little-endian',
  };
}

export function buildManifest(c: SimulateConfig, out: string, chunks: ChunkEntry[]): Manifest {
  return {
    ...identity(c),
    fingerprint: fingerprint(c),
    complete: chunks.length === chunkCount(c),
    command: commandFor(c, out),
    definitions: definitions(c),
    chunks,
  };
}
