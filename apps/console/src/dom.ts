type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | EventListener | undefined | null>;

/** `h('button', { type: 'button', onclick }, 'Save')`: attributes, `on*` listeners, and children (null and false skipped). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'checked' || name === 'value' || name === 'disabled') (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function table(caption: string, headers: string[], rows: Array<Array<Child>>, attributes: Attributes = {}): HTMLTableElement {
  return h('table', attributes,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
    h('tbody', {}, rows.length === 0
      ? h('tr', {}, h('td', { colspan: headers.length }, 'None.'))
      : rows.map((row) => h('tr', {}, row.map((cell) => h('td', {}, cell))))),
  );
}

/** A polite live region: what changed after an action, read out by screen readers. */
export function status(message: string, kind: 'info' | 'error' = 'info'): HTMLElement {
  return h('p', { role: kind === 'error' ? 'alert' : 'status', class: `status status-${kind}` }, message);
}

export const plain = (value: string) => value.replace(/_/g, ' ');

export function when(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }) + ' UTC';
}
