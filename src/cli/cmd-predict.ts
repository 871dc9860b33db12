import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { withFile } from '../data/jam-case.ts';
import { loadSurrogate } from '../surrogate/model-files.ts';
import { parsePredictCase, predictVrms } from '../surrogate/predict.ts';
import { defineCommand } from './command.ts';

const options = {
  input: { type: 'string', alias: 'i', required: true, description: 'case JSON: sersic {n, re_arcsec, q, ie_lsun_pc2}, distance_mpc, ml, beta_z, q_m, inc_deg, x, y' },
  output: { type: 'string', alias: 'o', description: 'write {"vrms": [..]} here (default: stdout)' },
  model: { type: 'string', description: 'surrogate directory from `jamfit train` (default: the shipped fixtures/surrogate)' },
  engine: { type: 'string', description: 'ort, tfjs or js (default: the fastest present)' },
  'via-cnn': { type: 'boolean', description: 'read (n, q) from the rendered photometry with the CNN instead of using them exactly' },
} as const;

export const predictCommand = defineCommand({
  summary: 'Surrogate V_rms (km/s) at sky points for a Sersic galaxy (same scale as `jamfit jam` with the Sersic MGE).',
  options,
  async run(a, io) {
    const input = a.input as string;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(input, 'utf8'));
    } catch (e) {
      throw new InputError(input, `cannot be read as JSON (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path and the syntax`);
    }
    const engine = a.engine as string | undefined;
    if (engine !== undefined && !['ort', 'tfjs', 'js'].includes(engine)) throw new InputError('--engine', `is '${engine}'; give ort, tfjs or js`);
    const s = loadSurrogate(...((a.model ? [a.model as string] : []) as [string?]));
    const c = withFile(input, () => parsePredictCase(raw));
    let res;
    try {
      res = await predictVrms(s, c, { engine: engine as 'ort' | 'tfjs' | 'js' | undefined, viaCnn: Boolean(a['via-cnn']) });
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${input}: ${e.where}`, e.message.slice(e.where.length + 2));
      throw e;
    }
    const json = JSON.stringify({ vrms: Array.from(res.vrms) });
    if (a.output) writeFileAtomic(a.output as string, json + '\n');
    else io.out(json);
    return 0;
  },
});
