// Entry point: kiosk guards, the app on #app with the real Tauri IPC, and `ui_ready` once the first
// screen is painted.
import "./styles.css";
import { App } from "./app";
import { asAppError, tauriIpc } from "./ipc";
import { afterPaint, installKioskGuards } from "./kiosk";

installKioskGuards(document);

const root = document.getElementById("app");
if (root) {
  const app = new App(root, tauriIpc, {
    announcer: document.getElementById("announcer"),
    onFirstScreen: () =>
      afterPaint(() => {
        tauriIpc.uiReady().catch((error) => console.warn("facekiosk-ui: ui_ready:", asAppError(error).code));
      }),
  });
  void app.start();
}
