// Form controls shared by the panels.
import type { BackendName } from 'wasmconv';
import { el } from './dom.js';

/** A labelled wasm / js radio pair; `value()` is the backend to run on. */
export function backendSwitch(group: string): { element: HTMLElement; value(): BackendName } {
  const option = (name: BackendName, checked: boolean) => {
    const input = el('input', { type: 'radio', name: group, value: name });
    input.checked = checked;
    return el('label', {}, input, ` ${name}`);
  };
  const element = el(
    'fieldset',
    { class: 'backend', 'data-control': 'backend' },
    el('legend', {}, 'backend'),
    option('wasm', true),
    option('js', false),
  );
  return {
    element,
    value: () => (element.querySelector<HTMLInputElement>('input:checked')?.value ?? 'wasm') as BackendName,
  };
}

/** A labelled number input. */
export function numberInput(label: string, name: string, value: number, step: number): { element: HTMLElement; value(): number } {
  const input = el('input', { type: 'number', name, value, step, min: step });
  return { element: el('label', { class: 'field' }, `${label} `, input), value: () => Number(input.value) };
}

/** Time per item, in the unit that keeps three significant digits readable. */
export function formatDuration(ms: number): string {
  return ms >= 1 ? `${ms.toPrecision(3)} ms` : `${(ms * 1000).toPrecision(3)} µs`;
}
