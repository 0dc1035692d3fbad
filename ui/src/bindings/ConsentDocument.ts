// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
import type { ConsentSection } from "./ConsentSection";
import type { Language } from "./Language";

export type ConsentDocument = {
  version: string;
  language: Language;
  sha256: string;
  title: string;
  sections: Array<ConsentSection>;
};
