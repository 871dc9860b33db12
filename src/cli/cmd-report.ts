import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import { writeRunArtifacts, writeSurveyPage } from '../report/index.ts';
import { defineCommand } from './command.ts';

export const reportCommand = defineCommand({
  summary: 'Write report.html and posterior.nc (ArviZ) for a finished run folder, or summary.html for a jamfit batch folder: jamfit report <folder>.',
  options: {},
  async run(a, io) {
    if (a._.length !== 1) throw new InputError('folder', `give exactly one run or survey folder (got ${a._.length}): jamfit report runs/<name>`);
    const dir = a._[0];
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'no such folder: give a run folder of jamfit fit or the --out folder of jamfit batch');
    if (existsSync(join(dir, 'summary.json'))) {
      for (const f of await writeRunArtifacts(dir)) io.out(`wrote ${f}`);
    } else if (existsSync(join(dir, 'summary.csv'))) {
      io.out(`wrote ${writeSurveyPage(dir)}`);
    } else {
      throw new InputError(dir, 'neither summary.json (a jamfit fit run folder) nor summary.csv (a jamfit batch folder) is there');
    }
    return 0;
  },
});
