import { fileURLToPath } from 'node:url';
import { helpText, parseArgs } from './args.ts';
import { makeMap, reportMap } from './cmd-map.ts';
import type { Command } from './commands.ts';

const EXAMPLE = fileURLToPath(new URL('../../fixtures/examples/demo-galaxy.json', import.meta.url));

const options = {
  out: { type: 'string', alias: 'o', default: 'runs/demo', description: 'output folder' },
  help: { type: 'boolean', alias: 'h', description: 'show this help' },
} as const;

const summary = 'Run the main job on the bundled example galaxy (currently: its exact JAM V_rms map with PSF).';

export const demoCommand: Command = {
  summary,
  async run(argv, io) {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(helpText('demo', summary, options));
      return 0;
    }
    const a = parseArgs(argv, options);
    io.out(`jamfit demo: ${EXAMPLE}`);
    reportMap(io, makeMap(EXAMPLE, a.out as string, 24, 0.5));
    return 0;
  },
};
