/* global document */
// Tiny SVG charts drawn by hand: a bar series and a line series with a time axis. No dependency.
const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** points: [{x: epoch ms, y: number}] ; kind: 'bar' | 'line' ; format: y label formatter ; empty: no-data text */
export function drawChart(
  svg,
  points,
  { kind = 'bar', color = '#2f6fde', format = (v) => String(v), yMax, empty = 'no data in this range' } = {},
) {
  svg.replaceChildren();
  const W = svg.clientWidth || 400;
  const H = svg.clientHeight || 160;
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const pad = { l: 40, r: 8, t: 8, b: 20 };
  if (points.length === 0) {
    svg.append(
      el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#7a8594', 'font-size': 12 }, empty),
    );
    return;
  }
  const xs = points.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) + 60_000;
  const top = yMax ?? Math.max(1, ...points.map((p) => p.y));
  const sx = (x) => pad.l + ((x - x0) / (x1 - x0 || 1)) * (W - pad.l - pad.r);
  const sy = (y) => H - pad.b - (y / top) * (H - pad.t - pad.b);
  svg.append(el('line', { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b, stroke: '#c9ced6' }));
  svg.append(
    el(
      'text',
      { x: pad.l - 4, y: pad.t + 10, 'text-anchor': 'end', 'font-size': 10, fill: '#7a8594' },
      format(top),
    ),
  );
  svg.append(
    el(
      'text',
      { x: pad.l - 4, y: H - pad.b, 'text-anchor': 'end', 'font-size': 10, fill: '#7a8594' },
      format(0),
    ),
  );
  const time = (x) => new Date(x).toISOString().slice(11, 16);
  svg.append(el('text', { x: pad.l, y: H - 4, 'font-size': 10, fill: '#7a8594' }, time(x0)));
  svg.append(
    el('text', { x: W - pad.r, y: H - 4, 'font-size': 10, 'text-anchor': 'end', fill: '#7a8594' }, time(x1)),
  );
  if (kind === 'bar') {
    const bw = Math.max(2, ((W - pad.l - pad.r) / ((x1 - x0) / 60_000)) * 0.8);
    for (const p of points) {
      const r = el('rect', { x: sx(p.x), y: sy(p.y), width: bw, height: H - pad.b - sy(p.y), fill: color });
      r.append(el('title', {}, `${time(p.x)}: ${format(p.y)}`));
      svg.append(r);
    }
  } else {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
    svg.append(el('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
    for (const p of points) svg.append(el('circle', { cx: sx(p.x), cy: sy(p.y), r: 2.5, fill: color }));
  }
}
