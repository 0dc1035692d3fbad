// The generated bindings, re-exported from one place (src/bindings/ holds only generated files).
export type { AppError } from "./bindings/AppError";
export type { AppErrorCode } from "./bindings/AppErrorCode";
export type { AppInfo } from "./bindings/AppInfo";
export type { ConsentDocument } from "./bindings/ConsentDocument";
export type { ConsentSection } from "./bindings/ConsentSection";
export type { Countdown } from "./bindings/Countdown";
export type { CredentialKind } from "./bindings/CredentialKind";
export type { DemoPersona } from "./bindings/DemoPersona";
export type { FailureCode } from "./bindings/FailureCode";
export type { Intent } from "./bindings/Intent";
export type { Commands, Events } from "./bindings/ipc";
export type { Language } from "./bindings/Language";
export type { LinkState } from "./bindings/LinkState";
export type { RefusalReason } from "./bindings/RefusalReason";
export type { Screen } from "./bindings/Screen";
export type { SessionErrorCode } from "./bindings/SessionErrorCode";
export type { SessionView } from "./bindings/SessionView";
export type { TerminalStatus } from "./bindings/TerminalStatus";
