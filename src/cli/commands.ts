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
import { evaluateCommand } from './cmd-evaluate.ts';
import { validateCommand } from './cmd-validate.ts';
import type { OptionSpecs, ParsedArgs } from './args.ts';
import type { IO } from './main.ts';

/** A declarative command: main.ts parses `options` (and handles --help) before calling `run`. */
export interface Command<S extends OptionSpecs = OptionSpecs> {
  summary: string;
  options: S;
  run(args: ParsedArgs<S>, io: IO): Promise<number | void>;
}

/** Keeps the option types of a command literal (so `run` sees typed arguments). */
export function defineCommand<S extends OptionSpecs>(c: Command<S>): Command<S> {
  return c;
}

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
};
