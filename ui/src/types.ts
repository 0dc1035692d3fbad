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

// The staff mode's.
export type { AuditLine } from "./bindings/AuditLine";
export type { ChangeView } from "./bindings/ChangeView";
export type { Check } from "./bindings/Check";
export type { Edit } from "./bindings/Edit";
export type { Entry } from "./bindings/Entry";
export type { FieldProblem } from "./bindings/FieldProblem";
export type { FieldView } from "./bindings/FieldView";
export type { Preview } from "./bindings/Preview";
export type { Report } from "./bindings/Report";
export type { Role } from "./bindings/Role";
export type { StaffView } from "./bindings/StaffView";
export type { Status } from "./bindings/Status";
export type { SuspensionView } from "./bindings/SuspensionView";
