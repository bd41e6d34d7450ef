/** One line of a chart. */
export interface Series {
  label: string;
  points: { x: number; y: number }[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Round a span to a "nice" tick step (1, 2 or 5 times a power of ten). */
export function niceStep(span: number, ticks = 5): number {
  const raw = span / Math.max(1, ticks);
  if (!(raw > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/**
 * A self-contained SVG line chart (axes, ticks, legend) of the series; the y range is fixed when given
 * (accuracy in [0, 1], say), else fitted to the data. Points with non-finite values are skipped.
 */
export function lineChartSvg(
  title: string,
  series: readonly Series[],
  opts: { xLabel: string; yLabel: string; yRange?: [number, number]; width?: number; height?: number },
): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 360;
  const m = { left: 56, right: 150, top: 32, bottom: 44 };
  const pts = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = opts.yRange ?? (ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
  const xSpan = x1 - x0 || 1;
  const ySpan = y1 - y0 || 1;
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - x0) / xSpan) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / ySpan) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${m.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const yStep = niceStep(ySpan);
  for (let v = Math.ceil(y0 / yStep) * yStep; v <= y1 + 1e-9; v += yStep) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${m.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${+v.toFixed(6)}</text>`,
    );
  }
  const xStep = Math.max(1, niceStep(xSpan));
  for (let v = Math.ceil(x0 / xStep) * xStep; v <= x1 + 1e-9; v += xStep) {
    out.push(
      `<text x="${sx(v).toFixed(1)}" y="${m.top + ph + 16}" text-anchor="middle">${+v.toFixed(6)}</text>`,
    );
  }
  out.push(
    `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`,
    `<text transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const ok = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (ok.length > 0) {
      const d = ok.map((p, j) => `${j ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const p of ok)
        out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${color}"/>`);
    }
    const ly = m.top + 12 + i * 18;
    out.push(
      `<line x1="${m.left + pw + 10}" x2="${m.left + pw + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${m.left + pw + 36}" y="${ly}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
