/**
 * Colour maps, t in [0, 1] -> '#rrggbb'; outside is clamped; NaN gives light grey (no data).
 * Each is a list of anchor colours at equal steps of t, linearly interpolated in sRGB.
 */
const hexToRgb = (h: string) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

/** A colour map from equally spaced anchor colours (>= 2, '#rrggbb'). */
export function anchorColormap(hexes: readonly string[]): (t: number) => string {
  const anchors = hexes.map(hexToRgb);
  return (t: number) => {
    if (Number.isNaN(t)) return '#dddddd';
    const u = Math.min(Math.max(t, 0), 1) * (anchors.length - 1);
    const i = Math.min(Math.floor(u), anchors.length - 2);
    const f = u - i;
    const c = anchors[i].map((v, k) => Math.round(v + f * (anchors[i + 1][k] - v)));
    return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  };
}

/** Perceptually uniform sequential map (viridis, by van der Walt & Smith; anchors at steps of 0.1). */
export const viridis = anchorColormap(['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26', '#fde725']);

/**
 * Diverging map for signed quantities (velocities, normalised residuals): blue (t = 0) through
 * near-white (t = 0.5, the zero of a symmetric range) to red (t = 1). Anchors: ColorBrewer's
 * 11-class RdBu (Brewer, Apache-2.0 licensed colour values), reversed so that positive is red.
 */
export const diverging = anchorColormap(['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f']);
