/**
 * `npm run bench -- batch-real`: survey throughput on real-galaxy fits (issue: mass follows
 * light, 150-250 bins, 6-15 Gaussians, PSF: >= 1,000 fits per hour on 2 cores). The manifest
 * holds N copies of NGC 6278 (fixtures/ngc6278: 152 bins, a 6-Gaussian MGE, PSF 1.06", 1"
 * pixels) under different names, so every galaxy gets its own seed, run folder, table build,
 * chain (32 walkers x 3,000 steps), self-check, posterior predictive check, posterior.nc and
 * report.html; `jamfit batch` picks the tabulated engine (auto, mass follows light). Options:
 * --batch-real-n N (default 8), --batch-workers K (default: the cores).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { runBatch } from '../src/batch/batch.ts';
import type { BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function option(name: string, dflt: number): number {
  const k = process.argv.indexOf(`--${name}`);
  return k < 0 ? dflt : Number(process.argv[k + 1]);
}

export async function run(): Promise<BenchRow[]> {
  const n = option('batch-real-n', 8);
  const workers = option('batch-workers', availableParallelism());
  const tmp = mkdtempSync(join(tmpdir(), 'jamfit-bench-real-'));
  try {
    const d = join(ROOT, 'fixtures/ngc6278');
    const rows = Array.from({ length: n }, (_, i) => `ngc6278_${i},${join(d, 'gauss_hermite_kins.ecsv')},${join(d, 'mge.ecsv')},39.96,-54,1.06,1,light`);
    const manifest = join(tmp, 'survey.csv');
    writeFileAtomic(manifest, ['name,kinematics,photometry,distance_mpc,pa_deg,psf_sigma,pixsize,mass_model', ...rows].join('\n') + '\n');
    const t0 = performance.now();
    const r = await runBatch({ manifest, out: join(tmp, 'out'), workers, lockstep: 'off', plots: 'none', fit: { walkers: 32, steps: 3000 } }, { out: () => {}, err: () => {} }, {});
    const s = (performance.now() - t0) / 1000;
    if (r.failures.length) throw new Error(`bench batch-real: ${r.failures[0].name}: ${r.failures[0].error}`);
    const engine = JSON.parse(readFileSync(join(tmp, 'out', 'ngc6278_0', 'config.json'), 'utf8')).engine;
    const perHour = (3600 * n) / s;
    return [{ name: `real-galaxy batch: ${n} x NGC 6278 (152 bins, 6 Gaussians, PSF), mass follows light, ${engine} engine, 32 x 3,000, ${workers} workers`, value: perHour, unit: 'fits/h', target: '>= 1000 on 2 cores', pass: perHour >= 1000 }];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
