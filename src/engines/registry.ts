/** The built-in engines by name (names.ts); `buildFitProblem` also takes any other Engine object. */
import type { Engine } from './engine.ts';
import type { EngineName } from './names.ts';
import { directEngine } from './direct.ts';
import { surrogateEngine } from './surrogate.ts';
import { surrogateMgeEngine } from './surrogate-mge.ts';
import { tabulatedEngine } from './tabulated/engine.ts';

export const ENGINES: Record<EngineName, Engine<any>> = {
  surrogate: surrogateEngine,
  tabulated: tabulatedEngine,
  direct: directEngine,
};

/**
 * The engine called `name` for a fit of `massModel`, or undefined for an unknown name. One name,
 * two networks: 'surrogate' is the Sérsic surrogate for qm fits and the multi-component one
 * (surrogate-mge.ts) for mass following the light.
 */
export function engineNamed(name: string, massModel: 'qm' | 'light'): Engine<any> | undefined {
  if (name === 'surrogate' && massModel === 'light') return surrogateMgeEngine;
  return (ENGINES as Record<string, Engine<any>>)[name];
}
