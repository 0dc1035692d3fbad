// A tiny element builder: no HTML strings, no inline styles (the CSP and the selectors stay simple).

export type Child = Node | string | null | undefined | false;

export interface Props {
  /** Space-separated class names. */
  class?: string;
  /** Attributes, e.g. `data-action`, `aria-label`, `role`; `false`/`null` leaves one out. */
  attrs?: Readonly<Record<string, string | number | boolean | null | undefined>>;
  /** Click handler (buttons). */
  onClick?: (event: MouseEvent) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === false || value === null || value === undefined) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  const onClick = props.onClick;
  if (onClick) el.addEventListener("click", (event) => onClick(event as MouseEvent));
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** A `<button type="button">` with a label and a handler. */
export function button(
  label: Child | Child[],
  onClick: () => void,
  opts: { class?: string; attrs?: Props["attrs"] } = {},
): HTMLButtonElement {
  const children = Array.isArray(label) ? label : [label];
  return h(
    "button",
    { class: opts.class ?? "btn", attrs: { type: "button", ...opts.attrs }, onClick: () => onClick() },
    ...children,
  );
}
