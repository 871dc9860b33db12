/**
 * The calibration figures draw what they are given: one bar per rank bin with height proportional
 * to its count, the 99% band spanning the band's counts on the same axis, the expected line at
 * n/B; one coverage curve per parameter, two interval points per parameter, and TARP bands whose
 * widths are the given half-widths. Checked by reading the numbers back out of the SVG.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coverageTarpSvg, rankHistogramsSvg } from '../../src/plots/calibration.ts';
import { svgToPng } from '../../src/plots/png.ts';

const attrs = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<rect class="${cls}" ([^>]*)/>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));

test('rank histograms: bars proportional to the counts, band and expected line on the same scale', () => {
  const panels = [
    { name: 'beta_z', counts: [3, 9, 6, 2], expected: 5, band99: [1, 11] as [number, number], p_chi2: 0.1, p_ks: 0.2 },
    { name: 'q_m', counts: [5, 5, 5, 5], expected: 5, band99: [1, 11] as [number, number], p_chi2: 1, p_ks: 0.9 },
  ];
  const svg = rankHistogramsSvg(panels, 't');
  const bars = attrs(svg, 'bar');
  assert.equal(bars.length, 8);
  assert.deepEqual(bars.map((b) => Number(b['data-count'])), [3, 9, 6, 2, 5, 5, 5, 5]);
  // Pixel heights / counts: one scale for all bars (0.1 px rounding of y and height).
  const perCount = bars.map((b) => Number(b.height) / Number(b['data-count']));
  for (const k of perCount) assert.ok(Math.abs(k - perCount[0]) < 0.1, `${perCount}`);
  const band = attrs(svg, 'band99');
  assert.equal(band.length, 2);
  assert.ok(Math.abs(Number(band[0].height) - 10 * perCount[0]) < 0.2, 'band spans 1..11 counts');
  // The expected line sits 5 counts above the bars' base.
  const base = Number(bars[0].y) + Number(bars[0].height);
  const line = /<line class="expected" x1="[^"]*" x2="[^"]*" y1="([^"]*)"/.exec(svg)!;
  assert.ok(Math.abs(base - Number(line[1]) - 5 * perCount[0]) < 0.2);
  assert.match(svg, /beta_z: p\(chi2\) 0\.10, p\(KS\) 0\.20/);
  assert.ok(svgToPng(svg).length > 1000);
});

test('coverage and TARP: one curve per parameter, two points each, TARP bands of the given half-widths', () => {
  const levels = [0, 0.5, 1];
  const svg = coverageTarpSvg(
    {
      levels,
      n: 100,
      curves: [{ name: 'a', coverage: [0, 0.5, 1] }, { name: 'b', coverage: [0, 0.4, 1] }],
      points: [{ name: 'a', nominal: 0.68, fraction: 0.7, sd: 0.05 }, { name: 'a', nominal: 0.95, fraction: 0.9, sd: 0.02 }, { name: 'b', nominal: 0.68, fraction: 0.6, sd: 0.05 }, { name: 'b', nominal: 0.95, fraction: 0.96, sd: 0.02 }],
      tarp: { alpha: [0, 0.5, 1], ecp: [0, 0.5, 1], band95: 0.1, band99: 0.2, p_ks: 0.5 },
    },
    't',
  );
  assert.equal((svg.match(/class="curve" data-name=/g) ?? []).length, 2);
  assert.equal((svg.match(/class="point"/g) ?? []).length, 4);
  // The band paths start at alpha = 0 on the upper edge: y(0 + h) vs y(0) differ by h x 300 px.
  const y0 = (cls: string) => Number(new RegExp(`class="${cls}" d="M[\\d.]+ ([\\d.]+)`).exec(svg)![1]);
  const panelBottom = 50 + 300;
  assert.ok(Math.abs(panelBottom - y0('band99') - 0.2 * 300) < 0.2);
  assert.ok(Math.abs(panelBottom - y0('band95') - 0.1 * 300) < 0.2);
});
