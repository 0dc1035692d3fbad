// The technician's diagnostics: the checks take a while (the face device, WeChat), so the
// screen says so first; then each check with what was found and what to do, and a summary.
// Below them, the support bundle: a folder for technical support, written where the technician
// chooses (a USB stick, usually).
import { h } from "../dom";
import type { MessageKey, Translate } from "../i18n";
import type { Report } from "../types";
import { refusalNotice, staffButton, staffPage, statusItem } from "./frame";
import { TargetChooser } from "./targets";
import type { Notice, Staff, StaffScreen } from "./types";

const STATUSES = ["ok", "warn", "fail"] as const;

export function diagnosticsScreen(staff: Staff): StaffScreen {
  let report: Report | null = null;
  let running = false;
  let notice: Notice | null = null;
  const targets = new TargetChooser(staff, (n) => (notice = n), "bundle-target");

  const writeBundle = () =>
    targets.write(screen, (ipc, dir) => ipc.bundle(dir), (path) => ({
      kind: "bundle-written",
      key: "staff.diagnostics.bundleWritten",
      vars: { path },
    }));

  const progress = (t: Translate, attr: string, key: MessageKey) =>
    h(
      "div",
      { class: "staff-progress", attrs: { [attr]: true, role: "status" } },
      h("span", { class: "spinner", attrs: { "aria-hidden": "true" } }),
      t(key),
    );

  const bundleSection = (t: Translate) => {
    const go = staffButton(t("staff.diagnostics.bundle"), () => void writeBundle(), "primary", { "data-action": "bundle" });
    go.disabled = !targets.ready;
    return h(
      "section",
      { class: "staff-section", attrs: { "data-section": "bundle", "aria-labelledby": "bundle-title" } },
      h("h2", { class: "staff-section-title", attrs: { id: "bundle-title" } }, t("staff.diagnostics.bundle")),
      h("p", { class: "lead" }, t("staff.diagnostics.bundleLead")),
      targets.render(t, screen),
      targets.busy ? progress(t, "data-bundle-running", "staff.diagnostics.bundleRunning") : null,
      h("div", { class: "actions" }, go),
    );
  };

  const run = async () => {
    if (running) return;
    running = true;
    report = null;
    notice = null;
    staff.refresh(screen);
    const outcome = await staff.run(screen, (ipc) => ipc.diagnostics());
    running = false;
    if (!outcome) return;
    if (outcome.ok) report = outcome.value;
    else notice = refusalNotice(outcome.error);
    staff.refresh(screen);
  };

  const statusText = (t: Translate, status: string) =>
    (STATUSES as readonly string[]).includes(status) ? t(`staff.diagnostics.status.${status}` as MessageKey) : status;

  const results = (t: Translate, r: Report): HTMLElement[] => {
    const count = (s: string) => r.checks.filter((c) => c.status === s).length;
    return [
      h(
        "p",
        { class: "lead staff-summary", attrs: { "data-diagnostics-summary": true } },
        t("staff.diagnostics.summary", { ok: count("ok"), warn: count("warn"), fail: count("fail") }),
      ),
      h(
        "ul",
        { class: "staff-checks" },
        ...r.checks.map((c) =>
          statusItem(
            t,
            { tone: c.status, status: statusText(t, c.status), id: c.id, detail: c.detail, action: c.action },
            { "data-check-id": c.id, "data-status": c.status },
          ),
        ),
      ),
    ];
  };

  const screen: StaffScreen = {
    name: "staffDiagnostics",
    start() {
      targets.load(screen);
      void run();
    },
    render(t) {
      const checks = running
        ? [progress(t, "data-diagnostics-running", "staff.diagnostics.running")]
        : report
          ? results(t, report)
          : [];
      const rerun = staffButton(t("staff.diagnostics.rerun"), () => void run(), "primary", { "data-action": "rerun" });
      rerun.disabled = running;
      // "Run again" stays with the checks it runs, above the bundle.
      const body = [...checks, h("div", { class: "actions" }, rerun), bundleSection(t)];
      const content = staffPage(staff, t, "staffDiagnostics", t("staff.diagnostics.title"), body, { notice });
      return { title: t("staff.diagnostics.title"), content, primary: running ? null : rerun, escape: null };
    },
  };
  return screen;
}
