//! The one table of `cargo xtask bench --compare`, in Markdown.

use std::fmt::Write;
use std::time::Duration;

use super::parse::Results;

/// A figure in the unit it reads best in; `-` when the run did not produce it.
fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |us| format!("{:.2} ms", us / 1000.0))
}

fn us(v: Option<f64>) -> String {
    v.map_or("-".into(), |us| format!("{us:.0} µs"))
}

fn unit(v: Option<f64>, unit: &str) -> String {
    v.map_or("-".into(), |x| format!("{x:.0} {unit}"))
}

/// `a / b` with whether it meets `target` (`at_least`: ratio >= target, else <= target).
fn ratio(a: Option<f64>, b: Option<f64>, target: Option<(f64, bool)>) -> (String, String) {
    let Some(r) = a.zip(b).filter(|(_, b)| *b > 0.0).map(|(a, b)| a / b) else {
        return ("-".into(), "-".into());
    };
    let verdict = match target {
        None => "-".into(),
        Some((t, true)) => format!("≥ {t}×: {}", if r >= t { "met" } else { "NOT met" }),
        Some((t, false)) => format!("≤ {t}×: {}", if r <= t { "met" } else { "NOT met" }),
    };
    (format!("{r:.2}×"), verdict)
}

fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim())
        })
        .unwrap_or("unknown CPU")
        .to_owned();
    let cores = info.lines().filter(|l| l.starts_with("processor")).count();
    format!("{model}, {cores} logical CPUs")
}

/// Today (UTC) as YYYY-MM-DD, as `date` says.
fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "(date unknown)".into(), |d| d.trim().to_owned())
}

type Show = fn(Option<f64>) -> String;
type Row = [String; 5];

/// A figure of ours against a reference, with the ratio and its target (`cheaper`: the ratio
/// is theirs over ours, the target a minimum; else ours over theirs, the target a maximum).
fn pair(
    r: &Results,
    what: &str,
    keys: (&str, &str),
    show: Show,
    target: f64,
    cheaper: bool,
) -> Row {
    let (o, t) = (r.get(keys.0), r.get(keys.1));
    let (x, verdict) = if cheaper {
        ratio(t, o, Some((target, true)))
    } else {
        ratio(o, t, Some((target, false)))
    };
    [what.into(), show(o), show(t), x, verdict]
}

/// A figure against a reference, with the ratio (ours over theirs) and no target of its own.
fn versus(r: &Results, what: &str, keys: (&str, &str), show: Show) -> Row {
    let (o, t) = (r.get(keys.0), r.get(keys.1));
    let (x, _) = ratio(o, t, None);
    [what.into(), show(o), show(t), x, "-".into()]
}

/// Where a cold start's time went: its milestones on its own clock, the kiosk's / the bare
/// window's (`who`: `production` or `kiosk`, the demo build).
fn milestones(r: &Results, who: &str) -> String {
    let at = |app: &str, key: &str| {
        r.get(&format!("startup_{app}_{key}_ms"))
            .map_or("-".into(), |v| format!("{v:.0}"))
    };
    [
        ("app built", "app_built"),
        ("kiosk started", "kiosk_started"),
        ("page load started", "page_load_started"),
        ("script started", "ui_script_started"),
        ("page loaded", "page_loaded"),
        ("loading screen in the DOM", "ui_loading_shown"),
        ("listening", "ui_listening"),
        ("first answers", "ui_answered"),
        ("first screen", "ui_first_screen"),
        ("first paint", "own"),
    ]
    .iter()
    .map(|(label, key)| format!("{label} {} / {}", at(who, key), at("bare", key)))
    .collect::<Vec<_>>()
    .join(", ")
        + " ms"
}

/// A figure with nothing to hold it against.
fn note(what: &str, value: String) -> Row {
    [what.into(), value, "-".into(), "-".into(), "-".into()]
}

pub fn render(r: &Results, took: Duration) -> String {
    let both = |a: &str, b: &str, show: Show| format!("{} / {}", show(r.get(a)), show(r.get(b)));
    let mut rows: Vec<Row> = ["p50", "p99"]
        .iter()
        .map(|p| {
            pair(
                r,
                &format!("facemch query per call, {p} (vs wechatpayv3; ratio: times cheaper)"),
                (
                    &format!("facemch_rust_{p}_us"),
                    &format!("facemch_python_{p}_us"),
                ),
                ms,
                2.0,
                true,
            )
        })
        .collect();
    rows.extend([
        note(
            "  the client's own CPU time per call (ours / wechatpayv3)",
            both("facemch_rust_cpu_us", "facemch_python_cpu_us", ms),
        ),
        note(
            "  the sandbox's CPU time per call (serving ours / serving wechatpayv3)",
            both(
                "facemch_rust_sandbox_cpu_us",
                "facemch_python_sandbox_cpu_us",
                ms,
            ),
        ),
    ]);
    let decrypt_reference = if r.get("openssl_decrypt_via_cryptography").is_some() {
        "OpenSSL's (through Python's `cryptography`)"
    } else {
        "`openssl speed`"
    };
    rows.extend([
        pair(
            r,
            "new patient's session, the kiosk's CPU time vs its crypto floor \
             (1 sign, 2 decrypts, 1 verify)",
            ("kiosk_cpu_us", "floor_us"),
            ms,
            1.25,
            false,
        ),
        note(
            "  the session's wall time as the kiosk sees it, p50 / p99",
            both("wall_p50_us", "wall_p99_us", ms),
        ),
        note(
            "  the sandbox's CPU time per session (WeChat, terminal, hospital)",
            ms(r.get("session_sandbox_cpu_us")),
        ),
        note(
            "  the kiosk's CPU time per session with its own registry in place of the \
             hospital's FHIR server",
            ms(r.get("kiosk_cpu_local_his_us")),
        ),
        pair(
            r,
            "  RSA-2048 request signature vs `openssl speed` sign",
            ("floor_sign_us", "openssl_sign_us"),
            us,
            1.5,
            false,
        ),
        pair(
            r,
            &format!("  RSA-2048 PKCS#1 v1.5 decryption vs {decrypt_reference} private decrypt"),
            ("floor_decrypt_id_us", "openssl_decrypt_us"),
            us,
            1.5,
            false,
        ),
        note(
            "  response verification (public key)",
            us(r.get("floor_verify_us")),
        ),
        pair(
            r,
            "cold start, exec to first paint of the idle screen, median: the kiosk as a \
             hospital runs it (no demo, configured against the sandbox) vs a bare Tauri window",
            ("startup_production_paint_ms", "startup_bare_paint_ms"),
            |v| unit(v, "ms"),
            1.1,
            false,
        ),
        note(
            "  on the apps' own clocks, median (the kiosk / the bare window; from their start)",
            milestones(r, "production"),
        ),
        pair(
            r,
            "idle PSS of the whole process tree, median: the kiosk as a hospital runs it vs a \
             bare Tauri window",
            ("startup_production_pss_mb", "startup_bare_pss_mb"),
            |v| unit(v, "MB"),
            1.1,
            false,
        ),
        versus(
            r,
            "  the demo build (`--demo`: its in-process sandbox and simulated terminal too), \
             cold start vs the bare window",
            ("startup_kiosk_paint_ms", "startup_bare_paint_ms"),
            |v| unit(v, "ms"),
        ),
        note(
            "  the demo build on its own clock (the demo / the bare window)",
            milestones(r, "kiosk"),
        ),
        versus(
            r,
            "  the demo build, idle PSS vs the bare window",
            ("startup_kiosk_pss_mb", "startup_bare_pss_mb"),
            |v| unit(v, "MB"),
        ),
    ]);
    for (kind, what) in [("rawdata", "getWxpayfaceRawdata"), ("ping", "ping")] {
        rows.push(note(
            &format!("bridge round trip on loopback ({what}), p50 / p99"),
            both(
                &format!("bridge_{kind}_p50_us"),
                &format!("bridge_{kind}_p99_us"),
                us,
            ),
        ));
    }
    let mut out = String::new();
    let _ = writeln!(out, "## `cargo xtask bench --compare`, {}\n", today());
    let _ = writeln!(
        out,
        "Machine: {}. The run took {} s.",
        cpu_model(),
        took.as_secs()
    );
    let _ = writeln!(
        out,
        "Absolute times hold for this machine, this day and its load only; only the ratios \
         (measured side by side in one run) carry between machines.\n"
    );
    let _ = writeln!(
        out,
        "| what | the kiosk | reference | ratio | issue target |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for [a, b, c, d, e] in rows {
        let _ = writeln!(out, "| {a} | {b} | {c} | {d} | {e} |");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ratio_says_whether_its_target_is_met() {
        assert_eq!(
            ratio(Some(30.0), Some(10.0), Some((2.0, true))).1,
            "≥ 2×: met"
        );
        assert_eq!(
            ratio(Some(13.0), Some(10.0), Some((1.25, false))).1,
            "≤ 1.25×: NOT met"
        );
        assert_eq!(ratio(None, Some(10.0), None).0, "-");
    }

    #[test]
    fn the_table_names_the_machine_and_shows_missing_figures_as_dashes() {
        let mut r = Results::default();
        r.read("RESULT facemch_rust_p50_us 5000\nRESULT facemch_python_p50_us 12000\n");
        let t = render(&r, Duration::from_secs(3));
        assert!(t.contains("only the ratios"));
        assert!(
            t.contains("| 5.00 ms | 12.00 ms | 2.40× | ≥ 2×: met |"),
            "{t}"
        );
        assert!(
            t.contains("vs a bare Tauri window | - | - | - | - |"),
            "{t}"
        );
    }

    #[test]
    fn a_cold_start_is_split_by_each_app_s_milestones() {
        let mut r = Results::default();
        r.read(
            "RESULT startup_production_page_loaded_ms 300\n\
             RESULT startup_bare_page_loaded_ms 200\n\
             RESULT startup_production_own_ms 350\n",
        );
        let t = render(&r, Duration::from_secs(3));
        assert!(
            t.contains("page loaded 300 / 200, loading screen in the DOM - / -, listening - / -, first answers - / -, first screen - / -, first paint 350 / - ms"),
            "{t}"
        );
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10);
        assert!(d.starts_with("20"));
    }
}
