/** jamfit's public API. */
export { JamfitError, InputError, NumericalError } from './errors.ts';
export * from '../samplers/index.ts';
