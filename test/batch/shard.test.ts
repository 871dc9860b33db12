/**
 * Shards and per-galaxy seeds of `jamfit batch` (src/batch/shard.ts): where the shard comes from
 * (option, Slurm, Kubernetes), that N shards cover a manifest exactly once, and the seed formula
 * against coreutils' sha256sum.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { galaxySeed, inShard, resolveShard } from '../../src/batch/shard.ts';

test('the shard: --shard, else Slurm (relative to SLURM_ARRAY_TASK_MIN), else JOB_COMPLETION_INDEX with a count, else all', () => {
  const cases: [string, string | undefined, number | undefined, Record<string, string>, [number, number, string]][] = [
    ['nothing', undefined, undefined, {}, [0, 1, 'none']],
    ['--shard', '2/5', undefined, {}, [2, 5, '--shard']],
    ['--shard with spaces', ' 0 / 3 ', undefined, {}, [0, 3, '--shard']],
    ['--shard beats Slurm', '0/1', undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }, [0, 1, '--shard']],
    ['Slurm 0-based', undefined, undefined, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '4' }, [3, 4, 'SLURM_ARRAY_TASK_ID']],
    ['Slurm 1-based (--array=1-4)', undefined, undefined, { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '1' }, [3, 4, 'SLURM_ARRAY_TASK_ID']],
    ['Slurm beats Kubernetes', undefined, undefined, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '0', JAMFIT_SHARD_COUNT: '9' }, [1, 2, 'SLURM_ARRAY_TASK_ID']],
    ['Kubernetes with --shard-count', undefined, 8, { JOB_COMPLETION_INDEX: '5' }, [5, 8, 'JOB_COMPLETION_INDEX']],
    ['Kubernetes with JAMFIT_SHARD_COUNT', undefined, undefined, { JOB_COMPLETION_INDEX: '0', JAMFIT_SHARD_COUNT: '3' }, [0, 3, 'JOB_COMPLETION_INDEX']],
    ['an empty variable is unset', undefined, undefined, { SLURM_ARRAY_TASK_ID: '' }, [0, 1, 'none']],
  ];
  for (const [what, shard, count, env, [index, n, source]] of cases) assert.deepEqual(resolveShard(shard, count, env), { index, count: n, source }, what);
});

test('bad shard values: InputError naming the parameter or variable and the fix', () => {
  const cases: [string, string | undefined, number | undefined, Record<string, string>, RegExp][] = [
    ['not i/N', '2', undefined, {}, /^shard: is '2'; give i\/N/],
    ['index = count', '4/4', undefined, {}, /^shard: gives shard 4 of 4; shards are numbered 0\.\.3$/],
    ['zero shards', '0/0', undefined, {}, /^shard: gives 0 shards/],
    ['negative', '-1/4', undefined, {}, /^shard: is '-1\/4'/],
    ['Slurm without a count', undefined, undefined, { SLURM_ARRAY_TASK_ID: '1' }, /^SLURM_ARRAY_TASK_COUNT: is not set/],
    ['Slurm index past the count (a stepped array)', undefined, undefined, { SLURM_ARRAY_TASK_ID: '20', SLURM_ARRAY_TASK_COUNT: '3' }, /^SLURM_ARRAY_TASK_ID: gives shard 20 of 3.*--array=0-2/],
    ['Slurm text', undefined, undefined, { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '3' }, /^SLURM_ARRAY_TASK_ID: is 'x'/],
    ['Kubernetes without a count', undefined, undefined, { JOB_COMPLETION_INDEX: '1' }, /^shard_count: is needed with JOB_COMPLETION_INDEX/],
    ['Kubernetes index past the count', undefined, 2, { JOB_COMPLETION_INDEX: '2' }, /^JOB_COMPLETION_INDEX: gives shard 2 of 2.*--shard-count/],
    ['--shard-count alone', undefined, 4, {}, /^shard_count: applies only with JOB_COMPLETION_INDEX/],
    ['--shard-count not whole', undefined, 2.5, { JOB_COMPLETION_INDEX: '0' }, /^shard_count: is 2\.5/],
  ];
  for (const [what, shard, count, env, re] of cases) {
    assert.throws(() => resolveShard(shard, count, env), (e: unknown) => e instanceof InputError && re.test(e.message), what);
  }
});

test('N shards cover every galaxy exactly once, with shares differing by at most one', () => {
  for (const n of [1, 2, 3, 7]) {
    for (const total of [1, 5, 23]) {
      const owners = Array.from({ length: total }, (_, k) => Array.from({ length: n }, (_, i) => i).filter((i) => inShard(k, { index: i, count: n, source: '--shard' })));
      assert.ok(owners.every((o) => o.length === 1), `N=${n}, ${total} galaxies: ${JSON.stringify(owners)}`);
      const shares = Array.from({ length: n }, (_, i) => owners.filter((o) => o[0] === i).length);
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1, `shares ${shares}`);
    }
  }
});

test('galaxySeed: the first 48 bits of sha256("jamfit-batch:<seed>:<name>"), depending on both', () => {
  // References from coreutils: printf 'jamfit-batch:1:g1' | sha256sum -> 7962ad4f6126..., etc.
  assert.equal(galaxySeed(1, 'g1'), 0x7962ad4f6126);
  assert.equal(galaxySeed(7, 'NGC6278'), 0x779bd91e77ac);
  assert.notEqual(galaxySeed(2, 'g1'), galaxySeed(1, 'g1'));
  assert.notEqual(galaxySeed(1, 'g2'), galaxySeed(1, 'g1'));
  for (const name of ['a', 'NGC 1', 'x'.repeat(200)]) {
    const s = galaxySeed(123, name);
    assert.ok(Number.isSafeInteger(s) && s >= 0 && s < 2 ** 48, `${name}: ${s}`);
  }
});
