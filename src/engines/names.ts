/**
 * The likelihood engines (design.md "The path of one fit"): where a fit's binned V_rms^2 come from.
 *  - surrogate: the neural network (CNN once per galaxy, MLP per call); Sérsic-like light, qm mass.
 *  - tabulated: the exact JAM as basis maps tabulated in inclination (src/engines/tabulated);
 *    mass follows light, black hole, haloes, anisotropy groups; microseconds per call.
 *  - direct:    the exact JAM evaluated at every call (src/jam); the reference.
 * 'auto' picks one per galaxy (src/engines/choose.ts).
 */
export const ENGINE_NAMES = ['surrogate', 'tabulated', 'direct'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];
