/** Gravitational constant in (km/s)^2 pc / Msun, the value jampy uses, so V_rms comes out in km/s. */
export const G_KMS2_PC_MSUN = 0.004301;

/**
 * Parsecs per arcsec at a distance of `distanceMpc` Mpc: D * 1e6 pc * (pi / 648000) = D * pi / 0.648.
 * distanceMpc must be > 0.
 */
export function pcPerArcsec(distanceMpc: number): number {
  return (distanceMpc * Math.PI) / 0.648;
}
