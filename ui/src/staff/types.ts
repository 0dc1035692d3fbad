// What the staff screens get from the staff mode, and what each of them gives back.
import type { MessageKey, Translate } from "../i18n";
import type { Refusal, StaffIpc } from "../ipc";
import type { Rendered } from "../screens/types";
import type { StaffView, SuspensionView } from "../types";

export type StaffScreenName =
  | "staffPin"
  | "staffHome"
  | "staffSettings"
  | "staffReview"
  | "staffSuspend"
  | "staffRecords"
  | "staffAudit"
  | "staffDiagnostics";

/** A line for `[data-staff-message]`: kept as a key, so it follows a language switch. */
export interface Notice {
  readonly kind: string;
  readonly key: MessageKey;
  readonly vars?: Readonly<Record<string, string | number>>;
}

/** A command's answer, or why not. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Refusal };

/** One staff screen; it keeps its own state, so a language switch re-renders it as it was. */
export interface StaffScreen {
  readonly name: StaffScreenName;
  render(t: Translate): Rendered;
  /** When it is shown: loads what it shows. */
  start?(): void;
  /** When it is replaced or the staff mode closes: its timers stop. */
  stop?(): void;
  /** A physical key on this screen (the PIN pad's digits); true when taken. */
  key?(event: KeyboardEvent): boolean;
}

/** The staff mode as its screens see it. */
export interface Staff {
  readonly ipc: StaffIpc;
  /** Who is in; null on the PIN pad. */
  readonly who: StaffView | null;
  /** The kiosk's out-of-service state as app_info last said. */
  suspension(): SuspensionView | null;
  go(screen: StaffScreen): void;
  home(notice?: Notice): void;
  /** The PIN was right: the staff mode is open for this account. */
  granted(who: StaffView): void;
  /** staff_leave, then back to the patient screens. */
  leave(): void;
  /** Back to the patient screens without staff_leave (the PIN pad: nobody is in). */
  cancel(): void;
  /** Renders `screen` again if it is still the one shown. */
  refresh(screen: StaffScreen): void;
  /** Runs a staff command for `screen`. Null when there is nothing left to show it on: the
   *  staff mode closed (STAFF_NOT_ENTERED closes it) or another screen is shown by now. */
  run<T>(screen: StaffScreen, fn: (ipc: StaffIpc) => Promise<T>): Promise<Outcome<T> | null>;
  /** Fetches app_info again (out of service, the store's name after a save). */
  infoChanged(): Promise<void>;
}
