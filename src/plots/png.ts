/** SVG -> PNG with resvg (a native binary shipped in an npm platform package; no browser). */
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string, scale = 1.5): Uint8Array {
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return r.render().asPng();
}
