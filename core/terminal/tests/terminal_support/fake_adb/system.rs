//! The fake device's system: its files (what the sync protocol pushed), its packages, the bridge
//! app's Service, its properties, and the shell commands that read and change them, answering as
//! Android 7 to 10 do (`pm`, `am`, `dumpsys`, `getprop`, `rm`).

use std::collections::BTreeMap;

/// The bridge app.
pub const BRIDGE_PACKAGE: &str = "com.facekiosk.bridge";

#[derive(Debug, Clone)]
pub struct Package {
    pub version: String,
}

#[derive(Debug, Default)]
pub struct System {
    pub files: BTreeMap<String, Vec<u8>>,
    pub packages: BTreeMap<String, Package>,
    /// The bridge app's Service was started (and its package is still installed).
    pub service_running: bool,
    /// The `pairing_key` extra of the last start command (the tests compare it, never print it).
    pub pairing_key: Option<String>,
    pub idle_whitelist: Vec<String>,
    pub props: BTreeMap<String, String>,
    /// When set, `pm install` fails with this `Failure [...]` text.
    pub refuse_install: Option<String>,
    /// What `host-serial:S:features` lists (none: the adb CLI's legacy paths).
    pub features: String,
}

impl System {
    /// A terminal as it leaves the factory: the WeChat face app, no bridge app.
    pub fn fresh() -> System {
        let mut system = System::default();
        for (k, v) in [
            ("ro.build.version.release", "9"),
            ("ro.build.version.sdk", "28"),
            ("ro.product.model", "FakeTerminal"),
        ] {
            system.props.insert(k.into(), v.into());
        }
        system.packages.insert(
            "com.tencent.wxpayface".into(),
            Package {
                version: "2.18.0".into(),
            },
        );
        system
    }

    /// A terminal whose bridge app is installed and running (the link tests' terminals).
    pub fn with_bridge_running() -> System {
        let mut system = System::fresh();
        system.packages.insert(
            BRIDGE_PACKAGE.into(),
            Package {
                version: "0.1.0".into(),
            },
        );
        system.service_running = true;
        system
    }

    /// Whether something listens on `localabstract:facekiosk-bridge`.
    pub fn serving(&self) -> bool {
        self.service_running && self.packages.contains_key(BRIDGE_PACKAGE)
    }

    /// Runs one shell command line; what it prints.
    pub fn run(&mut self, line: &str) -> String {
        let words = split_words(line);
        // Redirections (`</dev/null`, which adb adds to `rm`) change nothing here.
        let words: Vec<&str> = words
            .iter()
            .map(String::as_str)
            .filter(|w| !w.starts_with(['<', '>']))
            .collect();
        match words.as_slice() {
            [] => String::new(),
            ["getprop", name] => format!("{}\n", self.props.get(*name).map_or("", |v| v)),
            ["rm", "-f", path] => {
                self.files.remove(*path);
                String::new()
            }
            ["rm", path] => match self.files.remove(*path) {
                Some(_) => String::new(),
                None => format!("rm: {path}: No such file or directory\n"),
            },
            // `cmd package` is `pm` without its script (Android 7+).
            ["cmd", "package", rest @ ..] => self.run(&format!("pm {}", rest.join(" "))),
            ["pm", "install", rest @ ..] => self.pm_install(rest),
            ["pm", "uninstall", package] => {
                if self.packages.remove(*package).is_some() {
                    if *package == BRIDGE_PACKAGE {
                        self.service_running = false;
                    }
                    "Success\n".into()
                } else {
                    "Failure [DELETE_FAILED_INTERNAL_ERROR]\n".into()
                }
            }
            ["pm", "list", "packages", filter @ ..] => self
                .packages
                .keys()
                .filter(|p| filter.first().is_none_or(|f| p.contains(f)))
                .map(|p| format!("package:{p}\n"))
                .collect(),
            ["pm", "grant", package, permission] => match self.packages.contains_key(*package) {
                false => format!(
                    "Exception occurred while executing:\njava.lang.IllegalArgumentException: \
                     Unknown package: {package}\n"
                ),
                true => format!(
                    "Exception occurred while executing:\njava.lang.SecurityException: Package \
                     {package} has not requested permission {permission}\n"
                ),
            },
            ["dumpsys", "package", package] => match self.packages.get(*package) {
                Some(p) => format!(
                    "Packages:\n  Package [{package}] (5e1f00d):\n    versionCode=1 minSdk=24 \
                     targetSdk=29\n    versionName={}\n",
                    p.version
                ),
                None => "Dexopt state:\n\nCompiler stats:\n".into(),
            },
            ["dumpsys", "deviceidle", "whitelist", plus] if plus.starts_with('+') => {
                let package = &plus[1..];
                if self.packages.contains_key(package) {
                    self.idle_whitelist.push(package.to_string());
                    format!("Added: {package}\n")
                } else {
                    format!("Package not found: {package}\n")
                }
            }
            ["dumpsys", "deviceidle", "whitelist", minus] if minus.starts_with('-') => {
                let package = &minus[1..];
                self.idle_whitelist.retain(|p| p != package);
                format!("Removed: {package}\n")
            }
            [
                "am",
                verb @ ("start-foreground-service" | "startservice"),
                rest @ ..,
            ] => self.am_start(verb, rest),
            [program, ..] => format!("/system/bin/sh: {program}: not found\n"),
        }
    }

    fn pm_install(&mut self, args: &[&str]) -> String {
        let Some(path) = args.iter().rev().find(|a| !a.starts_with('-')) else {
            return "Error: no package specified\n".into();
        };
        let Some(apk) = self.files.get(*path).cloned() else {
            return format!(
                "Error: Unable to open file: {path}\nConsider using a file under \
                 /data/local/tmp/\nError: Can't open file: {path}\n"
            );
        };
        self.install_bytes(&apk)
    }

    /// `pm install` of an APK's bytes (pushed, or streamed with `-S SIZE`).
    pub fn install_bytes(&mut self, apk: &[u8]) -> String {
        if !apk.starts_with(b"PK\x03\x04") {
            return "Failure [INSTALL_PARSE_FAILED_NOT_APK: Failed to parse \
                    /data/app/vmdl1.tmp/base.apk: Failed to load asset path \
                    /data/app/vmdl1.tmp/base.apk]\n"
                .into();
        }
        if let Some(reason) = &self.refuse_install {
            return format!("Failure [{reason}]\n");
        }
        let text = String::from_utf8_lossy(apk);
        let field = |key: &str| {
            text.split(';')
                .find_map(|f| {
                    f.trim_start_matches(|c: char| !c.is_ascii_alphabetic())
                        .strip_prefix(key)
                })
                .map(str::to_string)
        };
        let Some(package) = field("package=") else {
            return "Failure [INSTALL_FAILED_INVALID_APK: no manifest]\n".into();
        };
        let version = field("version=").unwrap_or_else(|| "1.0".into());
        self.packages.insert(package, Package { version });
        "Success\n".into()
    }

    fn am_start(&mut self, verb: &str, args: &[&str]) -> String {
        let mut component = None;
        let mut extras = false;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match *a {
                "-n" => component = it.next().copied(),
                "--es" => {
                    let (Some(k), Some(v)) = (it.next(), it.next()) else {
                        return "Error: missing extra value\n".into();
                    };
                    extras = true;
                    if *k == "pairing_key" {
                        self.pairing_key = Some(v.to_string());
                    }
                }
                _ => {}
            }
        }
        let Some(component) = component else {
            return "Error: no component\n".into();
        };
        let sdk: u32 = self
            .props
            .get("ro.build.version.sdk")
            .and_then(|s| s.parse().ok())
            .unwrap_or(28);
        if sdk < 26 && verb == "start-foreground-service" {
            return "Error: Unknown command: start-foreground-service\n".into();
        }
        let package = component.split('/').next().unwrap_or("");
        if component != format!("{BRIDGE_PACKAGE}/.BridgeService")
            || !self.packages.contains_key(package)
        {
            return format!(
                "Starting service: Intent {{ cmp={component} }}\nError: Not found; no service \
                 started.\n"
            );
        }
        self.service_running = true;
        let extras = if extras { " (has extras)" } else { "" };
        format!("Starting service: Intent {{ cmp={component}{extras} }}\n")
    }
}

/// Splits a command line into words, as sh does for the quoting adb adds (`'...'`, `"..."`).
pub fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}
