// SessionView fixtures, one per screen, and a fake Ipc that records what the UI sends.
import { App } from "../src/app";
import type { Ipc } from "../src/ipc";
import type { AppInfo, ConsentDocument, DemoPersona, Intent, Language, Screen, SessionView, TerminalStatus } from "../src/types";
import { FakeStaff, type Call } from "./staffFake";

export const LANGUAGES: readonly Language[] = ["zh-CN", "en"];

export const consentDoc = (language: Language): ConsentDocument => ({
  version: "2026-11-01",
  language,
  sha256: "9f2c1d0b7a4e5f6a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a",
  title: language === "zh-CN" ? "使用微信刷脸完成实名建档" : "Register with your real name using WeChat face recognition",
  sections: [
    {
      heading: language === "zh-CN" ? "我们会获取什么" : "What we will receive",
      body:
        language === "zh-CN"
          ? "经您确认后，本院将获取您的姓名、证件类型和证件号码。\n\n仅用于本院建档。"
          : "After you confirm, the hospital receives your name, the type of your ID document and its number.\n\nUsed only to register you here.",
    },
    { heading: language === "zh-CN" ? "保存多久" : "How long we keep it", body: "…" },
  ],
});

export const SCREENS = {
  idle: () => ({ name: "idle" }),
  consent: (language: Language) => ({ name: "consent", consent: consentDoc(language) }),
  preparing: () => ({ name: "preparing" }),
  faceScan: () => ({ name: "faceScan" }),
  waitingConfirmation: () => ({ name: "waitingConfirmation" }),
  success: () => ({
    name: "success",
    maskedName: "*小明",
    maskedCredential: "1101**********1234",
    credentialType: "residentId",
    patientRef: "P-000123",
  }),
  welcomeBack: () => ({ name: "welcomeBack", patientRef: "P-000042" }),
  refusal: () => ({ name: "refusal", reason: "declinedConsent" }),
  failed: () => ({ name: "failed", code: "FACE_SCAN_TIMEOUT", retry: true, detail: null }),
} satisfies Record<Screen["name"], (language: Language) => Screen>;

export const SCREEN_NAMES = Object.keys(SCREENS) as Array<Screen["name"]>;

/** The fixture screen with this name. */
export const screen = (name: Screen["name"], language: Language = "zh-CN"): Screen =>
  (SCREENS[name] as (language: Language) => Screen)(language);

let seq = 0;
export function view(screen: Screen, patch: Partial<SessionView> = {}): SessionView {
  seq += 1;
  return { seq, language: "zh-CN", elder: false, screen, countdown: null, ...patch };
}

export const INFO: Record<AppInfo["mode"], AppInfo> = {
  production: { mode: "production", version: "0.1.0", storeName: "示例市第一人民医院", problems: [],
    terminal: { state: "connected", detail: "connected to SIM-TERMINAL-1" }, suspension: null },
  demo: { mode: "demo", version: "0.1.0", storeName: null, problems: [], terminal: null, suspension: null },
  misconfigured: {
    mode: "misconfigured",
    version: "0.1.0",
    storeName: null,
    problems: ["merchant.mch_id: required", "terminal.serial: must be set when several devices are attached"],
    terminal: null,
    suspension: null,
  },
};

export const PERSONAS: DemoPersona[] = [
  { id: "new-adult", label: "新患者（成年）" },
  { id: "returning", label: "老患者" },
  { id: "cancels", label: "在微信上取消" },
];

export type { Call };

/** A fake core: answers the commands from its fields and records every call. */
export class FakeIpc implements Ipc {
  calls: Call[] = [];
  /** The staff commands; they record into `calls` too. */
  staff = new FakeStaff(this.calls);
  info: AppInfo = INFO.production;
  current: SessionView | Error = view(SCREENS.idle());
  personas: DemoPersona[] = PERSONAS;
  /** Make every intent hang until released (to test double taps). */
  holdIntents = false;
  private release: Array<() => void> = [];
  private viewHandlers: Array<(v: SessionView) => void> = [];
  private statusHandlers: Array<(s: TerminalStatus) => void> = [];

  appInfo = async () => this.info;
  sessionView = async () => {
    if (this.current instanceof Error) throw { code: "noSession", message: this.current.message };
    return this.current;
  };
  sendIntent = (intent: Intent) => {
    this.calls.push({ cmd: "session_intent", arg: intent });
    return this.holdIntents ? new Promise<void>((resolve) => this.release.push(resolve)) : Promise.resolve();
  };
  demoPersonas = async () => this.personas;
  demoPresentFace = async (persona: string) => void this.calls.push({ cmd: "demo_present_face", arg: persona });
  demoWechatScreen = async (confirm: boolean) => void this.calls.push({ cmd: "demo_wechat_screen", arg: confirm });
  uiReady = async () => void this.calls.push({ cmd: "ui_ready" });
  onView = async (handler: (v: SessionView) => void) => {
    this.viewHandlers.push(handler);
    return () => void (this.viewHandlers = this.viewHandlers.filter((h) => h !== handler));
  };
  onTerminalStatus = async (handler: (s: TerminalStatus) => void) => {
    this.statusHandlers.push(handler);
    return () => void (this.statusHandlers = this.statusHandlers.filter((h) => h !== handler));
  };

  emitView(v: SessionView) {
    this.viewHandlers.forEach((h) => h(v));
  }
  emitStatus(s: TerminalStatus) {
    this.statusHandlers.forEach((h) => h(s));
  }
  releaseIntents() {
    this.release.splice(0).forEach((r) => r());
  }
  intents(): Intent[] {
    return this.calls.filter((c) => c.cmd === "session_intent").map((c) => c.arg as Intent);
  }
}

export interface Mounted {
  app: App;
  ipc: FakeIpc;
  root: HTMLElement;
  announcer: HTMLElement;
  firstScreens: number;
  /** The start's moments the app noted, in order (`AppOptions.mark`). */
  marks: string[];
  $<T extends Element = HTMLElement>(selector: string): T | null;
  $$<T extends Element = HTMLElement>(selector: string): T[];
}

let previous: App | null = null;

/** A fresh document body with #app, the app started against a FakeIpc (the previous one stopped). */
export async function mount(setup: (ipc: FakeIpc) => void = () => {}): Promise<Mounted> {
  previous?.stop();
  document.body.replaceChildren();
  document.documentElement.className = "";
  const root = document.createElement("div");
  root.id = "app";
  const announcer = document.createElement("div");
  announcer.setAttribute("aria-live", "polite");
  document.body.append(root, announcer);
  const ipc = new FakeIpc();
  setup(ipc);
  const mounted: Mounted = {
    app: undefined as unknown as App,
    ipc,
    root,
    announcer,
    firstScreens: 0,
    marks: [],
    $: (s) => root.querySelector(s),
    $$: (s) => Array.from(root.querySelectorAll(s)),
  };
  mounted.app = new App(root, ipc, {
    announcer,
    onFirstScreen: () => void (mounted.firstScreens += 1),
    mark: (name) => void mounted.marks.push(name),
  });
  previous = mounted.app;
  await mounted.app.start();
  return mounted;
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export function click(el: Element | null): void {
  if (!el) throw new Error("no such element");
  (el as HTMLElement).click();
}
