import { batchCommand } from './cmd-batch.ts';
import { demoCommand } from './cmd-demo.ts';
import { fitCommand } from './cmd-fit.ts';
import { infoCommand } from './cmd-info.ts';
import { jamCommand } from './cmd-jam.ts';
import { mapCommand } from './cmd-map.ts';
import { mockCommand } from './cmd-mock.ts';
import { simulateCommand } from './cmd-simulate.ts';
import { trainCommand } from './cmd-train.ts';
import { predictCommand } from './cmd-predict.ts';
import { reportCommand } from './cmd-report.ts';
import { evaluateCommand } from './cmd-evaluate.ts';
import { validateCommand } from './cmd-validate.ts';
import type { Command } from './command.ts';

// Command and defineCommand live in command.ts, which imports no command: a cmd-*.ts that took
// them from here would form an import cycle through this list (test/cli/import-order.test.ts).
export type { Command } from './command.ts';

export const commands: Record<string, Command<any>> = {
  demo: demoCommand,
  jam: jamCommand,
  map: mapCommand,
  info: infoCommand,
  simulate: simulateCommand,
  fit: fitCommand,
  mock: mockCommand,
  train: trainCommand,
  predict: predictCommand,
  evaluate: evaluateCommand,
  validate: validateCommand,
  batch: batchCommand,
  report: reportCommand,
};
