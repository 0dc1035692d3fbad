// The staff's one-line view of the face terminal link.
import { dictionaries, type MessageKey, type Translate } from "./i18n";
import type { TerminalStatus } from "./types";

export function terminalLine(t: Translate, status: TerminalStatus | null): string {
  let state = t("terminal.unknown");
  if (status) {
    const key = `terminal.${status.state}`;
    state = key in dictionaries[t.language] ? t(key as MessageKey) : status.state;
    if (status.detail) state = `${state} · ${status.detail}`;
  }
  return t("idle.terminal", { state });
}
