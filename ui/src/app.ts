// The app: keeps the latest SessionView (and AppInfo, personas, terminal status) and renders it.
// It decides nothing about the session: every button sends an intent and the core answers with a
// new view. What it does own is presentation: which element has the focus, the overlay, the
// announcement, the document language and elder styling.
import { button, h } from "./dom";
import { DEFAULT_LANGUAGE, otherLanguage, translator, type Translate } from "./i18n";
import { asAppError, type Ipc, type RefusalCode } from "./ipc";
import { isStaffChord, TapCounter } from "./staff/corner";
import { StaffMode } from "./staff/mode";
import { updateTerminalStatus } from "./terminal";
import type { AppInfo, DemoPersona, Intent, Language, SessionView, SuspensionView, TerminalStatus } from "./types";
import type { Ctx, Rendered } from "./screens/types";
import * as consent from "./screens/consent";
import * as faceScan from "./screens/faceScan";
import * as failed from "./screens/failed";
import * as idle from "./screens/idle";
import * as loading from "./screens/loading";
import * as misconfigured from "./screens/misconfigured";
import * as preparing from "./screens/preparing";
import * as refusal from "./screens/refusal";
import * as success from "./screens/success";
import * as suspended from "./screens/suspended";
import * as unavailable from "./screens/unavailable";
import * as waitingConfirmation from "./screens/waitingConfirmation";
import * as welcomeBack from "./screens/welcomeBack";

export interface AppOptions {
  /** The live region that announces each screen's title. */
  announcer?: HTMLElement | null;
  /** Called once, after the first screen other than "loading" is in the DOM. */
  onFirstScreen?: () => void;
  /** Notes a moment of the start (the cold start's milestones: `ui_ready` hands them over). */
  mark?: (name: string) => void;
}

export class App {
  private view: SessionView | null = null;
  private info: AppInfo | null = null;
  /** Why app_info failed: nothing later brings it back, so this stays. */
  private infoError: RefusalCode | null = null;
  /** Why session_view failed: the next view from the core clears it. */
  private viewError: RefusalCode | null = null;
  private personas: readonly DemoPersona[] = [];
  private terminal: TerminalStatus | null = null;
  /** The language while there is no session to hold it (see `sessionless`). */
  private localLanguage: Language = DEFAULT_LANGUAGE;
  private readonly inFlight = new Set<string>();

  private renderedKey = "";
  private screenName = "";
  private rendered: Rendered | null = null;
  private main: HTMLElement | null = null;
  private overlay: { el: HTMLElement; seconds: HTMLElement; extend: HTMLElement } | null = null;
  private firstScreenSeen = false;
  private readonly cleanups: Array<() => void> = [];
  /** While open, its screens replace the patient's and no intent is sent. */
  private readonly staff: StaffMode;
  private readonly taps = new TapCounter();

  constructor(
    private readonly root: HTMLElement,
    private readonly ipc: Ipc,
    private readonly options: AppOptions = {},
  ) {
    const onKeyDown = (event: KeyboardEvent) => this.onKeyDown(event);
    root.ownerDocument.addEventListener("keydown", onKeyDown);
    this.cleanups.push(() => root.ownerDocument.removeEventListener("keydown", onKeyDown));
    this.staff = new StaffMode(ipc.staff, {
      render: () => this.render(),
      closed: () => this.afterStaff(),
      refreshInfo: () => this.refreshInfo(),
      suspension: () => this.suspension(),
    }, root.ownerDocument);
    this.cleanups.push(() => this.staff.cancel());
  }

  /** Subscribes to the events, then asks for the current state. */
  async start(): Promise<void> {
    this.render();
    this.options.mark?.("loading shown");
    const subscriptions = await Promise.allSettled([
      this.ipc.onView((view) => this.applyView(view)),
      this.ipc.onTerminalStatus((status) => this.applyTerminalStatus(status)),
    ]);
    for (const s of subscriptions) {
      if (s.status === "fulfilled") this.cleanups.push(s.value);
      else console.warn("facekiosk-ui: cannot listen:", asAppError(s.reason).code);
    }
    this.options.mark?.("listening");
    const [info, view] = await Promise.allSettled([this.ipc.appInfo(), this.ipc.sessionView()]);
    this.options.mark?.("answered");
    if (info.status === "fulfilled") {
      this.info = info.value;
      // The first status event may have gone out before we listened.
      if (!this.terminal && info.value.terminal) this.terminal = info.value.terminal;
    }
    else this.infoError = asAppError(info.reason).code;
    if (view.status === "fulfilled") this.applyView(view.value, false);
    else if (info.status === "fulfilled" && info.value.mode !== "misconfigured")
      this.viewError = asAppError(view.reason).code;
    // Should the session go away (misconfigured), the screens keep the language they had.
    if (this.view) this.localLanguage = this.view.language;
    if (this.info?.mode === "demo") {
      try {
        this.personas = await this.ipc.demoPersonas();
      } catch (error) {
        console.warn("facekiosk-ui: no demo personas:", asAppError(error).code);
      }
    }
    // The screens reloaded while staff were in: back to their home, not to the patient screens.
    await this.checkStaff();
    this.options.mark?.("staff checked");
    this.render();
  }

  stop(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  /** A view from the core; an older one than shown (by `seq`) is ignored. */
  applyView(view: SessionView, render = true): void {
    if (this.view && view.seq <= this.view.seq) return;
    this.view = view;
    this.viewError = null;
    if (render) this.render();
  }

  applyTerminalStatus(status: TerminalStatus): void {
    this.terminal = status;
    const line = this.root.querySelector("[data-terminal-status]");
    if (line) updateTerminalStatus(line, this.translate(), status);
  }

  // ---- intents ------------------------------------------------------------------------------

  /** Sends an intent; a second identical one while the first is in flight is a double tap. */
  private send(intent: Intent): void {
    if (this.staff.isOpen) return;
    this.call(JSON.stringify(intent), intent.type, () => this.ipc.sendIntent(intent));
  }

  /** Runs a command unless the same one is still in flight; a refusal is logged by its code only. */
  private call(key: string, what: string, fn: () => Promise<void>): void {
    if (this.inFlight.has(key)) return;
    this.inFlight.add(key);
    fn()
      .catch((error) => {
        const code = asAppError(error).code;
        console.warn(`facekiosk-ui: ${what} refused:`, code);
        // Someone else (the CLI, another screen) changed what this one believes.
        if (code === "KIOSK_SUSPENDED") void this.refreshInfo();
        if (code === "STAFF_MODE_OPEN") void this.checkStaff();
      })
      .finally(() => this.inFlight.delete(key));
  }

  // ---- the staff mode -----------------------------------------------------------------------

  /** Offered on the screens without a patient: idle, misconfigured, out of service. */
  private staffOffered(): boolean {
    return !this.staff.isOpen && ["idle", "misconfigured", "suspended"].includes(this.screenName);
  }

  private openStaff(): void {
    if (!this.staffOffered()) return;
    // The staff screens keep the language shown, and switch it without the session.
    this.localLanguage = this.language();
    this.staff.open();
  }

  private async checkStaff(): Promise<void> {
    try {
      const who = await this.ipc.staff.status();
      if (who && !this.staff.isOpen) {
        this.localLanguage = this.language();
        this.staff.reopen(who);
      }
    } catch (error) {
      console.warn("facekiosk-ui: staff_status refused:", asAppError(error).code);
    }
  }

  /** Back to the patient screens, as they are now: a save may have rebuilt the kiosk (its
   *  views then count from the start again, so this one is taken whatever its `seq`). */
  private afterStaff(): void {
    this.render();
    void Promise.allSettled([this.refreshInfo(), this.ipc.sessionView()]).then(([, view]) => {
      if (view.status === "fulfilled" && !this.staff.isOpen) {
        this.view = view.value;
        this.viewError = null;
        this.render();
      }
    });
  }

  private async refreshInfo(): Promise<void> {
    try {
      this.info = await this.ipc.appInfo();
      this.infoError = null;
    } catch (error) {
      console.warn("facekiosk-ui: app_info refused:", asAppError(error).code);
    }
    this.render();
  }

  private suspension(): SuspensionView | null {
    return this.info?.suspension ?? null;
  }

  private switchLanguage(): void {
    const language = otherLanguage(this.language());
    if (this.view && !this.sessionless() && !this.staff.isOpen) {
      this.send({ type: "setLanguage", language });
    } else {
      this.localLanguage = language;
      this.render();
    }
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (this.staff.isOpen) return this.staff.key(event);
    if (isStaffChord(event) && this.staffOffered()) {
      event.preventDefault();
      return this.openStaff();
    }
    if (event.key !== "Escape" || event.repeat) return;
    const intent: Intent | null = this.overlay ? { type: "extend" } : (this.rendered?.escape ?? null);
    if (!intent) return;
    event.preventDefault();
    this.send(intent);
  }

  // ---- rendering ----------------------------------------------------------------------------

  /** Misconfigured, or the core unreachable: no session to hold the language, so the UI does. */
  private sessionless(): boolean {
    return this.info?.mode === "misconfigured" || this.startupError() !== null;
  }

  /** Why the core cannot be used, if it cannot: app_info's failure first (a view without the
   *  kiosk's mode cannot be shown). */
  private startupError(): RefusalCode | null {
    return this.infoError ?? this.viewError;
  }

  private language(): Language {
    return this.view && !this.sessionless() && !this.staff.isOpen ? this.view.language : this.localLanguage;
  }

  private translate(): Translate {
    return translator(this.language());
  }

  private ctx(t: Translate): Ctx {
    return {
      t,
      // Elder mode is the patient's: the staff screens keep their ordinary size.
      elder: !this.staff.isOpen && (this.view?.elder ?? false),
      info: this.info,
      demo: this.info?.mode === "demo",
      personas: this.personas,
      terminal: this.terminal,
      send: (intent) => this.send(intent),
      presentFace: (persona) =>
        this.call(`demo_present_face:${persona}`, "demo_present_face", () => this.ipc.demoPresentFace(persona)),
      wechatScreen: (confirm) =>
        this.call(`demo_wechat_screen:${confirm}`, "demo_wechat_screen", () => this.ipc.demoWechatScreen(confirm)),
      staffTap: () => {
        if (this.taps.tap()) this.openStaff();
      },
    };
  }

  /** Which screen to show, and everything its rendering depends on (but the countdown). */
  private pick(ctx: Ctx): { name: string; key: string; render: () => Rendered } {
    const base = [this.language(), ctx.elder, this.info?.mode, this.info?.storeName];
    const staffScreen = this.staff.screen;
    if (staffScreen) {
      const key = JSON.stringify([base, "staff", this.staff.revision]);
      return { name: staffScreen.name, key, render: () => staffScreen.render(ctx.t) };
    }
    // Out of service replaces the screens without a patient; a patient's session under way ends
    // as usual first.
    const suspension = this.suspension();
    if (suspension && (this.info?.mode === "misconfigured" || this.view?.screen.name === "idle")) {
      return { name: "suspended", key: JSON.stringify([base, suspension]), render: () => suspended.render(suspension, ctx) };
    }
    if (this.info?.mode === "misconfigured") {
      const problems = this.info.problems;
      return { name: "misconfigured", key: JSON.stringify([base, problems]), render: () => misconfigured.render(problems, ctx) };
    }
    const code = this.startupError();
    if (code !== null) {
      return { name: "unavailable", key: JSON.stringify([base, code]), render: () => unavailable.render(code, ctx) };
    }
    if (!this.view || !this.info) return { name: "loading", key: JSON.stringify(base), render: () => loading.render(ctx) };
    const screen = this.view.screen;
    const personas = screen.name === "faceScan" ? this.personas : [];
    const key = JSON.stringify([base, screen, personas]);
    const render = (): Rendered => {
      switch (screen.name) {
        case "idle": return idle.render(ctx);
        case "consent": return consent.render(screen, ctx);
        case "preparing": return preparing.render(ctx);
        case "faceScan": return faceScan.render(ctx);
        case "waitingConfirmation": return waitingConfirmation.render(ctx);
        case "success": return success.render(screen, ctx);
        case "welcomeBack": return welcomeBack.render(screen, ctx);
        case "refusal": return refusal.render(screen, ctx);
        case "failed": return failed.render(screen, ctx);
      }
    };
    return { name: screen.name, key, render };
  }

  private render(): void {
    const t = this.translate();
    const ctx = this.ctx(t);
    const picked = this.pick(ctx);
    if (picked.key !== this.renderedKey) {
      const screenChanged = picked.name !== this.screenName;
      const refocus = screenChanged ? null : focusSelector(this.root.ownerDocument.activeElement);
      this.renderedKey = picked.key;
      this.screenName = picked.name;
      this.overlay = null;
      this.rendered = picked.render();
      this.mount(t, ctx, this.rendered, picked.name);
      this.syncDocument(t, ctx.elder, picked.name);
      if (screenChanged) this.announce(this.rendered.title);
      this.focus(refocus);
      if (!this.firstScreenSeen && picked.name !== "loading") {
        this.firstScreenSeen = true;
        this.options.onFirstScreen?.();
      }
    }
    this.syncOverlay(t);
  }

  private mount(t: Translate, ctx: Ctx, rendered: Rendered, name: string): void {
    // The visible name in the language it switches to, what it does in this one: each part
    // carries its own lang (an aria-label cannot, and must contain the visible words anyway).
    const language = button(
      [
        h("span", { attrs: { lang: otherLanguage(this.language()) } }, t("lang.switch")),
        h("span", { class: "visually-hidden" }, ` ${t("lang.switchHint")}`),
      ],
      () => this.switchLanguage(),
      { class: "btn btn-ghost btn-language", attrs: { "data-action": "language" } },
    );
    const header = h(
      "header",
      { class: "topbar" },
      ctx.demo ? h("div", { class: "demo-banner", attrs: { "data-demo-banner": true, role: "note" } }, t("demo.banner")) : null,
      h(
        "div",
        { class: "topbar-row" },
        h("div", { class: "brand" }, h("span", { class: "brand-mark", attrs: { "aria-hidden": "true" } }), this.info?.storeName ?? t("app.title")),
        language,
      ),
    );
    this.main = h("main", { class: "stage", attrs: { "aria-labelledby": "screen-title", "data-screen": name } }, rendered.content);
    this.root.replaceChildren(header, this.main);
  }

  private syncDocument(t: Translate, elder: boolean, name: string): void {
    const html = this.root.ownerDocument.documentElement;
    html.lang = t.language;
    html.classList.toggle("elder", elder);
    this.root.dataset.screen = name;
    this.root.ownerDocument.title = t("app.title");
  }

  private announce(text: string): void {
    const announcer = this.options.announcer;
    if (announcer) announcer.textContent = text;
  }

  /** The countdown warning, over the screen (the header and its language switch stay usable). */
  private syncOverlay(t: Translate): void {
    const countdown = this.view?.countdown ?? null;
    const show = countdown !== null && countdown.warning && this.screenName === (this.view?.screen.name ?? "");
    if (!show) {
      if (this.overlay) {
        const hadFocus = this.overlay.el.contains(this.root.ownerDocument.activeElement);
        this.overlay.el.remove();
        this.overlay = null;
        this.setMainInert(false);
        if (hadFocus) this.focus(null);
      }
      return;
    }
    if (!this.overlay) {
      const seconds = h("span", { class: "seconds", attrs: { "data-seconds-left": true } });
      // On a result screen "extend" only keeps the page: no "are you still there?", no "continue".
      const result = this.rendered?.result === true;
      const extend = button(t(result ? "warning.stay" : "warning.extend"), () => this.send({ type: "extend" }), {
        class: "btn btn-primary btn-hero",
        attrs: { "data-action": "extend" },
      });
      const text = result
        ? [h("h2", { class: "dialog-title", attrs: { id: "warning-title" } }, ...t.nodes("warning.result", { seconds }))]
        : [
            h("h2", { class: "dialog-title", attrs: { id: "warning-title" } }, t("warning.title")),
            h("p", { class: "dialog-body", attrs: { id: "warning-body" } }, ...t.nodes("warning.body", { seconds })),
          ];
      const el = h(
        "div",
        { class: "overlay", attrs: { "data-overlay": "warning", "data-warning": result ? "result" : "session" } },
        h(
          "div",
          {
            class: "dialog",
            attrs: {
              role: "alertdialog",
              "aria-modal": "true",
              "aria-labelledby": "warning-title",
              "aria-describedby": result ? null : "warning-body",
            },
          },
          ...text,
          extend,
        ),
      );
      this.overlay = { el, seconds, extend };
      this.root.appendChild(el);
      this.setMainInert(true);
      extend.focus();
    }
    this.overlay.seconds.textContent = String(countdown.secondsLeft);
    this.overlay.seconds.dataset.secondsLeft = String(countdown.secondsLeft);
  }

  private setMainInert(inert: boolean): void {
    if (!this.main) return;
    this.main.toggleAttribute("inert", inert);
    if (inert) this.main.setAttribute("aria-hidden", "true");
    else this.main.removeAttribute("aria-hidden");
  }

  /** Focus after a render: the element the patient was on (same screen), else the primary action. */
  private focus(selector: string | null): void {
    const again = selector ? this.root.querySelector<HTMLElement>(selector) : null;
    const target =
      again ??
      this.rendered?.primary ??
      this.main?.querySelector<HTMLElement>("button:not(#staff-corner), [tabindex]:not(#staff-corner)") ??
      null;
    target?.focus();
  }
}

/** A selector that finds "the same" control after a re-render (language or elder switched). */
function focusSelector(el: Element | null): string | null {
  if (!(el instanceof HTMLElement)) return null;
  for (const attr of ["data-action", "data-persona", "data-wechat"]) {
    const value = el.getAttribute(attr);
    if (value !== null) return `[${attr}="${value.replace(/["\\]/g, "\\$&")}"]`;
  }
  return null;
}
