/**
 * SVG figures of `jamfit evaluate` (rasterised by src/plots/png.ts): the paper's Figure 3 (two
 * histograms on a log10 error axis: per-point relative error, per-map maximum error, with the
 * median and the 1% line marked) and the error against photometric degradation.
 */
const W = 900;
const H = 380;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function histogramPanel(x0: number, w: number, h: number, values: ArrayLike<number>, title: string, lo: number, hi: number, bins: number): string {
  const counts = new Float64Array(bins);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const t = Math.log10(Math.max(values[i], 10 ** lo));
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((t - lo) / (hi - lo)) * bins)));
    counts[b]++;
    total++;
  }
  const cmax = Math.max(...counts) / total || 1;
  const px = (t: number) => x0 + 50 + ((t - lo) / (hi - lo)) * (w - 70);
  const py = (f: number) => 40 + (h - 90) * (1 - f / cmax);
  let s = `<text x="${x0 + w / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`;
  for (let b = 0; b < bins; b++) {
    const f = counts[b] / total;
    s += `<rect x="${px(lo + ((hi - lo) * b) / bins).toFixed(1)}" y="${py(f).toFixed(1)}" width="${((w - 70) / bins - 0.5).toFixed(2)}" height="${(py(0) - py(f)).toFixed(1)}" fill="#4a7bb7"/>`;
  }
  s += `<line x1="${px(lo)}" y1="${py(0)}" x2="${px(hi)}" y2="${py(0)}" stroke="black"/>`;
  for (let t = Math.ceil(lo); t <= hi; t++) s += `<line x1="${px(t)}" y1="${py(0)}" x2="${px(t)}" y2="${py(0) + 5}" stroke="black"/><text x="${px(t)}" y="${py(0) + 20}" text-anchor="middle" font-size="12">${t >= -2 ? `${+(100 * 10 ** t).toPrecision(2)}%` : `1e${t + 2}%`}</text>`;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const med = sorted[Math.floor(sorted.length / 2)];
  s += `<line x1="${px(Math.log10(med))}" y1="40" x2="${px(Math.log10(med))}" y2="${py(0)}" stroke="#d62728" stroke-dasharray="4 3"/><text x="${px(Math.log10(med)) + (px(Math.log10(med)) > x0 + w - 130 ? -4 : 4)}" y="52" font-size="12" fill="#d62728" text-anchor="${px(Math.log10(med)) > x0 + w - 130 ? 'end' : 'start'}">median ${(100 * med).toPrecision(2)}%</text>`;
  s += `<text x="${x0 + 16}" y="${(40 + py(0)) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 ${x0 + 16} ${(40 + py(0)) / 2})">fraction (linear)</text>`;
  s += `<line x1="${px(-2)}" y1="40" x2="${px(-2)}" y2="${py(0)}" stroke="#2ca02c" stroke-dasharray="2 2"/>`;
  s += `<text x="${x0 + w / 2}" y="${h - 12}" text-anchor="middle" font-size="13">|relative error| (log scale)</text>`;
  return s;
}

/** Figure 3: per-point and per-map-max relative error histograms. */
export function figure3Svg(point: ArrayLike<number>, mapMax: ArrayLike<number>, subtitle: string): string {
  const body = histogramPanel(0, W / 2, H - 20, point, 'per-point |error|', -7, 0, 70) + histogramPanel(W / 2, W / 2, H - 20, mapMax, 'per-map max |error|', -5, 0, 50);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans"><rect width="100%" height="100%" fill="white"/>${body}<text x="${W / 2}" y="${H - 4}" text-anchor="middle" font-size="11" fill="#555">${esc(subtitle)}</text></svg>`;
}

/** Median per-point error and 99th-percentile map max error against a degradation level. */
export function degradationSvg(rows: { level: number; median: number; p99: number }[], xlabel: string): string {
  const lo = -6;
  const hi = 0;
  const xs = rows.map((r) => r.level);
  const xmax = Math.max(...xs, 1e-9);
  const px = (x: number) => 70 + (x / xmax) * (W - 110);
  const py = (v: number) => 30 + (H - 90) * (1 - (Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo));
  let s = '';
  for (let t = lo; t <= hi; t++) s += `<line x1="70" y1="${py(10 ** t)}" x2="${W - 40}" y2="${py(10 ** t)}" stroke="#ddd"/><text x="64" y="${py(10 ** t) + 4}" text-anchor="end" font-size="12">${+(100 * 10 ** t).toPrecision(2)}%</text>`;
  const line = (key: 'median' | 'p99', colour: string) => `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${rows.map((r) => `${px(r.level).toFixed(1)},${py(r[key]).toFixed(1)}`).join(' ')}"/>` + rows.map((r) => `<circle cx="${px(r.level).toFixed(1)}" cy="${py(r[key]).toFixed(1)}" r="3.5" fill="${colour}"/>`).join('');
  s += line('median', '#4a7bb7') + line('p99', '#d62728');
  for (const x of xs) s += `<text x="${px(x)}" y="${H - 40}" text-anchor="middle" font-size="12">${x}</text>`;
  s += `<text x="${W / 2}" y="${H - 15}" text-anchor="middle" font-size="13">${esc(xlabel)}</text>`;
  s += `<text x="90" y="22" font-size="13" fill="#4a7bb7">median per-point |error|</text><text x="330" y="22" font-size="13" fill="#d62728">99th percentile of per-map max |error|</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans"><rect width="100%" height="100%" fill="white"/>${s}</svg>`;
}
