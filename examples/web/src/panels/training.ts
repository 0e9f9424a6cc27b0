// §2 Learning the edge kernel back from the image and its edge map, live: the notebook's
// nn.Corr2d + MSELoss + SGD loop (cell 38) or its nn.Conv2d version (cell 51), one optimizer
// step after another between animation frames, on the backend the user picks.
import * as wc from 'wasmconv';
import type { BackendName, Tensor } from 'wasmconv';
import { LineChart } from '../view/chart.js';
import { backendSwitch, formatDuration, numberInput } from '../view/controls.js';
import { el, nextFrame } from '../view/dom.js';
import { formatValue, heatmap } from '../view/heatmap.js';

/** One training run in progress: `step()` does one optimizer step and returns the loss before it. */
interface Trainer {
  weight: Tensor;
  step(): number;
}

interface Model {
  label: string;
  lr: number;
  epochs: number;
  build(seed: number, lr: number): Trainer;
}

/** What a finished run leaves on the panel (data-run), for the runs table and the tests. */
export interface TrainingRun {
  model: string;
  backend: BackendName;
  epochs: number;
  lr: number;
  seed: number;
  losses: number[];
  weight: number[];
  msPerStep: number;
}

/** The notebook's data: the 6×8 image (middle four columns black) and its edges under [-1, 1]. */
function edgeData(): { X: Tensor; Y: Tensor } {
  const X = wc.ones([6, 8]);
  X.set(':, 2:6', 0);
  return { X, Y: wc.corr2d(X, wc.tensor([[-1, 1]])) };
}

const MODELS: Record<string, Model> = {
  corr2d: {
    label: 'nn.Corr2d + MSELoss + SGD (notebook cell 38)',
    lr: 0.1,
    epochs: 100,
    build(seed, lr) {
      const { X, Y } = edgeData();
      // V0 = torch.rand(size=(1, 2)), from a seed so that both backends start alike
      const net = new wc.nn.Corr2d(wc.rand([1, 2], { seed }));
      const loss = new wc.nn.MSELoss();
      const optimizer = new wc.optim.SGD(net.parameters(), { lr });
      return {
        weight: net.weight,
        step() {
          const l = loss.forward(net.forward(X).reshape(1, -1), Y.reshape(1, -1));
          optimizer.zeroGrad();
          l.backward();
          optimizer.step();
          return l.item();
        },
      };
    },
  },
  conv2d: {
    label: 'nn.Conv2d + sum of squares + SGD (cell 51)',
    lr: 0.03,
    epochs: 10,
    build(seed, lr) {
      const { X, Y } = edgeData();
      const [x, y] = [X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)];
      const net = new wc.nn.Conv2d(1, 1, [1, 2], { bias: false, seed });
      const optimizer = new wc.optim.SGD(net.parameters(), { lr });
      return {
        weight: net.weight,
        step() {
          const l = net.forward(x).sub(y).square().sum();
          optimizer.zeroGrad();
          l.backward();
          optimizer.step();
          return l.item();
        },
      };
    },
  },
};

/** A run is drawn over about this long, whatever the number of epochs, so it can be watched. */
const ANIMATION_MS = 1500;

export function mountTraining(root: HTMLElement, onLearned: (kernel: Tensor) => void): void {
  const model = el('select', { name: 'model' }, ...Object.entries(MODELS).map(([key, m]) => el('option', { value: key }, m.label)));
  const backend = backendSwitch('training-backend');
  const epochs = numberInput('epochs', 'epochs', MODELS.corr2d.epochs, 1);
  const lr = numberInput('lr', 'lr', MODELS.corr2d.lr, 0.01);
  const seed = numberInput('seed', 'seed', 1, 1);
  const start = el('button', { type: 'button', class: 'primary', 'data-action': 'start' }, 'Start');
  model.addEventListener('change', () => {
    const m = MODELS[model.value];
    epochs.element.querySelector('input')!.value = String(m.epochs);
    lr.element.querySelector('input')!.value = String(m.lr);
  });

  const readout = el('p', { class: 'readout' }, 'Press Start to learn the kernel from the image and its edge map.');
  const lossChart = new LineChart({ title: 'loss', xLabel: 'step', y: { scale: 'log' }, series: [{ label: 'loss', color: '#b2182b' }] });
  const weightChart = new LineChart({
    title: 'kernel weights',
    xLabel: 'step',
    y: { scale: 'linear', min: -1.25, max: 1.25, ticks: [-1, -0.5, 0, 0.5, 1] },
    series: [
      { label: 'w[0]', color: '#2166ac' },
      { label: 'w[1]', color: '#b2182b' },
    ],
    guides: [
      { y: -1, label: 'target −1' },
      { y: 1, label: 'target 1' },
    ],
  });
  const kernelView = el('div', { class: 'kernel-view' });
  const runsBody = el('tbody');
  const runs = el(
    'table',
    { class: 'runs' },
    el(
      'thead',
      {},
      el('tr', {}, ...['model', 'backend', 'epochs', 'lr', 'final loss', 'weight', 'time per step'].map((h) => el('th', {}, h))),
    ),
    runsBody,
  );

  root.append(
    el('div', { class: 'controls' }, model, backend.element, epochs.element, lr.element, seed.element, start),
    readout,
    el('div', { class: 'charts' }, lossChart.element, weightChart.element, kernelView),
    runs,
  );
  root.dataset.state = 'idle';

  start.addEventListener('click', async () => {
    start.disabled = true;
    root.dataset.state = 'running';
    try {
      const run = await train(
        MODELS[model.value],
        model.value,
        backend.value(),
        epochs.value(),
        lr.value(),
        seed.value(),
        (r, trajectory) => {
          const w = r.weight.map(formatValue).join(', ');
          readout.textContent = `step ${r.losses.length}/${r.epochs} · loss ${r.losses.at(-1)!.toFixed(5)} · weight [${w}] · ${formatDuration(r.msPerStep)} per step on ${r.backend}`;
          lossChart.draw([r.losses], r.epochs);
          weightChart.draw(
            [0, 1].map((k) => trajectory.map((w) => w[k])),
            r.epochs,
          );
          kernelView.replaceChildren(heatmap(wc.tensor(r.weight, [1, 2]), { name: 'learned kernel', cell: 56 }));
        },
      );
      runsBody.prepend(
        el(
          'tr',
          {},
          ...[
            run.model,
            run.backend,
            run.epochs,
            run.lr,
            run.losses.at(-1)!.toFixed(5),
            `[${run.weight.map((w) => w.toFixed(4)).join(', ')}]`,
            formatDuration(run.msPerStep),
          ].map((v) => el('td', {}, String(v))),
        ),
      );
      root.dataset.run = JSON.stringify(run);
      root.dataset.state = 'done';
      onLearned(wc.tensor(run.weight, [1, 2]));
    } catch (err) {
      root.dataset.state = 'error';
      readout.textContent = `training failed: ${String(err)}`;
      console.error(err);
    } finally {
      start.disabled = false;
    }
  });
}

/** Runs the loop, spreading the steps over ANIMATION_MS of frames; `show` gets each frame's state. */
async function train(
  m: Model,
  name: string,
  backend: BackendName,
  epochs: number,
  lr: number,
  seed: number,
  show: (run: TrainingRun, trajectory: number[][]) => void,
): Promise<TrainingRun> {
  wc.setBackend(backend);
  const trainer = m.build(seed, lr);
  const run: TrainingRun = { model: name, backend, epochs, lr, seed, losses: [], weight: [], msPerStep: 0 };
  const trajectory: number[][] = []; // the weights after each step
  let computeMs = 0;
  const started = performance.now();
  while (run.losses.length < epochs) {
    await nextFrame();
    const due = Math.min(epochs, Math.ceil(((performance.now() - started) / ANIMATION_MS) * epochs));
    wc.setBackend(backend); // another panel may have switched it between frames
    const t0 = performance.now();
    for (let i = run.losses.length; i < due; i++) {
      run.losses.push(trainer.step());
      trajectory.push(Array.from(trainer.weight.data));
    }
    computeMs += performance.now() - t0;
    run.weight = Array.from(trainer.weight.data);
    run.msPerStep = computeMs / run.losses.length;
    show(run, trajectory);
  }
  return run;
}
