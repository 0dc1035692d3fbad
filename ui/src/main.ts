// Entry point: kiosk guards, the app on #app with the real Tauri IPC, and `ui_ready` once the first
// screen is painted, with the moments of the start on the way (the cold start's milestones).
import "./styles.css";
import { App } from "./app";
import { asAppError, tauriIpc, type UiMark } from "./ipc";
import { afterPaint, installKioskGuards } from "./kiosk";

const marks: UiMark[] = [];
const mark = (name: string) => marks.push({ name, at: performance.timeOrigin + performance.now() });
mark("script started");

installKioskGuards(document);

const root = document.getElementById("app");
if (root) {
  const app = new App(root, tauriIpc, {
    announcer: document.getElementById("announcer"),
    mark,
    onFirstScreen: () => {
      mark("first screen");
      afterPaint(() => {
        mark("painted");
        tauriIpc.uiReady(marks).catch((error) => console.warn("facekiosk-ui: ui_ready:", asAppError(error).code));
      });
    },
  });
  void app.start();
}
