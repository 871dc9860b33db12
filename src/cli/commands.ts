import type { IO } from './main.ts';

export interface Command {
  summary: string;
  run(argv: string[], io: IO): Promise<number | void>;
}

export const commands: Record<string, Command> = {};
