// A canvas to draw on with a mouse, a pen or a finger (pointer events; touch-action: none in the
// style sheet keeps a finger from scrolling the page instead). Strokes are drawn on a transparent
// canvas over a paper-coloured background, so the ink is the canvas's alpha channel: 0 where
// nothing was drawn, 1 under a stroke, grey at its anti-aliased edges.
import type { GreyImage } from '../lenet/preprocess.js';
import { el } from './dom.js';

/** The canvas's pixels per side (its backing store, whatever its size on screen). */
const SIDE = 280;
/** Stroke width in canvas pixels: a digit drawn across most of the pad comes out about 2 px wide in MNIST's 20 px box, as MNIST's strokes are. */
const STROKE = 22;
const INK = '#14181d';

export class Sketchpad {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** The pointer drawing now (a second finger is ignored) and where its stroke is. */
  private pointer: number | null = null;
  private last: { x: number; y: number } = { x: 0, y: 0 };

  /** `onChange` runs after every piece of stroke and after clear() and show(). */
  constructor(
    label: string,
    private readonly onChange: () => void,
  ) {
    this.canvas = el('canvas', { class: 'sketchpad', width: SIDE, height: SIDE, role: 'img', 'aria-label': label });
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
    this.canvas.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || this.pointer !== null) return;
      e.preventDefault();
      this.canvas.setPointerCapture(e.pointerId);
      this.pointer = e.pointerId;
      this.last = this.toCanvas(e);
      this.segment(this.last, this.last); // a click leaves a dot
    });
    this.canvas.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.pointer) return;
      // the moves the browser merged into this event, so that fast strokes stay smooth
      for (const c of e.getCoalescedEvents?.() ?? [e]) {
        const p = this.toCanvas(c);
        this.segment(this.last, p);
        this.last = p;
      }
    });
    const end = (e: PointerEvent) => {
      if (e.pointerId === this.pointer) this.pointer = null;
    };
    this.canvas.addEventListener('pointerup', end);
    this.canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.clearRect(0, 0, SIDE, SIDE);
    this.onChange();
  }

  /** Paints a side × side grey image (ink 1) over the whole pad, each of its pixels a square. */
  show(image: Float32Array, side: number): void {
    const pixels = new ImageData(side, side);
    for (let i = 0; i < side * side; i++) pixels.data.set([20, 24, 29, Math.round(255 * image[i])], 4 * i);
    const small = new OffscreenCanvas(side, side);
    small.getContext('2d')!.putImageData(pixels, 0, 0);
    this.ctx.clearRect(0, 0, SIDE, SIDE);
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.drawImage(small, 0, 0, SIDE, SIDE);
    this.onChange();
  }

  /** The ink: the canvas's alpha channel in [0, 1]. */
  ink(): GreyImage {
    const { data } = this.ctx.getImageData(0, 0, SIDE, SIDE);
    const ink = new Float32Array(SIDE * SIDE);
    for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i + 3] / 255;
    return { width: SIDE, height: SIDE, data: ink };
  }

  private segment(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const { ctx } = this;
    ctx.strokeStyle = INK;
    ctx.lineWidth = STROKE;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    this.onChange();
  }

  /** The event's position in canvas pixels (the canvas may be drawn at another size, inside a border). */
  private toCanvas(e: PointerEvent): { x: number; y: number } {
    const c = this.canvas;
    const r = c.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left - c.clientLeft) * SIDE) / c.clientWidth,
      y: ((e.clientY - r.top - c.clientTop) * SIDE) / c.clientHeight,
    };
  }
}
