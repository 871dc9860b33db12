/**
 * Small HTML building blocks of the reports (run-report.ts, survey-page.ts): escaping, number
 * formatting, inlining an SVG figure (its ids made unique in the page), and the shared CSS
 * (system fonts only, print-friendly). Pure string builders.
 */

export const escHtml = (s: unknown): string =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A number for a table cell: 4 significant digits (exponent form outside 1e-3..1e6); '' for null/undefined, 'NaN', '∞'. */
export function fmtNum(v: unknown, digits = 4): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(digits - 1);
  if (Number.isInteger(v) && a < 1e6) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/**
 * An SVG document as an inline figure: the XML prolog and doctype dropped, every id (and each
 * reference to it: url(#..), href="#..") prefixed with `scope`, since ids are global in a page
 * and the figures reuse names (gradients, clip paths, bin shapes), and the root given a class so
 * that CSS scales it to the page width.
 */
export function inlineSvg(svg: string, scope: string): string {
  let s = svg.replace(/<\?xml[^>]*\?>/g, '').replace(/<!DOCTYPE[^>]*>/gi, '').trim();
  s = s.replace(/\bid="([^"]+)"/g, (_, id) => `id="${scope}-${id}"`);
  s = s.replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${scope}-${id})`);
  s = s.replace(/((?:xlink:)?href)="#([^"]+)"/g, (_, attr, id) => `${attr}="#${scope}-${id}"`);
  s = s.replace(/<svg\b/, '<svg class="fig" role="img"');
  return s;
}

export const BASE_CSS = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --bad: #a40000; --warn: #8a5300; --ok: #1d6b1d; --head: #f3f3f3; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; line-height: 1.4; font-size: 14px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
.muted { color: var(--muted); } code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; margin: 6px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; vertical-align: top; }
th { background: var(--head); font-weight: 600; } td.l, th.l { text-align: left; }
.warn { color: var(--warn); } .bad { color: var(--bad); font-weight: 600; } .ok { color: var(--ok); }
ul.warnings li { margin: 3px 0; color: var(--warn); }
figure { margin: 12px 0 20px; } figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
svg.fig { max-width: 100%; height: auto; display: block; }
.kv td:first-child { text-align: left; color: var(--muted); } .kv td { text-align: left; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table, .keep { break-inside: avoid; page-break-inside: avoid; }
  .noprint { display: none !important; }
  a { color: inherit; text-decoration: none; }
}
`;
