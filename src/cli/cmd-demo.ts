import { fileURLToPath } from 'node:url';
import { runFit } from '../fit/fit.ts';
import { reportFit } from './cmd-fit.ts';
import { defineCommand } from './command.ts';

/** The bundled mock galaxy (fixtures/examples/mock-galaxy/README.md: how it was made). */
const MOCK = (f: string) => fileURLToPath(new URL(`../../fixtures/examples/mock-galaxy/${f}`, import.meta.url));

const options = {
  out: { type: 'string', alias: 'o', default: 'runs/demo', description: 'run folder' },
  exact: { type: 'boolean', description: 'fit with the exact JAM instead of the surrogate (~15 min instead of seconds)' },
  steps: { type: 'number', description: 'sampler steps', default: 5000 },
} as const;

export const demoCommand = defineCommand({
  summary: 'Fit the bundled mock galaxy (115 IFU bins, PSF 1", 3" pixels) with the surrogate: runs/demo gets the chain, summary.json, corner plot and maps.',
  options,
  async run(a, io) {
    io.out(`jamfit demo: fitting ${MOCK('kinematics.csv')} (truth: beta_z 0.15, q_m 0.75, inc_deg 65, ml 4)`);
    const r = await runFit(
      {
        kinematics: MOCK('kinematics.csv'),
        photometry: MOCK('photometry.json'),
        truth: MOCK('truth.json'),
        distance: 20,
        psfSigma: '1',
        pixsize: 3,
        out: a.out as string,
        exact: a.exact,
        steps: a.steps,
        seed: 1,
        argv: ['demo', ...process.argv.slice(3)],
      },
      io,
    );
    reportFit(io, r);
    return 0;
  },
});
