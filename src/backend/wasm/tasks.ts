// Kernels written in TypeScript over the wasm primitives, which the thread pool runs as it runs
// wasm exports (a call with `first, end` units last): the depthwise passes of ../depthwise.ts,
// plane by plane over assembly/depthwise.ts. Every thread makes them over its own instance (the
// worker bundle includes this file, so it imports nothing that loads the module), and reads the
// geometry from a descriptor in memory (./fields.ts), since a job's arguments are numbers.
import { depthwiseForward, depthwiseGradInput, depthwiseGradWeight } from '../depthwise.js';
import type { Kernel } from '../../wasm/threads/protocol.js';
import { THREAD_SCRATCH_BYTES } from '../../wasm/threads/protocol.js';
import { type DepthwiseExports, type DepthwiseVariant, stepsFor } from './depthwise-steps.js';
import { convGeometryAt } from './fields.js';

export type TaskExports = DepthwiseExports & { memory: WebAssembly.Memory };

/** A thread's scratch for a depthwise task: its fixed scratch, then a staging plane. */
const stagingAt = (scratch: number) => scratch + THREAD_SCRATCH_BYTES;
const variantOf = (v: number): DepthwiseVariant => (v ? 'scalar' : 'simd');

/** The tasks over exports `e`, by name (sorted by name in the pool's kernel table). */
export function createTasks(e: TaskExports): Record<string, Kernel> {
  return {
    /** y (+ bias) for the input planes [first, end). */
    depthwise_forward(
      y: number,
      x: number,
      w: number,
      bias: number,
      desc: number,
      variant: number,
      scratch: number,
      first: number,
      end: number,
    ) {
      const g = convGeometryAt(e.memory, desc);
      depthwiseForward(stepsFor(e, variantOf(variant), scratch), x, w, bias || null, y, stagingAt(scratch), g, first, end);
    },
    /** dx of the input planes [first, end), written when writeDx. */
    depthwise_grad_input(
      dx: number,
      dy: number,
      w: number,
      desc: number,
      writeDx: number,
      variant: number,
      scratch: number,
      first: number,
      end: number,
    ) {
      const g = convGeometryAt(e.memory, desc);
      depthwiseGradInput(stepsFor(e, variantOf(variant), scratch), w, dy, dx, stagingAt(scratch), g, writeDx !== 0, first, end);
    },
    /** Parts of dw and db (0: none) for the (part, channel) units [first, end). */
    depthwise_grad_weight(
      dw: number,
      db: number,
      x: number,
      dy: number,
      desc: number,
      imagesPerPart: number,
      variant: number,
      scratch: number,
      first: number,
      end: number,
    ) {
      const g = convGeometryAt(e.memory, desc);
      depthwiseGradWeight(
        stepsFor(e, variantOf(variant), scratch),
        x,
        dy,
        dw,
        db || null,
        stagingAt(scratch),
        g,
        imagesPerPart,
        first,
        end,
      );
    },
  };
}
