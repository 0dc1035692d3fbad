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

// ---- the staff mode -------------------------------------------------------------------------
// PROVISIONAL: written by hand from core/console and core/diagnostics until their generated
// bindings land in src/bindings/ (then these become re-exports like the ones above).
export type Role = "staff" | "technician";
export type StaffView = { account: string; role: Role };
export type Entry = ({ outcome: "granted" } & StaffView) | { outcome: "refused" } | { outcome: "locked"; remainingSecs: number };
export type FieldView = { key: string; group: string; kind: string; choices: Array<string>; value: string | null; editable: boolean };
export type Edit = { key: string; value: string };
export type ChangeView = { key: string; old: string | null; new: string | null };
export type FieldProblem = { field: string; rule: string };
export type Preview = { changes: Array<ChangeView>; problems: Array<FieldProblem> };
export type SuspensionView = { zhCn: string; en: string; since: string; by: string };
export type AuditLine = { at: string; account: string; kind: string; detail: string | null };
export type Status = "ok" | "warn" | "fail";
export type Check = { id: string; status: Status; detail: string; action: string | null };
export type Report = { checks: Array<Check> };
