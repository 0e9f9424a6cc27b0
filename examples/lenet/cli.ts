// `npm run lenet`: options → Fashion-MNIST (from its cache) → trainLeNet → the per-epoch table, and
// the trained state_dict saved as safetensors when asked. While an epoch runs, a terminal shows a
// progress bar redrawn in place; anything else (a pipe, a CI log) gets a plain line per quarter.
import { writeFileSync } from 'node:fs';
import * as wc from 'wasmconv';
import { CACHE_ENV, CLASSES, type LoadOptions, loadFashionMnist, splitFashionMnist } from './fashion-mnist.js';
import { HELP, type LeNetOptions, parseOptions, threadsAvailable, UsageError } from './options.js';
import { type EpochResult, initFor, type Reporter, trainLeNet } from './train.js';

/** Where the CLI writes and what it reads: the process's streams and environment, or a test's. */
export interface CliEnvironment {
  out: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  err: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Where the images come from and how they split (default: the installed package, 6,000/1,000 per class). */
  dataset?: LoadOptions & { trainPerClass?: number; testPerClass?: number };
}

const COLUMNS = ['epoch', 'loss', 'train acc', 'test acc', 'examples/s', 'seconds'];
const WIDTHS = [5, 7, 9, 8, 10, 7];

function row(cells: string[]): string {
  return cells.map((cell, k) => cell.padStart(WIDTHS[k])).join('  ');
}

function epochRow(r: EpochResult): string {
  const cells = [
    String(r.epoch),
    r.loss.toFixed(4),
    r.trainAccuracy.toFixed(4),
    r.testAccuracy.toFixed(4),
    r.examplesPerSecond.toFixed(0),
    r.seconds.toFixed(1),
  ];
  return row(cells);
}

/** The epoch's progress: a bar redrawn at most every 100 ms on a terminal, else a line at each quarter. */
function progressReporter(out: CliEnvironment['out'], epochs: number): Reporter {
  let lastDraw = 0;
  let started = 0;
  const tty = out.isTTY === true;
  return {
    batch(epoch, done, total, meanLoss) {
      const now = performance.now();
      if (done === 1) started = now;
      if (tty) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round((width * done) / total);
        const eta = done > 1 ? (((now - started) / (done - 1)) * (total - done)) / 1000 : NaN;
        const bar = `epoch ${epoch}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} loss ${meanLoss.toFixed(4)}`;
        const line = done === total ? `${bar}, testing` : Number.isFinite(eta) ? `${bar} eta ${eta.toFixed(0)}s` : bar;
        out.write(`\r${line.slice(0, (out.columns ?? 80) - 1)}\x1b[K`);
      } else if ([1, 2, 3].some((q) => done === Math.ceil((q * total) / 4)) && done < total) {
        out.write(`  epoch ${epoch}/${epochs}: ${done}/${total} batches, loss ${meanLoss.toFixed(4)}\n`);
      }
    },
    epoch(result) {
      out.write(`${tty ? '\r\x1b[K' : ''}${epochRow(result)}\n`);
    },
  };
}

function describeRun(o: LeNetOptions): string {
  const optimizer = o.model === 'd2l' ? 'SGD' : 'Adam';
  const threads = threadsAvailable() ? `, ${(wc as unknown as { threadCount(): number }).threadCount()} thread(s)` : '';
  return `LeNet (${o.model}) on Fashion-MNIST: ${o.epochs} epochs, batch ${o.batchSize}, ${optimizer} lr ${o.lr}, seed ${o.seed}, backend ${wc.getBackend()}${threads}`;
}

/** Runs the command line; resolves to the exit code (0, or 2 for a bad option). */
export async function runCli(argv: readonly string[], io: CliEnvironment): Promise<number> {
  let options;
  try {
    options = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(`lenet: ${err.message}\nRun \`npm run lenet -- --help\` for the options.\n`);
    return 2;
  }
  if (options === 'help') {
    io.out.write(HELP);
    return 0;
  }
  await initFor(options); // before any tensor is made
  const { trainPerClass, testPerClass, ...where } = io.dataset ?? {};
  const cacheFile = options.cache ?? io.env[CACHE_ENV] ?? where.cacheFile;
  const { data, info } = loadFashionMnist({ ...where, cacheFile: cacheFile || undefined });
  const how =
    info.source === 'cache' ? 'read from the cache' : `parsed from the fashion-mnist package's JSON (the cache was ${info.rebuiltBecause})`;
  io.out.write(`Fashion-MNIST: ${data.labels.length} images ${how} in ${info.seconds.toFixed(2)} s\n`);
  io.out.write(
    info.writeError === null
      ? `  cache: ${info.cacheFile} (safe to delete: the next run rebuilds it)\n`
      : `  cache: could not be written (${info.writeError}); the next run parses the JSON again\n`,
  );
  const sets = splitFashionMnist(data, { trainPerClass, testPerClass });
  io.out.write(
    `  split: ${sets.train.length} training and ${sets.test.length} test images (the first ${sets.train.length / CLASSES} of each class train)\n`,
  );

  io.out.write(`${describeRun(options)}\n${row(COLUMNS)}\n`);
  const { net, epochs } = await trainLeNet(options, sets, progressReporter(io.out, options.epochs));
  const last = epochs[epochs.length - 1];
  const total = epochs.reduce((s, e) => s + e.seconds, 0);
  io.out.write(
    `done: loss ${last.loss.toFixed(3)}, train acc ${last.trainAccuracy.toFixed(3)}, test acc ${last.testAccuracy.toFixed(3)} in ${total.toFixed(1)} s\n`,
  );
  if (options.save !== null) {
    const metadata = { format: 'pt', producer: 'wasmconv', model: `lenet-${options.model}`, test_accuracy: String(last.testAccuracy) };
    writeFileSync(options.save, wc.saveSafetensors(net.stateDict(), metadata));
    io.out.write(`saved the state_dict to ${options.save}\n`);
  }
  return 0;
}
