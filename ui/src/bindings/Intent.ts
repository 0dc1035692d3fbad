// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
import type { Language } from "./Language";

export type Intent =
  | { type: "start" }
  | { type: "agree"; consentSha256: string }
  | { type: "decline" }
  | { type: "cancel" }
  | { type: "extend" }
  | { type: "retry" }
  | { type: "done" }
  | { type: "setLanguage"; language: Language }
  | { type: "setElder"; elder: boolean };
