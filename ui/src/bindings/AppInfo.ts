// Provisional: written by hand from docs/ipc.md until ts-rs generates this file from the Rust type.
export type AppInfo = {
  mode: "demo" | "production" | "misconfigured";
  version: string;
  storeName: string | null;
  problems: Array<string>;
};
