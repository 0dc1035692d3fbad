//! `[terminal.face_app]`: how the WeChat face app on the terminal is set up: the proxy it
//! reaches WeChat through, its performance mode, and the screen it draws the face UI on. The
//! proxy's password is read from a file only its owner may read, never written in the file.

use std::io::Read;
use std::path::Path;

use facekiosk_pii::{Secret, secret_file};
use facekiosk_terminal::{
    FaceAppSettings, FaceProxy, FaceScreen, InitOptions, PerformMode, ProxyKind, ScreenIndex,
};

use super::reader::{Problems, Section};

/// The dotted name of the table, under which [`Section`] reports its fields.
const NAME: &str = "terminal.face_app";

/// The fields, the proxy's last (all but `proxy_host` meaningless without it).
pub(super) const FIELDS: [&str; 9] = [
    "perform_mode",
    "screen_index",
    "overlay_option",
    "proxy_host",
    "proxy_port",
    "proxy_type",
    "proxy_tcp_port",
    "proxy_user",
    "proxy_password_file",
];

/// Reads `face_app` from the `[terminal]` table (absent: the face app's defaults).
pub(super) fn read_face_app(
    terminal: Option<&toml::Table>,
    base: &Path,
    p: &mut Problems,
) -> FaceAppSettings {
    let Some(value) = terminal.and_then(|t| t.get("face_app")) else {
        return FaceAppSettings::default();
    };
    // Section reads a top-level table and names its fields after it: the nested table is
    // handed to it as a one-entry table keyed by its dotted name, so that every problem is
    // reported as `terminal.face_app.<field>` with the same rules as every other section.
    let holder = toml::Table::from_iter([(NAME.to_owned(), value.clone())]);
    let s = Section::new(&holder, NAME, &FIELDS, p);
    // An empty string counts as absent, as everywhere in the file.
    let proxy_given = match value.get("proxy_host") {
        None => false,
        Some(v) => v.as_str() != Some(""),
    };
    FaceAppSettings {
        init: InitOptions {
            proxy: read_proxy(&s, proxy_given, base, p),
            perform_mode: read_perform_mode(&s, p),
        },
        screen: FaceScreen {
            screen_index: s
                .integer("screen_index", 0..=3, p)
                .and_then(|n| ScreenIndex::from_number(n as u8)),
            overlay_option: s.integer("overlay_option", 0..=1, p).map(|n| n == 1),
        },
    }
}

fn read_perform_mode(s: &Section, p: &mut Problems) -> Option<PerformMode> {
    match s.string("perform_mode", p)?.as_str() {
        "normal" => Some(PerformMode::Normal),
        "low" => Some(PerformMode::Low),
        _ => {
            p.add(format!("{NAME}.perform_mode"), "must be normal or low");
            None
        }
    }
}

fn read_proxy(s: &Section, given: bool, base: &Path, p: &mut Problems) -> Option<FaceProxy> {
    let host = s.string("proxy_host", p);
    let host = s.check("proxy_host", host, p, host_rule);
    if !given {
        let proxy_only = FIELDS
            .iter()
            .filter(|f| f.starts_with("proxy_") && s.has(f));
        for field in proxy_only {
            p.add(
                format!("{NAME}.{field}"),
                format!("is only used with {NAME}.proxy_host"),
            );
        }
        return None;
    }
    let port = s.integer("proxy_port", 1..=65535, p).map(|v| v as u16);
    if !s.has("proxy_port") {
        p.add(
            format!("{NAME}.proxy_port"),
            format!("is required when {NAME}.proxy_host is set"),
        );
    }
    let kind = match s.string("proxy_type", p).as_deref() {
        None => None,
        Some("http_tunnel") => Some(ProxyKind::HttpTunnel),
        Some("socks5") => Some(ProxyKind::Socks5),
        Some("http") => Some(ProxyKind::Http),
        Some(_) => {
            p.add(
                format!("{NAME}.proxy_type"),
                "must be http_tunnel, socks5 or http",
            );
            None
        }
    };
    let tcp_port = s.integer("proxy_tcp_port", 1..=65535, p).map(|v| v as u16);
    let user = s.string("proxy_user", p);
    let password = s
        .string("proxy_password_file", p)
        .and_then(|file| read_password(&base.join(file), p));
    if s.has("proxy_password_file") && !s.has("proxy_user") {
        p.add(
            format!("{NAME}.proxy_user"),
            format!("is required when {NAME}.proxy_password_file is set"),
        );
    }
    Some(FaceProxy {
        host: host?,
        port: port?,
        user,
        password,
        kind,
        tcp_port,
    })
}

/// An IP address or a host name: what the face app's `ip` takes, without scheme or port.
fn host_rule(v: &str) -> Result<(), String> {
    if v.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if v.len() <= 253 && v.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(
            "must be an IP address or a host name, without scheme or port (those go in \
             proxy_port and proxy_type)"
                .into(),
        )
    }
}

/// The proxy password, from a file only its owner may read; the file's name is in every
/// complaint, its content in none.
fn read_password(path: &Path, p: &mut Problems) -> Option<Secret> {
    let field = format!("{NAME}.proxy_password_file");
    let shown = path.display();
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            p.add(field, format!("{shown} cannot be read ({})", e.kind()));
            return None;
        }
    };
    match secret_file::exposed(path) {
        Ok(None) => {}
        Ok(Some(exposure)) => {
            p.add(
                field,
                format!(
                    "{shown} is readable by group or others ({exposure}): make it \
                     readable by its owner only ({})",
                    exposure.fix(path)
                ),
            );
            return None;
        }
        Err(e) => {
            p.add(field, format!("{shown} cannot be read ({})", e.kind()));
            return None;
        }
    }
    // Room for the whole of any sensible password up front, so that reading never
    // reallocates and leaves an unwiped copy behind; more than that is a wrong file.
    let mut text = String::with_capacity(LIMIT + 1);
    let read = (&mut file).take(LIMIT as u64 + 1).read_to_string(&mut text);
    let text = Secret::new(text);
    if let Err(e) = read {
        p.add(field, format!("{shown} cannot be read ({})", e.kind()));
        return None;
    }
    if text.expose().len() > LIMIT {
        p.add(field, format!("{shown} is longer than {LIMIT} bytes"));
        return None;
    }
    // Editors end files with a newline; the password does not include it.
    let password = text.expose().trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        p.add(field, format!("{shown} is empty"));
        return None;
    }
    Some(Secret::new(password))
}

const LIMIT: usize = 1024;

#[cfg(test)]
mod tests;
