// A small SVG line chart that is redrawn as points arrive: the loss curve (log scale, the domain
// widening by decades as the loss falls) and the kernel weights (linear, with target lines).
import { svg } from './dom.js';

/** A point of a series measured now and then (e.g. the accuracy every 50 steps). */
export interface Point {
  x: number;
  y: number;
}

/** A series: y values at x = 1, 2, 3, … or points at their own x. */
export type SeriesValues = number[] | Point[];

export interface Series {
  label: string;
  color: string;
  /** Stroke width in px (default 2). */
  width?: number;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  y: { scale: 'log' } | { scale: 'linear'; min: number; max: number; ticks: number[] };
  series: Series[];
  /** Dashed horizontal lines, e.g. the values a weight should reach. */
  guides?: { y: number; label: string }[];
  width?: number;
  height?: number;
}

const MARGIN = { left: 52, right: 14, top: 24, bottom: 34 };

export class LineChart {
  readonly element: SVGSVGElement;
  private readonly width: number;
  private readonly height: number;

  constructor(private readonly opts: ChartOptions) {
    this.width = opts.width ?? 420;
    this.height = opts.height ?? 220;
    this.element = svg('svg', {
      class: 'chart',
      viewBox: `0 0 ${this.width} ${this.height}`,
      width: this.width,
      height: this.height,
      role: 'img',
      'aria-label': opts.title,
    });
    this.draw([], 1);
  }

  /** Redraws with `values[s]` = series s (see SeriesValues), on an x axis from 1 to `xMax`. */
  draw(values: SeriesValues[], xMax: number): void {
    const { opts, width, height } = this;
    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const points = values.map((v) => (v as (number | Point)[]).map((p, i) => (typeof p === 'number' ? { x: i + 1, y: p } : p)));
    const [yMin, yMax, yTicks] = this.yDomain(points.flat().map((p) => p.y));
    const log = opts.y.scale === 'log';
    const toY = (v: number) => {
      const t = log ? (Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : (v - yMin) / (yMax - yMin);
      return MARGIN.top + plotH * (1 - Math.min(1, Math.max(0, t)));
    };
    const toX = (x: number) => MARGIN.left + (plotW * (x - 1)) / Math.max(1, xMax - 1);

    const parts: SVGElement[] = [svg('text', { x: MARGIN.left, y: 15, class: 'chart-title' }, opts.title)];
    for (const tick of yTicks) {
      const y = toY(tick);
      parts.push(
        svg('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y, y2: y, class: 'gridline' }),
        svg(
          'text',
          { x: MARGIN.left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' },
          log ? `1e${Math.round(Math.log10(tick))}` : String(tick),
        ),
      );
    }
    for (const x of xTicks(xMax)) {
      parts.push(svg('text', { x: toX(x), y: height - MARGIN.bottom + 16, class: 'tick', 'text-anchor': 'middle' }, String(x)));
    }
    parts.push(
      svg('text', { x: MARGIN.left + plotW / 2, y: height - 4, class: 'axis-label', 'text-anchor': 'middle' }, opts.xLabel),
      svg('rect', { x: MARGIN.left, y: MARGIN.top, width: plotW, height: plotH, class: 'frame' }),
    );
    for (const g of opts.guides ?? []) {
      const y = toY(g.y);
      parts.push(
        svg('line', { x1: MARGIN.left, x2: width - MARGIN.right, y1: y, y2: y, class: 'guide' }),
        // labels sit on the side of their line away from the plot's middle, clear of the curves
        svg(
          'text',
          { x: width - MARGIN.right - 4, y: y < MARGIN.top + plotH / 2 ? y - 4 : y + 13, class: 'tick', 'text-anchor': 'end' },
          g.label,
        ),
      );
    }
    opts.series.forEach((s, k) => {
      const line = (points[k] ?? []).map((p) => `${toX(p.x).toFixed(1)},${toY(p.y).toFixed(1)}`).join(' ');
      parts.push(svg('polyline', { points: line, fill: 'none', stroke: s.color, 'stroke-width': s.width ?? 2 }));
      const legendX = width - MARGIN.right - 90 * (opts.series.length - k);
      parts.push(
        svg('rect', { x: legendX, y: 7, width: 10, height: 10, fill: s.color }),
        svg('text', { x: legendX + 14, y: 16, class: 'tick' }, s.label),
      );
    });
    this.element.replaceChildren(...parts);
  }

  /** [min, max, ticks]: log scale snaps to whole decades around the data (at least one decade). */
  private yDomain(values: number[]): [number, number, number[]] {
    const y = this.opts.y;
    if (y.scale === 'linear') return [y.min, y.max, y.ticks];
    const finite = values.filter((v) => v > 0 && Number.isFinite(v));
    // a loop, not Math.min(...finite): a long run's thousands of points would overflow the call stack
    const lo = finite.length ? Math.floor(Math.log10(finite.reduce((a, b) => Math.min(a, b)))) : -2;
    const hi = finite.length ? Math.ceil(Math.log10(finite.reduce((a, b) => Math.max(a, b)))) : 0;
    const top = Math.max(hi, lo + 1);
    const ticks = Array.from({ length: top - lo + 1 }, (_, i) => 10 ** (lo + i));
    return [10 ** lo, 10 ** top, ticks];
  }
}

/** About five round tick positions between 1 and n. */
function xTicks(n: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => n / s <= 6) ?? Math.ceil(n / 5);
  const ticks = [1];
  for (let x = step; x <= n; x += step) ticks.push(x);
  return ticks;
}
