// As the kiosk's UI does (ui/src/kiosk.ts afterPaint): once two animation frames have passed,
// the page is on screen, and the shell is told so.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    window.__TAURI_INTERNALS__.invoke("ui_ready").catch((error) => console.warn("ui_ready:", error));
  }),
);
