// The hidden way in: five taps within three seconds on the top-left corner (or Ctrl+Alt+S).
// Hidden so that a patient does not wander in; a real button, labelled, so that a screen
// reader user on staff is not locked out (the PIN is what keeps patients out).
import { h } from "../dom";
import type { Translate } from "../i18n";

export const TAPS = 5;
export const TAP_WINDOW_MS = 3_000;

/** Counts taps; `tap` answers true on the fifth within the window (and starts counting anew). */
export class TapCounter {
  private taps: number[] = [];

  tap(now: number = Date.now()): boolean {
    this.taps = this.taps.filter((at) => now - at < TAP_WINDOW_MS);
    this.taps.push(now);
    if (this.taps.length < TAPS) return false;
    this.taps = [];
    return true;
  }
}

/** `#staff-corner`: transparent, 96x96 px, over the top-left corner. Out of the Tab order (an
 *  invisible focus is no use to anyone; the keyboard has Ctrl+Alt+S), still in the screen
 *  reader's reading order by its label. */
export function staffCorner(t: Translate, onTap: () => void): HTMLButtonElement {
  return h("button", {
    class: "staff-corner",
    attrs: { id: "staff-corner", type: "button", tabindex: -1, "aria-label": t("staff.corner") },
    onClick: () => onTap(),
  });
}

/** Ctrl+Alt+S (by the key's position too: Alt may change the character it types). */
export const isStaffChord = (event: KeyboardEvent): boolean =>
  event.ctrlKey && event.altKey && !event.repeat && (event.code === "KeyS" || event.key.toLowerCase() === "s");
