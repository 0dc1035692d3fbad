// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
export type Language = "zh-CN" | "en";
