import { cpus, totalmem } from 'node:os';
import { detectBackends } from '../surrogate/backends.ts';
import { defineCommand } from './command.ts';
import { version } from '../version.ts';

export const infoCommand = defineCommand({
  summary: 'Show versions, the machine, and which neural-network backends are installed.',
  options: {},
  async run(_args, io) {
    io.out(`jamfit ${version} on Node ${process.version}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
    io.out('neural-network backends (best first):');
    for (const b of await detectBackends()) io.out(`  ${b.available ? 'yes' : 'no '}  ${b.name.padEnd(30)} ${b.note}`);
    return 0;
  },
});
