import { demoCommand } from './cmd-demo.ts';
import { infoCommand } from './cmd-info.ts';
import { jamCommand } from './cmd-jam.ts';
import { mapCommand } from './cmd-map.ts';
import type { IO } from './main.ts';

export interface Command {
  summary: string;
  run(argv: string[], io: IO): Promise<number | void>;
}

export const commands: Record<string, Command> = {
  demo: demoCommand,
  jam: jamCommand,
  map: mapCommand,
  info: infoCommand,
};
