import { fileURLToPath } from 'node:url';
import { makeMap, reportMap } from './cmd-map.ts';
import { defineCommand } from './commands.ts';

const EXAMPLE = fileURLToPath(new URL('../../fixtures/examples/demo-galaxy.json', import.meta.url));

const options = {
  out: { type: 'string', alias: 'o', default: 'runs/demo', description: 'output folder' },
} as const;

export const demoCommand = defineCommand({
  summary: 'Run the main job on the bundled example galaxy (currently: its exact JAM V_rms map with PSF).',
  options,
  async run(a, io) {
    io.out(`jamfit demo: ${EXAMPLE}`);
    reportMap(io, makeMap(EXAMPLE, a.out as string, 24, 0.5));
    return 0;
  },
});
