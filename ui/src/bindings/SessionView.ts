// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
import type { Countdown } from "./Countdown";
import type { Language } from "./Language";
import type { Screen } from "./Screen";

export type SessionView = {
  seq: number;
  language: Language;
  elder: boolean;
  screen: Screen;
  countdown: Countdown | null;
};
