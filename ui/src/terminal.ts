// The face terminal link on the idle screen. Patients read it too: on screen only the state in
// their language (and, when something is wrong, to ask staff); the raw state and the
// technician's detail (serials, versions, addresses) only in data attributes.
import { h } from "./dom";
import type { MessageKey, Translate } from "./i18n";
import type { LinkState, TerminalStatus } from "./types";

/** The words for each state of the link (core's LinkState). Exhaustive: the compiler checks it
 *  against the generated type. */
const WORDS: Readonly<Record<LinkState, MessageKey>> = {
  starting: "terminal.starting",
  connected: "terminal.connected",
  waitingForDevice: "terminal.waitingForDevice",
  unauthorized: "terminal.unauthorized",
  deviceNotReady: "terminal.deviceNotReady",
  severalDevices: "terminal.severalDevices",
  noBridge: "terminal.noBridge",
  incompatibleBridge: "terminal.incompatibleBridge",
  bridgeUnpaired: "terminal.bridgeUnpaired",
  adbUnavailable: "terminal.adbUnavailable",
  stopped: "terminal.stopped",
};

/** States in which the terminal is fine or on its way; any other one needs staff. */
const UNREMARKABLE: ReadonlySet<LinkState> = new Set<LinkState>(["starting", "connected"]);

function terminalLine(t: Translate, status: TerminalStatus | null): string {
  if (!status) return t("idle.terminal", { state: t("terminal.unknown") });
  // A state this build has no words for is not shown raw: it is not "connected" either.
  const state = t(Object.hasOwn(WORDS, status.state) ? WORDS[status.state] : "terminal.other");
  return t(UNREMARKABLE.has(status.state) ? "idle.terminal" : "idle.terminalProblem", { state });
}

/** The status line: `data-terminal-status` (the hook), with the state and detail for a technician. */
export function terminalStatusElement(t: Translate, status: TerminalStatus | null): HTMLElement {
  const el = h("span", { attrs: { "data-terminal-status": true } });
  updateTerminalStatus(el, t, status);
  return el;
}

export function updateTerminalStatus(el: Element, t: Translate, status: TerminalStatus | null): void {
  el.textContent = terminalLine(t, status);
  el.setAttribute("data-terminal-state", status?.state ?? "unknown");
  if (status?.detail) el.setAttribute("data-terminal-detail", status.detail);
  else el.removeAttribute("data-terminal-detail");
}
