/** The built-in engines by name (names.ts); `buildFitProblem` also takes any other Engine object. */
import type { Engine } from './engine.ts';
import type { EngineName } from './names.ts';
import { directEngine } from './direct.ts';
import { surrogateEngine } from './surrogate.ts';
import { tabulatedEngine } from './tabulated/engine.ts';

export const ENGINES: Record<EngineName, Engine<any>> = {
  surrogate: surrogateEngine,
  tabulated: tabulatedEngine,
  direct: directEngine,
};
