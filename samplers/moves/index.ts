/** The proposal moves: stretch (default), differential evolution, walk and DE-snooker. */
export type { Move, ProposalContext, WeightedMove } from './move.ts';
export { stretchMove } from './stretch.ts';
export { deMove } from './de.ts';
export { walkMove } from './walk.ts';
export { snookerMove } from './snooker.ts';
