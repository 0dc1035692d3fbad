// Kiosk hygiene for the whole document: no context menu, no zoom, no browser shortcuts, no
// dragging, and buttons activated by Enter/Space exactly once (a held key does not repeat).

/** Browser shortcuts that have no business on a kiosk (zoom, reload, print, find, save, source). */
const BLOCKED_WITH_CTRL = new Set(["+", "=", "-", "_", "0", "r", "p", "f", "g", "s", "u", "o", "a", "j", "h"]);
const BLOCKED_KEYS = new Set(["F1", "F3", "F5", "F7", "F11", "F12", "BrowserBack", "BrowserForward", "BrowserRefresh"]);

export function isBlockedShortcut(event: KeyboardEvent): boolean {
  if (BLOCKED_KEYS.has(event.key)) return true;
  if (event.altKey && (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home")) return true;
  if (!(event.ctrlKey || event.metaKey)) return false;
  return BLOCKED_WITH_CTRL.has(event.key.toLowerCase()) || event.code === "NumpadAdd" || event.code === "NumpadSubtract";
}

const isButton = (target: EventTarget | null): target is HTMLButtonElement =>
  target instanceof HTMLButtonElement;

/** Installs the guards; returns a function that removes them (tests). */
export function installKioskGuards(doc: Document = document): () => void {
  const win = doc.defaultView ?? window;
  const prevent = (event: Event) => event.preventDefault();
  const onKeyDown = (event: KeyboardEvent) => {
    if (isBlockedShortcut(event)) {
      event.preventDefault();
      return;
    }
    if ((event.key === "Enter" || event.key === " ") && isButton(event.target)) {
      // Our own activation: one click per press, none for auto-repeat, the same in every engine.
      event.preventDefault();
      if (!event.repeat && !event.target.disabled) event.target.click();
    }
  };
  const onKeyUp = (event: KeyboardEvent) => {
    // WebKit and Chromium click a button on Space's keyup: that press was already handled.
    if (event.key === " " && isButton(event.target)) event.preventDefault();
  };
  const onWheel = (event: WheelEvent) => {
    if (event.ctrlKey || event.metaKey) event.preventDefault();
  };
  const listeners: Array<[EventTarget, string, EventListener, AddEventListenerOptions]> = [
    [doc, "contextmenu", prevent, {}],
    [doc, "selectstart", prevent, {}],
    [doc, "dragstart", prevent, {}],
    [doc, "keydown", onKeyDown as EventListener, { capture: true }],
    [doc, "keyup", onKeyUp as EventListener, { capture: true }],
    [win, "wheel", onWheel as EventListener, { passive: false }],
    // WebKit's pinch gestures (where the platform sends them).
    [doc, "gesturestart", prevent, {}],
    [doc, "gesturechange", prevent, {}],
  ];
  for (const [target, type, fn, opts] of listeners) target.addEventListener(type, fn, opts);
  return () => {
    for (const [target, type, fn, opts] of listeners) target.removeEventListener(type, fn, opts);
  };
}

/** Runs `fn` once the browser has painted what is on screen now (two animation frames). */
export function afterPaint(fn: () => void, win: Window = window): void {
  win.requestAnimationFrame(() => win.requestAnimationFrame(() => fn()));
}
