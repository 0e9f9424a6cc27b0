// The page's one DOM helper: an element with attributes and children, in HTML or SVG.
type Child = Node | string | null | undefined | false;

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill<E extends Element>(node: E, attrs: Record<string, string | number>, children: Child[]): E {
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const c of children) if (c) node.append(c);
  return node;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attrs, children);
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no element #${id}`);
  return node as E;
}

/** Yields to the browser so it can paint; resolves on the next animation frame. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/**
 * Yields to the event loop and resumes as soon as the browser has handled what is waiting (input,
 * a due paint): a MessageChannel message, a task without setTimeout's clamping to 4 ms when
 * nested nor requestAnimationFrame's wait for the next frame (and its pause in hidden tabs).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Figures in a row with the operators between them, e.g. X ⋆ K = Y. */
export function equation(...items: (HTMLElement | string)[]): HTMLElement {
  return el('div', { class: 'equation' }, ...items.map((item) => (typeof item === 'string' ? el('span', { class: 'op' }, item) : item)));
}
