// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
export type Countdown = { secondsLeft: number; warning: boolean };
