// What every screen module gets and gives back.
import type { Translate } from "../i18n";
import type { AppInfo, DemoPersona, Intent, Screen, TerminalStatus } from "../types";

/** Everything a screen may read, and the only things it may do: send an intent (or a demo stand-in). */
export interface Ctx {
  readonly t: Translate;
  readonly elder: boolean;
  readonly info: AppInfo | null;
  readonly demo: boolean;
  readonly personas: readonly DemoPersona[];
  readonly terminal: TerminalStatus | null;
  send(intent: Intent): void;
  presentFace(persona: string): void;
  wechatScreen(confirm: boolean): void;
  /** A tap on the staff corner (idle, misconfigured and out of service only). */
  staffTap(): void;
}

/** A rendered screen. */
export interface Rendered {
  /** The heading, also announced to screen readers when the screen appears. */
  readonly title: string;
  readonly content: HTMLElement;
  /** Focused when the screen appears (null: the first focusable element). */
  readonly primary: HTMLElement | null;
  /** What Escape sends on this screen, if anything. */
  readonly escape: Intent | null;
  /** A result screen (the session is over): its countdown only leaves the page, so the warning
   *  says just that, with nothing to lose and nothing to continue. */
  readonly result?: boolean;
}

/** The screen variant with the given name. */
export type ScreenOf<N extends Screen["name"]> = Extract<Screen, { name: N }>;
