// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
export type ConsentSection = { heading: string; body: string };
