// The command line of `npm run lenet` (examples/lenet/options.ts, cli.ts): defaults, every option
// in both spellings (--name value, --name=value), and every bad value refused with a message that
// names the option, and by the CLI with exit code 2 before anything is loaded.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../examples/lenet/cli.js';
import { HELP, type LeNetOptions, parseOptions, UsageError } from '../../../examples/lenet/options.js';

const DEFAULTS: LeNetOptions = {
  model: 'd2l',
  epochs: 10,
  batchSize: 256,
  lr: 0.9,
  seed: 0,
  backend: 'wasm',
  threads: null,
  save: null,
  cache: null,
};

function parsed(...argv: string[]): LeNetOptions {
  const o = parseOptions(argv, { withThreads: true });
  if (o === 'help') throw new Error('unexpected --help');
  return o;
}

function refused(argv: string[], message: string | RegExp, withThreads = true): void {
  expect(() => parseOptions(argv, { withThreads })).toThrow(UsageError);
  expect(() => parseOptions(argv, { withThreads })).toThrow(message);
}

describe('lenet options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmconv-lenet-options-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("default to d2l's recipe: 10 epochs, batch 256, SGD lr 0.9, a fixed seed, the wasm backend", () => {
    expect(parsed()).toEqual(DEFAULTS);
  });

  it('take every option, as --name value or --name=value', () => {
    const save = join(dir, 'net.safetensors');
    const cache = join(dir, 'new-folder', 'fm.bin');
    const argv = [
      '--model',
      'modern',
      '--epochs',
      '3',
      '--batch-size=64',
      '--lr',
      '0.05',
      '--seed=7',
      '--backend',
      'js',
      '--threads',
      '2',
      `--save=${save}`,
      '--cache',
      cache,
    ];
    expect(parsed(...argv)).toEqual({
      model: 'modern',
      epochs: 3,
      batchSize: 64,
      lr: 0.05,
      seed: 7,
      backend: 'js',
      threads: 2,
      save,
      cache,
    });
    expect(parsed('--threads', 'auto').threads).toBe('auto');
    expect(parsed('--lr', '1e-2').lr).toBe(0.01);
    expect(parsed('--save', 'relative.safetensors').save).toBe(resolve('relative.safetensors'));
  });

  it("give the modern model Adam's learning rate 1e-3 unless --lr says otherwise", () => {
    expect(parsed('--model', 'modern').lr).toBe(1e-3);
    expect(parsed('--model', 'modern', '--lr', '0.01').lr).toBe(0.01);
    expect(parsed('--lr', '0.5', '--model', 'modern').lr).toBe(0.5);
  });

  it('answer --help and -h with the help text, which names every option', () => {
    expect(parseOptions(['--help'])).toBe('help');
    expect(parseOptions(['--epochs', '0', '-h'])).toBe('help');
    for (const name of ['--model', '--epochs', '--batch-size', '--lr', '--seed', '--backend', '--threads', '--save', '--cache', '--help']) {
      expect(HELP).toContain(name);
    }
  });

  it('refuse counts that are not positive integers', () => {
    for (const name of ['epochs', 'batch-size']) {
      for (const bad of ['0', '1.5', 'abc', '', '1e3', '+2', '0x10', '99999999999999999']) {
        refused([`--${name}=${bad}`], `--${name} must be a positive integer, got ${JSON.stringify(bad)}`);
      }
      refused([`--${name}=-3`], `--${name} must be a positive integer, got "-3"`);
    }
  });

  it('refuse a learning rate that is not a positive number', () => {
    for (const bad of ['0', '-0.1', 'abc', '', ' ', 'Infinity', 'NaN'])
      refused([`--lr=${bad}`], `--lr must be a positive number, got ${JSON.stringify(bad)}`);
  });

  it('refuse a seed that is not a non-negative integer', () => {
    for (const bad of ['-1', '1.5', 'x', '', '9007199254740993'])
      refused([`--seed=${bad}`], `--seed must be a non-negative integer, got ${JSON.stringify(bad)}`);
    expect(parsed('--seed', '0').seed).toBe(0);
  });

  it('refuse an unknown model or backend, naming the choices', () => {
    refused(['--model', 'resnet'], '--model must be d2l or modern, got "resnet"');
    refused(['--backend', 'gpu'], '--backend must be wasm or js, got "gpu"');
  });

  it('refuse --threads while wasmconv has no threads, and a bad count when it has', () => {
    refused(['--threads', '2'], /^--threads: this wasmconv runs its kernels on one thread/, false);
    for (const bad of ['0', '-1', '1.5', 'many', ''])
      refused([`--threads=${bad}`], `--threads must be a positive integer or auto, got ${JSON.stringify(bad)}`);
  });

  it('refuse a --save file that cannot be written at the end of the run, and a --cache that is a folder', () => {
    refused(['--save', join(dir, 'missing', 'net.safetensors')], `--save: the folder ${join(dir, 'missing')} does not exist`);
    refused(['--save', dir], `--save: ${dir} is a folder, not a file`);
    refused(['--save='], '--save needs a file name');
    mkdirSync(join(dir, 'cache-folder'), { recursive: true });
    refused(['--cache', join(dir, 'cache-folder')], 'is a folder, not a file');
  });

  it('refuse unknown options, missing values, a value given to --help, and positional arguments', () => {
    refused(['--epoch', '3'], /Unknown option '--epoch'/);
    refused(['--lr'], /--lr/);
    refused(['--help=yes'], /--help/);
    refused(['train'], /Unexpected argument 'train'/);
  });
});

describe('lenet command line', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, env: { out: { write: (s: string) => out.push(s) }, err: { write: (s: string) => err.push(s) }, env: {} } };
  }

  it('exits with code 2 and a message naming the option for a bad option, loading nothing', async () => {
    const { out, err, env } = io();
    // a package folder that does not exist: the CLI must stop before it looks for the images
    const code = await runCli(['--epochs', 'ten'], { ...env, dataset: { packageDir: '/nonexistent' } });
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('')).toBe('lenet: --epochs must be a positive integer, got "ten"\nRun `npm run lenet -- --help` for the options.\n');
  });

  it('prints the help and exits with 0 for --help', async () => {
    const { out, err, env } = io();
    expect(await runCli(['--help'], env)).toBe(0);
    expect(out.join('')).toBe(HELP);
    expect(err).toEqual([]);
  });
});
