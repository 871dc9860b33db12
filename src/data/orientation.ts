/**
 * Orientation of input bins: the rotation from input sky coordinates (x, y) into the galaxy
 * frame (x' along the projected photometric major axis, y' along the projected minor axis).
 *
 * Convention (design.md): the position angle PA (degrees) is measured counter-clockwise from +y
 * of the input coordinates, so the major axis points along the unit vector
 *     e1 = (-sin PA, cos PA)
 * (north through east when x points west and y north). The minor axis e2 is e1 turned by +90°:
 *     e2 = (-cos PA, -sin PA).
 * A point r = (x - x0, y - y0), relative to the centre (x0, y0), has galaxy coordinates
 *     x' = r·e1 = -(x - x0) sin PA + (y - y0) cos PA
 *     y' = r·e2 = -(x - x0) cos PA - (y - y0) sin PA.
 * This is a proper rotation (determinant +1, no mirror) by -(90° + PA), so V_rms maps and
 * handedness are kept. PA and PA + 180° give the same axis with x', y' both reversed; a V_rms
 * model of an axisymmetric galaxy is even in x' and y', so either works for a V_rms fit.
 *
 * Worked example: PA = 30°. e1 = (-0.5, 0.866). The input point (x, y) = (-1, 1.732) lies on the
 * major axis, 2 arcsec from the centre: x' = 0.5 + 1.5 = 2, y' = 0.866 - 0.866 = 0.
 * PA = 0° puts the major axis on +y: (0, 1) -> (x', y') = (1, 0).
 *
 * DYNAMITE's aperture.dat stores `angle` = the angle, counter-clockwise, from the galaxy major
 * axis to the x-axis of the input data (its docs call it 90 - position_angle). Its major axis
 * therefore lies at -angle counter-clockwise from +x, which in the convention above is
 * PA = -(90 + angle): see `paFromDynamiteAngle`.
 */
import { InputError } from '../../core/errors.ts';

export interface Orientation {
  /** Position angle of the photometric major axis, degrees counter-clockwise from +y; any finite value. */
  readonly paDeg: number;
  /** Galaxy centre in input coordinates (arcsec), subtracted before the rotation; default 0. */
  readonly x0?: number;
  readonly y0?: number;
}

function check(o: Orientation): { c: number; s: number; x0: number; y0: number } {
  const { paDeg, x0 = 0, y0 = 0 } = o;
  if (typeof paDeg !== 'number' || !Number.isFinite(paDeg)) {
    throw new InputError('pa', `is ${paDeg}; give the position angle in degrees (counter-clockwise from +y)`);
  }
  for (const [name, v] of [['x0', x0], ['y0', y0]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(name, `is ${v}; give the centre in arcsec`);
  }
  const a = (paDeg * Math.PI) / 180;
  return { c: Math.cos(a), s: Math.sin(a), x0, y0 };
}

/** Unit vector of the major axis, (-sin PA, cos PA), in input coordinates. */
export function majorAxisDirection(paDeg: number): [number, number] {
  const { c, s } = check({ paDeg });
  return [-s, c];
}

/**
 * Input sky coordinates (arcsec) -> galaxy frame (x' on the major axis, y' on the minor axis),
 * shifting by the centre first. Pure; returns new arrays of the same length. Throws InputError
 * for a non-finite PA or centre, or arrays of different lengths.
 */
export function toGalaxyFrame(x: ArrayLike<number>, y: ArrayLike<number>, o: Orientation): { x: Float64Array; y: Float64Array } {
  if (x.length !== y.length) throw new InputError('y', `has ${y.length} values but x has ${x.length}`);
  const { c, s, x0, y0 } = check(o);
  const xg = new Float64Array(x.length);
  const yg = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const dx = x[i] - x0;
    const dy = y[i] - y0;
    xg[i] = -dx * s + dy * c;
    yg[i] = -dx * c - dy * s;
  }
  return { x: xg, y: yg };
}

/** Inverse of `toGalaxyFrame`: galaxy frame -> input sky coordinates (arcsec). */
export function fromGalaxyFrame(xg: ArrayLike<number>, yg: ArrayLike<number>, o: Orientation): { x: Float64Array; y: Float64Array } {
  if (xg.length !== yg.length) throw new InputError('y', `has ${yg.length} values but x has ${xg.length}`);
  const { c, s, x0, y0 } = check(o);
  const x = new Float64Array(xg.length);
  const y = new Float64Array(xg.length);
  for (let i = 0; i < xg.length; i++) {
    // r = x' e1 + y' e2 (the transpose of the rotation).
    x[i] = x0 - xg[i] * s - yg[i] * c;
    y[i] = y0 + xg[i] * c - yg[i] * s;
  }
  return { x, y };
}

/**
 * The jamfit PA (degrees, in (-180, 180]) that gives exactly DYNAMITE's model frame for an
 * aperture.dat rotation `angleDeg`: PA = -(90 + angle). For NGC 6278 (angle = -36°) this is
 * PA = -54°: the major axis lies 36° counter-clockwise from +x. DYNAMITE's own
 * "position_angle" (90 - angle = 126°) is the same axis with x' reversed (PA + 180°).
 */
export function paFromDynamiteAngle(angleDeg: number): number {
  if (!Number.isFinite(angleDeg)) throw new InputError('aperture angle', `is ${angleDeg}; it must be a finite number of degrees`);
  let pa = -(90 + angleDeg) % 360;
  if (pa <= -180) pa += 360;
  if (pa > 180) pa -= 360;
  return pa === 0 ? 0 : pa; // no -0
}
