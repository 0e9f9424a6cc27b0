// §5 LeNet trained live on handwritten digits (lenet/training.ts), then a pad to draw a digit on
// and the network's ten probabilities for it. Training runs in the page's own thread, one
// optimizer step per task: after each step the loop yields to the event loop (yieldToEventLoop),
// so input, painting and the drawing pad go on between steps; the charts are redrawn at most once
// per animation frame, and the held-out accuracy is measured in slices between yields too.
import * as wc from 'wasmconv';
import digitsUrl from '../assets/mnist-digits.bin.gz?url';
import { fetchDigits, type Digits } from '../lenet/digits.js';
import { FRAME, toMnist } from '../lenet/preprocess.js';
import {
  ARCHITECTURES,
  DEFAULT_LR,
  DEFAULT_RECIPE,
  LeNetRun,
  prepareDigits,
  type Architecture,
  type DigitSets,
  type OptimizerName,
  type Recipe,
} from '../lenet/training.js';
import { ProbabilityBars } from '../view/bars.js';
import { LineChart, type Point } from '../view/chart.js';
import { backendSwitch, formatDuration, numberInput } from '../view/controls.js';
import { el, yieldToEventLoop } from '../view/dom.js';
import { divergingColor } from '../view/heatmap.js';
import { Sketchpad } from '../view/sketchpad.js';

/**
 * Steps between two measurements of the accuracy on the held-out digits: measuring costs about a
 * third of the steps' time at 50, a tenth at 100 (at batch 32, a forward pass is a third of a step).
 */
const EVAL_EVERY = 100;
/** Held-out digits per forward pass when measuring, with a yield between: a step's time or less. */
const EVAL_SLICE = 100;
/** The charts are redrawn at most this often (ms) while training: redrawing after every step took half as long as the steps. */
const RENDER_INTERVAL = 100;
/** The loss curve's smooth line is the mean of this many steps. */
const LOSS_WINDOW = 20;
const KERNEL_SIDE = 5;

export type LeNetState = 'loading' | 'idle' | 'running' | 'stopping' | 'stopped' | 'done' | 'error';

/** What the panel has done so far, for the console and the browser tests. */
export interface LeNetStatus {
  state: LeNetState;
  recipe: Recipe | null;
  steps: number;
  targetSteps: number;
  losses: number[];
  /** The held-out accuracy in [0, 1] after step x. */
  accuracy: Point[];
  stepsPerSecond: number;
  examplesPerSecond: number;
  msPerStep: number;
  /** The first layer's kernels, [6, 1, 5, 5] flat. */
  kernels: number[];
  /** The drawing as the network takes it (784 values) and its ten probabilities; null while the pad is blank. */
  prediction: { input: number[]; probabilities: number[] } | null;
}

export interface LeNetPanel {
  status(): LeNetStatus;
}

/** The measurements of one run, reset with it. */
interface History {
  losses: number[];
  smoothed: number[];
  accuracy: Point[];
  /** Wall-clock time and work since the last Start, for the rates. */
  since: number;
  sinceSteps: number;
  sinceExamples: number;
  computeMs: number;
}

export function mountLeNet(root: HTMLElement): LeNetPanel {
  const architecture = el(
    'select',
    { name: 'architecture' },
    ...Object.entries(ARCHITECTURES).map(([key, a]) => el('option', { value: key }, a.label)),
  );
  const optimizer = el('select', { name: 'optimizer' }, el('option', { value: 'adam' }, 'Adam'), el('option', { value: 'sgd' }, 'SGD'));
  const lr = numberInput('lr', 'lr', DEFAULT_RECIPE.lr, 0.0001);
  const batchSize = numberInput('batch', 'batch', DEFAULT_RECIPE.batchSize, 1);
  const epochs = numberInput('epochs', 'epochs', 5, 1);
  const seed = numberInput('seed', 'seed', DEFAULT_RECIPE.seed, 1);
  const backend = backendSwitch('lenet-backend');
  const trainButton = el('button', { type: 'button', class: 'primary', 'data-action': 'train', disabled: '' }, 'Start');
  const resetButton = el('button', { type: 'button', 'data-action': 'reset', disabled: '' }, 'New network');
  const settings = [architecture, optimizer, lr.element, batchSize.element, epochs.element, seed.element];

  const readout = el('p', { class: 'readout' }, 'Loading the 10,000 digits…');
  const announcer = el('p', { class: 'visually-hidden', role: 'status' });
  const lossChart = new LineChart({
    title: 'training loss',
    xLabel: 'step',
    y: { scale: 'log' },
    series: [
      { label: 'each step', color: '#f1a7ae', width: 1 },
      { label: `mean of ${LOSS_WINDOW}`, color: '#b2182b' },
    ],
  });
  const accuracyChart = new LineChart({
    title: 'held-out accuracy (1,000 digits)',
    xLabel: 'step',
    y: { scale: 'linear', min: 0, max: 1, ticks: [0, 0.25, 0.5, 0.75, 1] },
    series: [{ label: 'accuracy', color: '#1b7837' }],
  });
  const kernelCanvases = Array.from({ length: 6 }, (_, k) =>
    el('canvas', { class: 'kernel', width: KERNEL_SIDE, height: KERNEL_SIDE, role: 'img', 'aria-label': `first-layer kernel ${k + 1}` }),
  );
  const kernelsFigure = el(
    'figure',
    { class: 'kernels' },
    el('div', { class: 'kernel-grid' }, ...kernelCanvases),
    el('figcaption', {}, 'conv1’s six 5×5 kernels (blue < 0 < red)'),
  );

  const pad = new Sketchpad('drawing pad: draw a digit here with the mouse, a pen or a finger', () => schedulePrediction());
  const clearButton = el('button', { type: 'button', 'data-action': 'clear' }, 'Clear');
  const sampleButton = el('button', { type: 'button', 'data-action': 'sample', disabled: '' }, 'Show a held-out digit');
  const preview = el('canvas', {
    class: 'digit-preview',
    width: FRAME,
    height: FRAME,
    role: 'img',
    'aria-label': 'the drawing as the network sees it, 28×28',
  });
  const bars = new ProbabilityBars(
    Array.from({ length: 10 }, (_, k) => String(k)),
    'the network’s probability for each digit',
  );
  const verdict = el('p', { class: 'verdict', 'aria-live': 'polite' }, 'Draw a digit.');

  root.append(
    el(
      'div',
      { class: 'controls' },
      ...labelled(['network', architecture], ['optimizer', optimizer]),
      lr.element,
      batchSize.element,
      epochs.element,
      seed.element,
      backend.element,
      trainButton,
      resetButton,
    ),
    readout,
    announcer,
    el('div', { class: 'charts' }, lossChart.element, accuracyChart.element, kernelsFigure),
    el('h3', {}, 'Draw a digit'),
    el(
      'div',
      { class: 'digit-pad' },
      el('figure', {}, pad.canvas, el('figcaption', {}, clearButton, ' ', sampleButton)),
      el('figure', {}, preview, el('figcaption', {}, 'what the network sees (28×28)')),
      el('figure', { class: 'prediction' }, bars.element, verdict),
    ),
  );

  let state: LeNetState = 'loading';
  let digits: Digits | null = null;
  let sets: DigitSets | null = null;
  let run: LeNetRun | null = null;
  let history = freshHistory();
  let input: Float32Array | null = null; // the drawing, preprocessed; recomputed when the pad changes
  let padChanged = true;
  let probabilities: Float32Array | null = null;
  let samples = 0;

  const setState = (s: LeNetState, announce?: string) => {
    state = s;
    root.dataset.state = s;
    const busy = s === 'running' || s === 'stopping';
    trainButton.textContent = busy ? 'Stop' : s === 'stopped' ? 'Resume' : 'Start';
    trainButton.disabled = s === 'loading' || s === 'stopping' || (s === 'error' && !digits);
    resetButton.disabled = busy || !digits;
    for (const control of settings) control.querySelectorAll<HTMLInputElement>('input').forEach((i) => (i.disabled = busy));
    architecture.disabled = optimizer.disabled = busy;
    if (announce) announcer.textContent = announce;
  };
  setState('loading');

  const recipe = (): Recipe => ({
    architecture: architecture.value as Architecture,
    optimizer: optimizer.value as OptimizerName,
    lr: lr.value(),
    batchSize: batchSize.value(),
    seed: seed.value(),
  });
  const targetSteps = () => (run ? Math.max(1, Math.round(epochs.value()) || 1) * run.stepsPerEpoch : 0);

  /** A new, untrained network with the current settings. */
  const newRun = () => {
    try {
      run = new LeNetRun(sets!, recipe());
      history = freshHistory();
      setState('idle', 'A new network, untrained.');
    } catch (err) {
      run = null;
      setState('error');
      readout.textContent = `could not build the network: ${String(err)}`;
      return;
    }
    scheduleRender();
  };

  const train = async () => {
    if (state === 'done' || state === 'error' || !run) newRun();
    const r = run;
    if (!r) return;
    setState('running', 'Training.');
    Object.assign(history, { since: performance.now(), sinceSteps: 0, sinceExamples: 0 });
    try {
      while (state === 'running' && r.steps < targetSteps()) {
        wc.setBackend(backend.value()); // another panel may have switched it between tasks
        const t0 = performance.now();
        const { loss, examples } = r.step();
        history.computeMs += performance.now() - t0;
        record(loss, examples);
        if (r.steps % EVAL_EVERY === 0 || r.steps === targetSteps()) await measureHeldOut(r);
        scheduleRender();
        await yieldToEventLoop();
      }
      const finished = r.steps >= targetSteps();
      const accuracy = history.accuracy.at(-1);
      const summary = `${finished ? 'Done' : 'Stopped'} after ${r.steps} steps${accuracy ? `: ${percent(accuracy.y)} of the held-out digits right` : ''}.`;
      setState(finished ? 'done' : 'stopped', summary);
    } catch (err) {
      setState('error');
      readout.textContent = `training failed: ${String(err)}`;
      console.error(err);
    }
    scheduleRender();
  };

  const record = (loss: number, examples: number) => {
    const h = history;
    h.losses.push(loss);
    const window = h.losses.slice(-LOSS_WINDOW);
    h.smoothed.push(window.reduce((a, b) => a + b, 0) / window.length);
    h.sinceSteps++;
    h.sinceExamples += examples;
  };

  /** The accuracy on all held-out digits, a slice per task. */
  const measureHeldOut = async (r: LeNetRun) => {
    let correct = 0;
    for (let start = 0; start < r.heldOutCount; start += EVAL_SLICE) {
      if (start > 0) await yieldToEventLoop();
      correct += r.countCorrect(start, Math.min(r.heldOutCount, start + EVAL_SLICE));
    }
    history.accuracy.push({ x: r.steps, y: correct / r.heldOutCount });
  };

  // Redraws (readout, charts, kernels, prediction) happen in animation frames, RENDER_INTERVAL apart
  // at most; the prediction alone follows the pen in every frame.
  let renderPending = false;
  let lastRender = -Infinity;
  let predictionPending = false;
  function scheduleRender(): void {
    if (renderPending) return;
    renderPending = true;
    setTimeout(
      () =>
        requestAnimationFrame(() => {
          renderPending = false;
          lastRender = performance.now();
          render();
        }),
      Math.max(0, lastRender + RENDER_INTERVAL - performance.now()),
    );
  }
  function schedulePrediction(): void {
    padChanged = true;
    if (predictionPending) return;
    predictionPending = true;
    requestAnimationFrame(() => {
      predictionPending = false;
      predict();
    });
  }

  const render = () => {
    if (!run) return;
    const h = history;
    const target = targetSteps();
    if (state !== 'error') {
      const accuracy = h.accuracy.at(-1);
      const parts = [`epoch ${run.epochs.toFixed(2)} of ${epochs.value()}`, `step ${run.steps}/${target}`];
      if (h.losses.length) parts.push(`loss ${h.smoothed.at(-1)!.toFixed(4)}`);
      parts.push(`held-out accuracy ${accuracy ? percent(accuracy.y) : '–'}`);
      if (h.sinceSteps) {
        const seconds = (performance.now() - h.since) / 1000;
        parts.push(`${(h.sinceSteps / seconds).toFixed(1)} steps/s`, `${Math.round(h.sinceExamples / seconds)} examples/s`);
        parts.push(`${formatDuration(h.computeMs / h.losses.length)} per step on ${backend.value()}`);
      }
      readout.textContent = parts.join(' · ');
    }
    lossChart.draw([h.losses, h.smoothed], target);
    accuracyChart.draw([h.accuracy], target);
    drawKernels(kernelCanvases, run.kernels());
    predict();
  };

  const predict = () => {
    if (padChanged) {
      input = toMnist(pad.ink());
      padChanged = false;
      drawPreview(preview, input);
    }
    probabilities = run && input ? run.probabilities(input) : null;
    bars.show(probabilities);
    if (!probabilities) {
      verdict.textContent = input ? 'The network is not ready yet.' : 'Draw a digit.';
      return;
    }
    const best = probabilities.indexOf(Math.max(...probabilities));
    verdict.textContent = `The network reads a ${best} (${percent(probabilities[best])}).`;
  };

  trainButton.addEventListener('click', () => {
    if (state === 'running') setState('stopping');
    else void train();
  });
  resetButton.addEventListener('click', newRun);
  // a new network or optimizer starts from its own learning rate; registered first, so that the
  // new run below is built with it
  for (const select of [architecture, optimizer]) {
    select.addEventListener('change', () => {
      lr.element.querySelector('input')!.value = String(DEFAULT_LR[architecture.value as Architecture][optimizer.value as OptimizerName]);
    });
  }
  // any other setting, too, applies to a new network (they cannot change while one trains)
  for (const control of settings) control.addEventListener('change', () => digits && newRun());
  clearButton.addEventListener('click', () => pad.clear());
  sampleButton.addEventListener('click', () => {
    // a stride prime to 1,000 walks through the held-out digits in a mixed order of classes
    const { heldOutIndices } = sets!;
    const i = heldOutIndices[(samples++ * 389) % heldOutIndices.length];
    pad.show(digits!.pixels.subarray(i * FRAME * FRAME, (i + 1) * FRAME * FRAME), FRAME);
  });

  fetchDigits(digitsUrl)
    .then((d) => {
      sets = prepareDigits(d);
      digits = d;
      sampleButton.disabled = false;
      newRun();
    })
    .catch((err: unknown) => {
      setState('error');
      readout.textContent = `could not load the digits: ${String(err)}`;
      console.error(err);
    });

  return {
    status: () => {
      // one clock reading for both rates, so that examples/s ÷ steps/s is the batch size exactly
      const seconds = (performance.now() - history.since) / 1000;
      return {
        state,
        recipe: run?.recipe ?? null,
        steps: run?.steps ?? 0,
        targetSteps: targetSteps(),
        losses: [...history.losses],
        accuracy: [...history.accuracy],
        stepsPerSecond: history.sinceSteps / seconds,
        examplesPerSecond: history.sinceExamples / seconds,
        msPerStep: history.computeMs / Math.max(1, history.losses.length),
        kernels: run ? Array.from(run.kernels()) : [],
        prediction: input && probabilities ? { input: Array.from(input), probabilities: Array.from(probabilities) } : null,
      };
    },
  };
}

function freshHistory(): History {
  return { losses: [], smoothed: [], accuracy: [], since: performance.now(), sinceSteps: 0, sinceExamples: 0, computeMs: 0 };
}

function labelled(...pairs: [string, HTMLElement][]): HTMLElement[] {
  return pairs.map(([label, control]) => el('label', { class: 'field' }, `${label} `, control));
}

function percent(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

/** Each kernel as a 5×5 image on one blue-white-red scale shared by all six, so their strengths compare. */
function drawKernels(canvases: HTMLCanvasElement[], weights: Float32Array): void {
  const size = KERNEL_SIDE * KERNEL_SIDE;
  const m = weights.reduce((a, w) => Math.max(a, Math.abs(w)), 0) || 1;
  canvases.forEach((canvas, k) => {
    const pixels = new ImageData(KERNEL_SIDE, KERNEL_SIDE);
    for (let i = 0; i < size; i++) pixels.data.set([...divergingColor(weights[k * size + i] / m, 0.8), 255], 4 * i);
    canvas.getContext('2d')!.putImageData(pixels, 0, 0);
  });
}

/** The network's input drawn as MNIST's digits are shown: white ink on black. */
function drawPreview(canvas: HTMLCanvasElement, image: Float32Array | null): void {
  const pixels = new ImageData(FRAME, FRAME);
  for (let i = 0; i < FRAME * FRAME; i++) {
    const v = Math.round(255 * (image ? image[i] : 0));
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  canvas.getContext('2d')!.putImageData(pixels, 0, 0);
}
