//! Which kiosk this process is: production (a configuration that loads), misconfigured (no
//! configuration, or one that does not load: the window still opens on the "not set up"
//! screen and says what is wrong, naming the file, so staff fix it at the kiosk instead of
//! reading logs), or, in a build with the `demo` feature and only when asked for with
//! `--demo`, the demo (the sandbox in-process). A build without the feature (what the
//! packages install) has no demo at all: `--demo` is refused with a clear error.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use facekiosk_config::ConfigError;
use facekiosk_session::Settings;

/// Where a kiosk installed by the package keeps its configuration: /etc/facekiosk/kiosk.toml,
/// or %ProgramData%\facekiosk\kiosk.toml on Windows.
pub fn default_config() -> PathBuf {
    facekiosk_config::InstallPaths::here().config
}
/// Names the configuration file when `--config` is not given.
pub const CONFIG_ENV: &str = "FACEKIOSK_CONFIG";

/// The kiosk's command line.
#[derive(Debug, Clone, Default, Parser)]
#[command(
    name = "facekiosk",
    version,
    about = "The facekiosk registration kiosk"
)]
pub struct Args {
    /// Run the demo (an in-process sandbox of WeChat and the face terminal), whatever is
    /// configured. Only in a build with the `demo` feature (`cargo xtask demo`).
    #[arg(long)]
    pub demo: bool,
    /// The configuration file (default: $FACEKIOSK_CONFIG, else /etc/facekiosk/kiosk.toml,
    /// on Windows %ProgramData%\facekiosk\kiosk.toml).
    /// With --demo: only [kiosk] and [terminal] sections, applied to the demo (timeouts,
    /// language).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Demo: where the sandbox keeps its keys and records.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Demo: serve the sandbox (admin API, fault injection) on this address.
    #[arg(long, value_name = "ADDR")]
    pub sandbox_listen: Option<SocketAddr>,
}

/// What to start.
#[derive(Debug)]
pub enum Launch {
    #[cfg(feature = "demo")]
    Demo(DemoLaunch),
    Production {
        config: Box<Settings>,
        path: PathBuf,
    },
    Misconfigured {
        path: PathBuf,
        problems: Vec<String>,
    },
}

#[cfg(feature = "demo")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLaunch {
    pub data_dir: PathBuf,
    pub listen: Option<SocketAddr>,
    /// Key material made once and reused (tests); `DATA_DIR/keys` when absent.
    pub keys_dir: Option<PathBuf>,
    /// `--config` with `--demo`: [kiosk] and [terminal] settings for the demo.
    pub settings: Option<PathBuf>,
}

/// `--demo` in a build without the demo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--demo: this build of facekiosk has no demo (it was built without the `demo` feature, as \
     the packages are); try the demo from the source tree with `cargo xtask demo`"
)]
pub struct NoDemo;

impl Launch {
    /// From this process's command line and environment; `--demo` in a build without the
    /// demo ends the process with the reason (exit status 2, as for any bad argument).
    pub fn from_env() -> Launch {
        let args = Args::parse();
        match Launch::resolve(args, std::env::var_os(CONFIG_ENV), &default_config()) {
            Ok(launch) => launch,
            Err(error) => {
                eprintln!("facekiosk: {error}");
                std::process::exit(2);
            }
        }
    }

    /// `--demo` wins; then the first of `--config`, `$FACEKIOSK_CONFIG`, the default path.
    /// No configuration at all is the "not set up" screen, naming the file looked for.
    pub fn resolve(
        args: Args,
        env_config: Option<OsString>,
        default_config: &Path,
    ) -> Result<Launch, NoDemo> {
        if args.demo {
            return demo(&args);
        }
        let path = match (&args.config, env_config.filter(|v| !v.is_empty())) {
            (Some(path), _) => path.clone(),
            (None, Some(env)) => PathBuf::from(env),
            // A fresh install: nothing configured yet, which is said as such. A file named
            // explicitly and missing is a mistake, said as "cannot be read" below.
            (None, None) if !default_config.exists() => {
                return Ok(Launch::not_set_up(default_config));
            }
            (None, None) => default_config.to_path_buf(),
        };
        Ok(Launch::from_file(path))
    }

    /// The "not set up" screen of a kiosk with no configuration, naming where it looked.
    fn not_set_up(path: &Path) -> Launch {
        let problem = format!(
            "{}: no configuration yet (write it there, or name another file with --config or \
             {CONFIG_ENV})",
            path.display()
        );
        Launch::Misconfigured {
            path: path.to_path_buf(),
            problems: vec![problem],
        }
    }

    /// The configuration file this kiosk runs from, and that its staff mode edits (the
    /// demo's own, which the sandbox writes into its data dir).
    pub fn config_path(&self) -> PathBuf {
        match self {
            #[cfg(feature = "demo")]
            Launch::Demo(demo) => facekiosk_sandbox::demo::Demo::config_path(&demo.data_dir),
            Launch::Production { path, .. } | Launch::Misconfigured { path, .. } => path.clone(),
        }
    }

    pub(crate) fn from_file(path: PathBuf) -> Launch {
        match facekiosk_config::load(&path) {
            Ok(config) => Launch::Production {
                config: Box::new(config),
                path,
            },
            Err(error) => Launch::Misconfigured {
                problems: problems(&error, &path),
                path,
            },
        }
    }
}

/// One line per problem, `section.field: rule`; never a value (it may be a secret). A file
/// that cannot be read or parsed is one problem, named by its path.
pub fn problems(error: &ConfigError, path: &Path) -> Vec<String> {
    match error {
        ConfigError::Invalid(problems) => problems.iter().map(ToString::to_string).collect(),
        ConfigError::Read { source, .. } => {
            vec![format!(
                "{}: cannot be read ({})",
                path.display(),
                source.kind()
            )]
        }
        // Core's syntax message holds the line number and the parser's words, not the line.
        ConfigError::Syntax(message) => vec![format!("{}: {message}", path.display())],
    }
}

#[cfg(feature = "demo")]
fn demo(args: &Args) -> Result<Launch, NoDemo> {
    Ok(Launch::Demo(DemoLaunch {
        data_dir: args.data_dir.clone().unwrap_or_else(default_data_dir),
        listen: args.sandbox_listen,
        keys_dir: None,
        settings: args.config.clone(),
    }))
}

#[cfg(not(feature = "demo"))]
fn demo(_: &Args) -> Result<Launch, NoDemo> {
    Err(NoDemo)
}

#[cfg(feature = "demo")]
fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("facekiosk").join("demo")
}
