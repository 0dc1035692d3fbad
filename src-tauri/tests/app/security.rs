//! What tauri.conf.json promises the kiosk, as compiled into the app: the CSP, the frozen
//! prototype, a window the patient cannot close, minimize or maximize; and the navigation
//! guard's rule. (tests/e2e/test_kiosk.py checks in the real webview that the CSP holds.)

use std::collections::BTreeMap;

use facekiosk_app::context;
use facekiosk_app::navigation::may_navigate;
use tauri::Url;
use tauri::test::MockRuntime;

fn config() -> tauri::Config {
    context::<MockRuntime>().config().clone()
}

/// Directive -> its sources, in order.
fn csp() -> BTreeMap<String, Vec<String>> {
    let csp = config().app.security.csp.expect("a CSP").to_string();
    let mut directives = BTreeMap::new();
    for directive in csp.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = directive.split_whitespace().map(String::from);
        let name = words.next().expect("a directive name");
        let previous = directives.insert(name.clone(), words.collect());
        assert!(previous.is_none(), "{name} twice in {csp}");
    }
    directives
}

#[test]
fn the_csp_allows_the_app_and_its_ipc_only() {
    let csp = csp();
    let expected: BTreeMap<String, Vec<String>> = [
        ("default-src", &["'self'"][..]),
        ("script-src", &["'self'"]),
        ("style-src", &["'self'"]),
        // The UI has no images: no data: URLs either (vite inlines none: assetsInlineLimit 0).
        ("img-src", &["'self'"]),
        ("font-src", &["'self'"]),
        ("connect-src", &["ipc:", "http://ipc.localhost"]),
        // Not covered by default-src: plugins, a <base> that re-roots relative URLs, forms.
        ("object-src", &["'none'"]),
        ("base-uri", &["'none'"]),
        ("form-action", &["'none'"]),
    ]
    .into_iter()
    .map(|(name, sources)| {
        (
            name.to_owned(),
            sources.iter().map(|s| s.to_string()).collect(),
        )
    })
    .collect();
    assert_eq!(csp, expected);
}

#[test]
fn the_prototype_is_frozen() {
    // Object.freeze(Object.prototype) before any of the UI's scripts: no prototype pollution.
    assert!(config().app.security.freeze_prototype);
}

#[test]
fn the_window_cannot_be_closed_minimized_or_maximized() {
    let config = config();
    let [window] = &config.app.windows[..] else {
        panic!("one window: {:?}", config.app.windows);
    };
    assert_eq!(window.label, "main");
    assert!(window.create);
    assert!(window.fullscreen);
    assert!(!window.decorations);
    assert!(!window.resizable);
    assert!(!window.closable);
    assert!(!window.minimizable);
    assert!(!window.maximizable);
    assert!(!window.devtools.unwrap_or(true));
}

fn url(text: &str) -> Url {
    text.parse().expect("a URL")
}

#[test]
fn the_webview_stays_at_the_apps_origin() {
    let own = if cfg!(any(windows, target_os = "android")) {
        [
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ]
    } else {
        ["tauri://localhost/", "tauri://localhost/index.html?x=1#y"]
    };
    for allowed in own {
        assert!(may_navigate(&url(allowed), None), "{allowed}");
    }
    let elsewhere = if cfg!(any(windows, target_os = "android")) {
        "tauri://localhost/"
    } else {
        // Remote on Linux and macOS, and *.localhost resolves to this machine.
        "http://tauri.localhost/"
    };
    for refused in [
        elsewhere,
        "tauri://localhost:8080/",
        "tauri://evil.example/",
        "https://example.com/",
        "http://127.0.0.1:8700/",
        "http://localhost:5173/",
        "ipc://localhost/app_info",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
        "about:blank",
    ] {
        assert!(!may_navigate(&url(refused), None), "{refused}");
    }
}

#[test]
fn a_dev_build_may_also_load_its_dev_server() {
    let dev = url("http://localhost:5173");
    assert!(may_navigate(
        &url("http://localhost:5173/src/main.ts"),
        Some(&dev)
    ));
    assert!(!may_navigate(&url("http://localhost:5174/"), Some(&dev)));
    assert!(!may_navigate(&url("https://localhost:5173/"), Some(&dev)));
    assert!(!may_navigate(&url("https://example.com/"), Some(&dev)));
}
