/** One row of `npm run bench`: a measured figure, the reference it is compared with, and their ratio. */
export interface BenchRow {
  /** What was measured, e.g. "JAM 200-point model, 15x15 Gaussians". */
  name: string;
  /** Measured value in `unit`. */
  value: number;
  unit: string;
  /** Reference value in the same unit (e.g. jampy 870 ms), measured in this run when possible. */
  reference?: number;
  referenceName?: string;
  /**
   * Where the reference comes from: 'measured in this run', or 'recorded: <source>' for a
   * constant measured elsewhere (the table prints it; required whenever `reference` is set).
   */
  referenceSource?: string;
  /** Speed-up: reference / value for times (higher is better). */
  ratio?: number;
  /** The target as text, e.g. ">= 50x". */
  target?: string;
  /** Whether the target is met, when a target is given. */
  pass?: boolean;
}

export function printTable(rows: BenchRow[]): string {
  const fmt = (v: number | undefined, digits = 3) =>
    v === undefined ? '' : Math.abs(v) >= 1000 || Math.abs(v) < 0.01 ? v.toExponential(2) : v.toPrecision(digits);
  const header = ['benchmark', 'measured', 'unit', 'reference', 'ratio', 'target', 'ok', 'reference from'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    r.reference === undefined ? '' : `${fmt(r.reference)} (${r.referenceName ?? 'ref'})`,
    r.ratio === undefined ? '' : `${fmt(r.ratio)}x`,
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
    r.reference === undefined ? (r.referenceSource ?? '') : (r.referenceSource ?? 'UNSTATED'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/**
 * Median wall time in ms of `fn` over `reps` runs after `warmup` runs. The median resists the
 * occasional GC pause or noisy neighbour on a shared 2-core machine.
 */
export async function timeMs(fn: () => unknown | Promise<unknown>, reps = 7, warmup = 2): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** Microseconds per call of a log-density over the points `xs`, cycled for at least `minMs`. */
export function perEvalUs(logProb: (x: Float64Array, b: Float64Array) => number, xs: Float64Array[], minMs: number): number {
  const blob = new Float64Array(2);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) for (const x of xs) (logProb(x, blob), n++);
  return ((performance.now() - t0) * 1000) / n;
}
