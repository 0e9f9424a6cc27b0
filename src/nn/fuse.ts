// The runs of layers nn.Sequential hands to the fused op (src/ops/fused.ts): a Conv2d with zero
// padding, then ReLU, Sigmoid or Tanh, then optionally MaxPool2d or AvgPool2d; the layers' own
// classes only, with their own forward (a subclass or a replaced forward runs as written). The
// fused op computes what the layers' forwards would, bit for bit.
import { convActPool, type FusedActivation, type FusedPoolSpec } from '../ops/fused.js';
import type { Tensor } from '../tensor.js';
import { ReLU, Sigmoid, Tanh } from './activation.js';
import { Conv2d } from './conv2d.js';
import type { Module } from './module.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';

/** Whether m is an instance of exactly `cls` whose forward is the class's. */
function plain(m: Module | undefined, cls: abstract new (...args: never[]) => Module): boolean {
  return m !== undefined && Object.getPrototypeOf(m) === cls.prototype && !Object.hasOwn(m, 'forward');
}

function activationOf(m: Module | undefined): FusedActivation | null {
  if (plain(m, ReLU)) return 'relu';
  if (plain(m, Sigmoid)) return 'sigmoid';
  if (plain(m, Tanh)) return 'tanh';
  return null;
}

function poolOf(m: Module | undefined): FusedPoolSpec | null {
  if (plain(m, MaxPool2d)) {
    const { kernelSize, stride, padding, dilation, ceilMode } = m as MaxPool2d;
    return { kind: 'max', kernelSize, options: { stride, padding, dilation, ceilMode } };
  }
  if (plain(m, AvgPool2d)) {
    const { kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride } = m as AvgPool2d;
    return { kind: 'avg', kernelSize, options: { stride, padding, ceilMode, countIncludePad, divisorOverride } };
  }
  return null;
}

/** The fused run of layers starting at modules[i] (its length and forward), or null when none starts there. */
export function fusedRun(modules: readonly Module[], i: number): { length: number; forward(x: Tensor): Tensor } | null {
  const conv = modules[i];
  if (!plain(conv, Conv2d) || (conv as Conv2d).paddingMode !== 'zeros') return null;
  const f = activationOf(modules[i + 1]);
  if (!f) return null;
  const pool = poolOf(modules[i + 2]);
  const { weight, bias, stride, padding, dilation, groups } = conv as Conv2d;
  return { length: pool ? 3 : 2, forward: (x) => convActPool(x, weight, bias, { stride, padding, dilation, groups }, f, pool) };
}
