// The staff mode: which staff screen is shown, who is in, and the two clocks. Inactivity: a
// minute without a touch or a key closes it (staff_leave), as the core would; input keeps the
// core's minute going through staff_touch, at most every 10 s and at the latest 10 s after the
// input, so the core never closes it before we do.
import { asAppError, type StaffIpc } from "../ipc";
import type { StaffView, SuspensionView } from "../types";
import { homeScreen } from "./home";
import { pinScreen } from "./pin";
import type { Notice, Outcome, Staff, StaffScreen } from "./types";

export const IDLE_MS = 60_000;
export const TOUCH_EVERY_MS = 10_000;
const ACTIVITY = ["pointerdown", "keydown", "click", "input"] as const;

/** What the staff mode needs from the app around it. */
export interface StaffHost {
  /** Render again (the app shows `StaffMode.screen` while it is set). */
  render(): void;
  /** The staff mode closed: back to the patient screens. */
  closed(): void;
  refreshInfo(): Promise<void>;
  suspension(): SuspensionView | null;
}

export class StaffMode implements Staff {
  /** The staff screen shown; null: the staff mode is closed. */
  screen: StaffScreen | null = null;
  /** Bumped on every screen change or refresh: the app re-renders when it moves. */
  revision = 0;
  who: StaffView | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private touchTimer: ReturnType<typeof setTimeout> | null = null;
  private lastTouch = 0;
  private readonly onActivity = () => this.activity();

  constructor(
    readonly ipc: StaffIpc,
    private readonly host: StaffHost,
    private readonly doc: Document,
  ) {}

  get isOpen(): boolean {
    return this.screen !== null;
  }

  /** The PIN pad. */
  open(): void {
    if (this.isOpen) return;
    for (const type of ACTIVITY) this.doc.addEventListener(type, this.onActivity, { capture: true });
    this.go(pinScreen(this));
    this.activity();
  }

  /** The core says the staff mode is open (the screens were reloaded): its home. */
  reopen(who: StaffView): void {
    this.open();
    this.granted(who);
  }

  granted(who: StaffView): void {
    this.who = who;
    this.lastTouch = Date.now();
    this.home();
  }

  suspension(): SuspensionView | null {
    return this.host.suspension();
  }

  go(screen: StaffScreen): void {
    this.screen?.stop?.();
    this.screen = screen;
    this.revision += 1;
    this.host.render();
    screen.start?.();
  }

  home(notice?: Notice): void {
    this.go(homeScreen(this, notice ?? null));
  }

  refresh(screen: StaffScreen): void {
    if (this.screen !== screen) return;
    this.revision += 1;
    this.host.render();
  }

  leave(): void {
    if (!this.isOpen) return;
    // Sent before the patient screens return, so that a "start" cannot overtake it.
    if (this.who !== null)
      this.ipc.leave().catch((error) => console.warn("facekiosk-ui: staff_leave refused:", asAppError(error).code));
    this.close();
  }

  cancel(): void {
    this.close();
  }

  async run<T>(screen: StaffScreen, fn: (ipc: StaffIpc) => Promise<T>): Promise<Outcome<T> | null> {
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: await fn(this.ipc) };
    } catch (reason) {
      outcome = { ok: false, error: asAppError(reason) };
    }
    if (!outcome.ok && outcome.error.code === "STAFF_NOT_ENTERED") {
      this.close();
      return null;
    }
    return this.screen === screen ? outcome : null;
  }

  infoChanged(): Promise<void> {
    return this.host.refreshInfo();
  }

  /** A key while the staff mode is open: the screen's, if it takes it. */
  key(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.repeat) return;
    if (this.screen?.key?.(event)) event.preventDefault();
  }

  private close(): void {
    if (!this.isOpen) return;
    this.screen?.stop?.();
    this.screen = null;
    this.who = null;
    this.revision += 1;
    for (const type of ACTIVITY) this.doc.removeEventListener(type, this.onActivity, { capture: true });
    for (const timer of [this.idleTimer, this.touchTimer]) if (timer !== null) clearTimeout(timer);
    this.idleTimer = this.touchTimer = null;
    this.host.closed();
  }

  private activity(): void {
    if (!this.isOpen) return;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.leave(), IDLE_MS);
    if (this.who === null || this.touchTimer !== null) return;
    const wait = this.lastTouch + TOUCH_EVERY_MS - Date.now();
    if (wait <= 0) this.touch();
    else this.touchTimer = setTimeout(() => this.touch(), wait);
  }

  private touch(): void {
    this.touchTimer = null;
    this.lastTouch = Date.now();
    const screen = this.screen;
    if (screen) void this.run(screen, (ipc) => ipc.touch());
  }
}
