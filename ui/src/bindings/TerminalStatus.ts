// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
export type TerminalStatus = { state: string; detail: string | null };
