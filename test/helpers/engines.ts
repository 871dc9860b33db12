/** The MLP engines that load on this machine, for tests that loop over them. */
import { createEngine, type EngineName, type EngineOptions, type MlpEngine } from '../../src/surrogate/engine.ts';
import type { FoldedMlp } from '../../src/surrogate/folded.ts';

/** Every engine that loads here (js always; tfjs and ort when installed), in that order. */
export async function enginesPresent(fm: FoldedMlp, opts?: EngineOptions): Promise<MlpEngine[]> {
  const out: MlpEngine[] = [];
  for (const name of ['js', 'tfjs', 'ort'] as EngineName[]) {
    try {
      out.push(await createEngine(name, fm, opts));
    } catch (err) {
      if (name === 'js') throw err; // optional engines may be absent; js may not
    }
  }
  return out;
}

/** The names of the engines that load here (each made once and disposed). */
export async function engineNamesPresent(fm: FoldedMlp): Promise<EngineName[]> {
  return (await enginesPresent(fm)).map((e) => {
    e.dispose();
    return e.name.split('-')[0] as EngineName;
  });
}
