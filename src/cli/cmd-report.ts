import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { writeRunArtifacts, writeSurveyPage } from '../report/index.ts';
import { defineCommand } from './command.ts';

export const reportCommand = defineCommand({
  summary: 'Write report.html and posterior.nc (ArviZ) for a finished run folder, or summary.html for a jamfit batch folder (--runs: and each galaxy\'s): jamfit report <folder>.',
  options: {
    runs: { type: 'boolean', description: 'with a batch folder: also write report.html and posterior.nc in every finished galaxy folder (<name>/summary.json)' },
  },
  async run(a, io) {
    if (a._.length !== 1) throw new InputError('folder', `give exactly one run or survey folder (got ${a._.length}): jamfit report runs/<name>`);
    const dir = a._[0];
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'no such folder: give a run folder of jamfit fit or the --out folder of jamfit batch');
    if (existsSync(join(dir, 'summary.json'))) {
      for (const f of await writeRunArtifacts(dir)) io.out(`wrote ${f}`);
    } else if (existsSync(join(dir, 'summary.csv'))) {
      if (a.runs) {
        let n = 0;
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (!e.isDirectory() || !existsSync(join(dir, e.name, 'summary.json'))) continue;
          try {
            await writeRunArtifacts(join(dir, e.name));
            n++;
          } catch (err) {
            // One galaxy's broken folder does not stop the others.
            io.err(`jamfit report: ${e.name}: ${(err as Error).message.split('\n')[0]}`);
          }
        }
        io.out(`wrote report.html and posterior.nc in ${n} galaxy folders`);
      }
      io.out(`wrote ${writeSurveyPage(dir)}`);
    } else {
      throw new InputError(dir, 'neither summary.json (a jamfit fit run folder) nor summary.csv (a jamfit batch folder) is there');
    }
    return 0;
  },
});
