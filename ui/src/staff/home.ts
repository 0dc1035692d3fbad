// The staff home: who is in, and where to go. Diagnostics is the technician's only.
import { h } from "../dom";
import type { MessageKey } from "../i18n";
import { auditScreen } from "./audit";
import { diagnosticsScreen } from "./diagnostics";
import { leaveButton, staffButton, staffPage } from "./frame";
import { recordsScreen } from "./records";
import { settingsScreen } from "./settings";
import { suspendScreen } from "./suspend";
import type { Notice, Staff, StaffScreen } from "./types";

export function homeScreen(staff: Staff, notice: Notice | null): StaffScreen {
  const screen: StaffScreen = {
    name: "staffHome",
    render(t) {
      const who = staff.who;
      const technician = who?.role === "technician";
      const destinations: Array<[string, MessageKey, () => StaffScreen]> = [
        ["settings", "staff.nav.settings", () => settingsScreen(staff)],
        ["suspend", "staff.nav.suspend", () => suspendScreen(staff)],
        ["records", "staff.nav.records", () => recordsScreen(staff)],
        ["audit", "staff.nav.audit", () => auditScreen(staff)],
      ];
      if (technician) destinations.push(["diagnostics", "staff.nav.diagnostics", () => diagnosticsScreen(staff)]);
      const menu = h(
        "div",
        { class: "staff-menu" },
        ...destinations.map(([nav, key, next]) =>
          staffButton(t(key), () => staff.go(next()), "secondary", { "data-staff-nav": nav }),
        ),
      );
      const role = who ? t(who.role === "technician" ? "staff.role.technician" : "staff.role.staff") : "";
      const account = h(
        "p",
        { class: "lead", attrs: { "data-staff-account": true, "data-role": who?.role ?? null } },
        t("staff.home.account", { account: who?.account ?? "", role }),
      );
      const content = staffPage(staff, t, "staffHome", t("staff.home.title"), [account, menu], {
        notice,
        actions: [leaveButton(staff, t)],
        noHome: true,
      });
      return { title: t("staff.home.title"), content, primary: menu.querySelector("button"), escape: null };
    },
  };
  return screen;
}
