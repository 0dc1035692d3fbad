//! Which kiosk this process is: the demo (the sandbox in-process, the default on a machine
//! with no configuration), production (a configuration that loads), or misconfigured (a
//! configuration that does not load: the window still opens and says what is wrong, so staff
//! fix it at the kiosk instead of reading logs).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::Parser;
use facekiosk_core::Config;
use facekiosk_core::config::ConfigError;

/// Where a kiosk installed by the package keeps its configuration.
pub const DEFAULT_CONFIG: &str = "/etc/facekiosk/kiosk.toml";
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
    /// configured.
    #[arg(long)]
    pub demo: bool,
    /// The configuration file (default: $FACEKIOSK_CONFIG, else /etc/facekiosk/kiosk.toml).
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
    Demo(DemoLaunch),
    Production {
        config: Box<Config>,
        path: PathBuf,
    },
    Misconfigured {
        path: PathBuf,
        problems: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLaunch {
    pub data_dir: PathBuf,
    pub listen: Option<SocketAddr>,
    /// Key material made once and reused (tests); `DATA_DIR/keys` when absent.
    pub keys_dir: Option<PathBuf>,
    /// `--config` with `--demo`: [kiosk] and [terminal] settings for the demo.
    pub settings: Option<PathBuf>,
}

impl Launch {
    /// From this process's command line and environment.
    pub fn from_env() -> Launch {
        let args = Args::parse();
        Launch::resolve(
            args,
            std::env::var_os(CONFIG_ENV),
            Path::new(DEFAULT_CONFIG),
        )
    }

    /// `--demo` wins; then the first of `--config`, `$FACEKIOSK_CONFIG`, the default path.
    /// A file named explicitly must exist; only the default path may be absent (a fresh
    /// machine), which means the demo.
    pub fn resolve(args: Args, env_config: Option<OsString>, default_config: &Path) -> Launch {
        let demo = || {
            Launch::Demo(DemoLaunch {
                data_dir: args.data_dir.clone().unwrap_or_else(default_data_dir),
                listen: args.sandbox_listen,
                keys_dir: None,
                settings: args.demo.then(|| args.config.clone()).flatten(),
            })
        };
        if args.demo {
            return demo();
        }
        let path = match (&args.config, env_config.filter(|v| !v.is_empty())) {
            (Some(path), _) => path.clone(),
            (None, Some(env)) => PathBuf::from(env),
            (None, None) if default_config.exists() => default_config.to_path_buf(),
            (None, None) => return demo(),
        };
        match Config::load(&path) {
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

fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("facekiosk").join("demo")
}
