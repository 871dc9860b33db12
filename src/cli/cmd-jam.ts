import { jamVrms } from '../jam/jam.ts';
import { writeFileAtomic } from '../../core/atomic-write.ts';
import { readJamCase, withFile } from '../data/jam-case.ts';
import { defineCommand } from './command.ts';

const options = {
  input: { type: 'string', alias: 'i', required: true, description: 'JAM case JSON file (see README: CLI contract)' },
  output: { type: 'string', alias: 'o', description: 'write {"vrms": [..]} here (default: stdout)' },
} as const;

export const jamCommand = defineCommand({
  summary: 'Evaluate the exact JAM V_rms (km/s) at the sky points of a case file.',
  options,
  async run(args, io) {
    const input = args.input as string;
    const c = readJamCase(input);
    const vrms = withFile(input, () => jamVrms(c.params, c.x, c.y, c.options));
    const json = JSON.stringify({ vrms: Array.from(vrms) });
    if (args.output) writeFileAtomic(args.output, json + '\n');
    else io.out(json);
    return 0;
  },
});
