/**
 * Small HTML building blocks of the reports (run-report.ts, survey-page.ts): escaping, number
 * formatting, inlining an SVG figure (its ids made unique in the page), and the shared CSS
 * (system fonts only, print-friendly), tables, the page head and the page writer.
 */
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.ts';

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

/** A table cell: the formatted value, its number in data-value (what the survey page sorts by). */
export const cell = (v: unknown, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}${typeof v === 'number' ? ` data-value="${escHtml(v)}"` : ''}>${escHtml(fmtNum(v))}</td>`;

/** Key-value rows (empty values left out) as a two-column table. */
export const kvTable = (rows: [string, unknown][]): string =>
  `<table class="kv">${rows.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => `<tr><td>${escHtml(k)}</td><td class="mono">${escHtml(typeof v === 'number' ? fmtNum(v, 6) : typeof v === 'object' ? JSON.stringify(v) : String(v))}</td></tr>`).join('')}</table>`;

/** An inlined SVG figure with its caption ('' without an SVG). */
export function figure(svg: string | null, scope: string, caption: string): string {
  if (!svg) return '';
  return `<figure class="keep" id="fig-${scope}">${inlineSvg(svg, scope)}<figcaption>${escHtml(caption)}</figcaption></figure>`;
}

/**
 * The page's head, up to and including <style>BASE_CSS: every page is self-contained and its
 * content policy allows no network (inline styles and data: images; inline scripts when asked).
 * The caller appends any extra CSS and closes with </style></head>.
 */
export function pageHead(title: string, o: { script?: boolean } = {}): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; ${o.script ? "script-src 'unsafe-inline'; " : ''}img-src data:">
<title>${escHtml(title)}</title><style>${BASE_CSS}`;
}

/** Writes `html` as `<dir>/<name>` atomically (not fsynced: a page is rewritten from the folder's files). @returns the path. */
export function writePage(dir: string, name: string, html: string): string {
  const out = join(resolve(dir), name);
  writeFileAtomic(out, html, { durable: false });
  return out;
}
