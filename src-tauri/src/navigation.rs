//! The webview stays on the app's own pages: a link, a redirect or a script that sets
//! `location` to anything else is cancelled, so no other site ever runs in the kiosk's window
//! (with or without IPC).

use tauri::plugin::TauriPlugin;
use tauri::{Manager, Runtime, Url};

/// The guard, as a plugin: its navigation hook runs for every webview the app opens.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = webview.config().build.dev_url.as_ref();
            let allowed = may_navigate(url, tauri::is_dev().then_some(dev_url).flatten());
            if !allowed {
                tracing::warn!(
                    webview = webview.label(),
                    scheme = url.scheme(),
                    host = url.host_str().unwrap_or(""),
                    "navigation refused (not the app's origin)"
                );
            }
            allowed
        })
        .build()
}

/// Whether the webview may load `url`: the origin Tauri serves the embedded UI from on this
/// platform (`tauri://localhost`; `http(s)://tauri.localhost` on Windows and Android), or
/// the dev server's origin in a dev build (`dev_url`, None otherwise). The path is the UI's
/// business; the origin is what matters.
pub fn may_navigate(url: &Url, dev_url: Option<&Url>) -> bool {
    let own = if cfg!(any(windows, target_os = "android")) {
        matches!(url.scheme(), "http" | "https")
            && url.host_str() == Some("tauri.localhost")
            && url.port().is_none()
    } else {
        url.scheme() == "tauri" && url.host_str() == Some("localhost") && url.port().is_none()
    };
    own || dev_url.is_some_and(|dev| same_origin(url, dev))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}
