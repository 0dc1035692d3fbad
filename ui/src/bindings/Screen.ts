// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
import type { ConsentDocument } from "./ConsentDocument";
import type { CredentialKind } from "./CredentialKind";
import type { RefusalReason } from "./RefusalReason";

export type Screen =
  | { name: "idle" }
  | { name: "consent"; consent: ConsentDocument }
  | { name: "preparing" }
  | { name: "faceScan" }
  | { name: "waitingConfirmation" }
  | {
      name: "success";
      maskedName: string;
      maskedCredential: string;
      credentialType: CredentialKind;
      patientRef: string;
    }
  | { name: "welcomeBack"; patientRef: string }
  | { name: "refusal"; reason: RefusalReason }
  | { name: "failed"; code: string; retry: boolean };
