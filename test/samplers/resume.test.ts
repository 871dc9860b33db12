/**
 * Disk storage and resume: the .npy files are valid NumPy arrays, partial appends past the last
 * checkpoint are discarded, and a process killed with SIGKILL at arbitrary moments resumes to the
 * same chain, bit for bit, as an uninterrupted run.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DiskBackend, EnsembleSampler, readNpy, Rng, type Sidecar } from '../../samplers/index.ts';
import { NPY_HEADER_BYTES } from '../../samplers/backends/npy.ts';
import { stdNormalBlob } from './fixtures/targets.ts';

const root = mkdtempSync(join(tmpdir(), 'jamfit-resume-'));
after(() => rmSync(root, { recursive: true, force: true }));
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const child = fileURLToPath(new URL('./fixtures/resume-child.ts', import.meta.url));

function runChild(dir: string, total: number, every: number, spinUs: number, killWhen?: (it: number) => boolean) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, String(total), String(every), String(spinUs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      timer = setInterval(() => {
        const f = join(dir, 'state.json');
        if (!existsSync(f)) return;
        try {
          const it = (JSON.parse(readFileSync(f, 'utf8')) as Sidecar).iteration;
          if (killWhen(it)) {
            clearInterval(timer);
            p.kill('SIGKILL');
          }
        } catch {
          // The sidecar is replaced by rename, so a read never sees half a file; ENOENT races are harmless.
        }
      }, 5);
    }
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      clearInterval(timer);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${err}`));
      else resolve({ code, signal, out });
    });
  });
}

test('npy files are valid NumPy format 1.0 with a 64-byte-aligned header and the sidecar row count', async () => {
  const dir = join(root, 'format');
  const s = new EnsembleSampler({ nwalkers: 6, ndim: 2, logProb: stdNormalBlob, blobs: ['r2'], seed: 1, backend: new DiskBackend(dir, { checkpointEvery: 7, minIntervalMs: 0 }) });
  const r = new Rng(1);
  await s.run(Array.from({ length: 6 }, () => [r.normal(), r.normal()]), 20);
  await s.close();
  const buf = readFileSync(join(dir, 'chain.npy'));
  assert.deepEqual([...buf.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  const hlen = buf.readUInt16LE(8);
  assert.equal((10 + hlen) % 64, 0);
  assert.match(buf.subarray(10, 10 + hlen).toString('latin1'), /^\{'descr': '<f8', 'fortran_order': False, 'shape': \(20, 6, 2\), \} *\n$/);
  assert.equal(buf.length, 10 + hlen + 20 * 6 * 2 * 8);
  const sc = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Sidecar;
  assert.equal(sc.iteration, 20);
  assert.deepEqual(sc.blobNames, ['r2']);
  assert.deepEqual(readNpy(join(dir, 'chain.npy')).data, s.getChainArray().data);
  assert.deepEqual(readNpy(join(dir, 'log_prob.npy')).shape, [20, 6]);
  assert.deepEqual(readNpy(join(dir, 'blobs.npy')).shape, [20, 6, 1]);
});

test('NumPy itself reads the files (skipped when python3 with numpy is absent)', { skip: !hasNumpy && 'no python3 numpy' }, () => {
  const dir = join(root, 'format');
  const py = `import numpy as np, json, sys
c = np.load(sys.argv[1] + '/chain.npy'); l = np.load(sys.argv[1] + '/log_prob.npy'); b = np.load(sys.argv[1] + '/blobs.npy')
print(json.dumps([list(c.shape), list(l.shape), list(b.shape), [float(v) for v in c.ravel()], bool(np.allclose(b[..., 0], (c ** 2).sum(-1)))]))`;
  const r = spawnSync('python3', ['-c', py, dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [cs, ls, bs, values, blobsOk] = JSON.parse(r.stdout);
  assert.deepEqual([cs, ls, bs], [[20, 6, 2], [20, 6], [20, 6, 1]]);
  assert.deepEqual(values, Array.from(readNpy(join(dir, 'chain.npy')).data));
  assert.equal(blobsOk, true);
});

test('rows past the last checkpoint (a crash mid-append) are truncated when the directory is reopened', async () => {
  const dir = join(root, 'partial');
  const r = new Rng(2);
  const init = Array.from({ length: 6 }, () => [r.normal(), r.normal()]);
  const mk = (backend: DiskBackend) => new EnsembleSampler({ nwalkers: 6, ndim: 2, logProb: stdNormalBlob, blobs: 1, seed: 2, backend });
  const a = mk(new DiskBackend(dir, { checkpointEvery: 5, minIntervalMs: 0 }));
  await a.run(init, 10);
  await a.close();
  // Simulate a crash after writing part of the next rows: garbage after the valid data.
  appendFileSync(join(dir, 'chain.npy'), Buffer.alloc(1000, 7));
  appendFileSync(join(dir, 'log_prob.npy'), Buffer.alloc(13, 7));
  const b = mk(new DiskBackend(dir, { checkpointEvery: 5, minIntervalMs: 0 }));
  assert.equal(b.iteration, 10);
  assert.equal(statSync(join(dir, 'chain.npy')).size, NPY_HEADER_BYTES + 10 * 6 * 2 * 8);
  await b.run(null, 5);
  await b.close();
  await b.run(null, 5); // a closed DiskBackend reopens its files
  await b.close();
  const ref = mk(new DiskBackend(join(root, 'partial-ref')));
  await ref.run(init, 20);
  await ref.close();
  assert.deepEqual(readNpy(join(dir, 'chain.npy')).data, readNpy(join(root, 'partial-ref', 'chain.npy')).data);
});

test('SIGKILL at arbitrary moments, then resume: the same chain, bit for bit, as an uninterrupted run', async () => {
  const total = 600;
  const every = 25;
  const spinUs = 40; // ~16 walkers x 40 us = 0.65 ms per step: ~0.4 s for the run, time to kill it twice
  const ref = join(root, 'uninterrupted');
  const refRun = await runChild(ref, total, every, 0);
  assert.equal(JSON.parse(refRun.out).iteration, total);

  const dir = join(root, 'killed');
  // First kill: as soon as any checkpoint beyond the first exists; second: past the middle.
  const k1 = await runChild(dir, total, every, spinUs, (it) => it >= 2 * every);
  assert.equal(k1.signal, 'SIGKILL', 'the first run should have been killed mid-run');
  const at1 = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Sidecar).iteration;
  const k2 = await runChild(dir, total, every, spinUs, (it) => it >= total / 2 + 3 * every);
  assert.equal(k2.signal, 'SIGKILL', 'the second run should have been killed mid-run');
  const at2 = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Sidecar).iteration;
  assert.ok(at1 > 0 && at1 < at2 && at2 < total, `checkpoints at kills: ${at1}, ${at2}`);
  const fin = await runChild(dir, total, every, 0);
  const res = JSON.parse(fin.out);
  assert.equal(res.resumedFrom, at2);
  assert.equal(res.iteration, total);
  for (const f of ['chain.npy', 'log_prob.npy', 'blobs.npy']) assert.ok(readFileSync(join(dir, f)).equals(readFileSync(join(ref, f))), `${f} differs`);
  assert.deepEqual(res.acceptance, JSON.parse(refRun.out).acceptance);
  const a = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Sidecar;
  const b = JSON.parse(readFileSync(join(ref, 'state.json'), 'utf8')) as Sidecar;
  assert.deepEqual(a.rng, b.rng);
});
