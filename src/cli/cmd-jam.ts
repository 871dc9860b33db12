import { jamVrms } from '../jam/jam.ts';
import { jamVlos } from '../jam/first-moment-jam.ts';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { InputError } from '../../core/errors.ts';
import { checkAlign, readJamCase, withFile } from '../data/jam-case.ts';
import { defineCommand } from './command.ts';

const options = {
  input: { type: 'string', alias: 'i', required: true, description: 'JAM case JSON file (see README: CLI contract)' },
  output: { type: 'string', alias: 'o', description: 'write {"vrms": [..]} (and "v": [..] when the case gives kappa) here (default: stdout)' },
  align: { type: 'string', description: 'velocity ellipsoid alignment: cyl (Cappellari 2008) or sph (Cappellari 2020); overrides the case\'s "align" (default cyl)' },
} as const;

export const jamCommand = defineCommand({
  summary: 'Evaluate the exact JAM V_rms (km/s) at the sky points of a case file (and V when it gives kappa).',
  options,
  async run(args, io) {
    const input = args.input as string;
    const align = args.align === undefined ? undefined : checkAlign(args.align, '--align');
    const c = readJamCase(input);
    if (align !== undefined) c.options.align = align;
    if (c.kappa !== undefined && c.options.align === 'sph') {
      throw new InputError('--align', 'is "sph" but the case gives kappa, the first moment of the cylindrically aligned model; use --align cyl or remove kappa');
    }
    const vrms = withFile(input, () => jamVrms(c.params, c.x, c.y, c.options));
    const out: { vrms: number[]; v?: number[] } = { vrms: Array.from(vrms) };
    if (c.kappa !== undefined) out.v = Array.from(withFile(input, () => jamVlos(c.params, c.x, c.y, c.kappa!, { ...c.options, nodes: undefined })));
    const json = JSON.stringify(out);
    if (args.output) writeFileAtomic(args.output, json + '\n');
    else io.out(json);
    return 0;
  },
});
