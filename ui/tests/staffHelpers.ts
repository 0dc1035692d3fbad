// Driving the staff screens from a test.
import { click, mount, type Mounted } from "./fixtures";
import { STAFF } from "./staffFake";
import type { StaffView } from "../src/types";

/** Lets pending promise callbacks run (with fake timers too: no setTimeout). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

export function press(key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  (document.activeElement ?? document.body).dispatchEvent(event);
  return event;
}

export const chord = () => press("s", { ctrlKey: true, altKey: true, code: "KeyS" });

export function tapCorner(m: Mounted, times: number): void {
  for (let i = 0; i < times; i += 1) click(m.$("#staff-corner"));
}

export function typePin(m: Mounted, pin: string): void {
  for (const d of pin) click(m.$(`[data-digit="${d}"]`));
  click(m.$("[data-action='enter']"));
}

/** Mounted, and in the staff mode as `who`, on the staff home. */
export async function enterStaff(setup: Parameters<typeof mount>[0] = () => {}, who: StaffView = STAFF): Promise<Mounted> {
  const m = await mount(setup);
  m.ipc.staff.answers.enter = { outcome: "granted", ...who };
  chord();
  typePin(m, "2468");
  await settle();
  m.ipc.calls.length = 0;
  return m;
}

export const screenOf = (m: Mounted) => m.$("main")?.dataset.screen;

export const staffCalls = (m: Mounted, cmd: string) => m.ipc.calls.filter((c) => c.cmd === cmd).map((c) => c.arg);
