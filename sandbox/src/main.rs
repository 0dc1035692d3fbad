//! `facekiosk-sandbox serve --listen 127.0.0.1:PORT --data-dir DIR`: the WeChat backends.
//! `facekiosk-sandbox terminal --listen 127.0.0.1:PORT`: a simulated face terminal (the real
//! bridge server over the simulated face app), with the backends it talks to.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use facekiosk_sandbox::{FaceAppOptions, Options, Sandbox, StartOptions};

#[derive(Debug, Parser)]
#[command(
    name = "facekiosk-sandbox",
    version,
    about = "A local WeChat world for facekiosk"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves payapp, api.mch and the admin API on one address until interrupted.
    Serve {
        /// Where to listen (loopback: the admin API has no authentication).
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        #[command(flatten)]
        world: WorldArgs,
        /// Also serve a simulated face terminal (the bridge protocol) on this address.
        #[arg(long)]
        terminal: Option<SocketAddr>,
    },
    /// Serves a simulated face terminal: the bridge protocol on --listen, as `adb forward`
    /// exposes a real terminal, plus the backends its face app talks to.
    Terminal {
        /// Where the bridge protocol is served.
        #[arg(long)]
        listen: SocketAddr,
        /// Where payapp, api.mch and the admin API are served (port 0: any free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        backend: SocketAddr,
        #[command(flatten)]
        world: WorldArgs,
    },
}

#[derive(Debug, clap::Args)]
struct WorldArgs {
    /// Where keys, personas and the kiosk configuration are made (or reused).
    #[arg(long, default_value = "target/sandbox")]
    data_dir: PathBuf,
    /// The sandbox's options (default: DATA_DIR/sandbox.toml if present).
    #[arg(long)]
    config: Option<PathBuf>,
    /// The simulated terminal's serial.
    #[arg(long, default_value = "SIM-TERMINAL-1")]
    terminal_serial: String,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let (listen, world, terminal) = match Cli::parse().command {
        Command::Serve {
            listen,
            world,
            terminal,
        } => (listen, world, terminal),
        Command::Terminal {
            listen,
            backend,
            world,
        } => (backend, world, Some(listen)),
    };
    let WorldArgs {
        data_dir,
        config,
        terminal_serial,
    } = world;
    let mut start = StartOptions::new(data_dir).listen(listen);
    if let Some(path) = config {
        start = start.options(Options::load(&path)?);
    }
    let sandbox = Sandbox::start(start).await?;
    let m = sandbox.material();
    let p = &sandbox.paths;
    println!("facekiosk-sandbox listening on {}", sandbox.base_url);
    println!("  payapp and api.mch:   {}", sandbox.base_url);
    println!("  admin API:            {}/sandbox/", sandbox.base_url);
    println!("  kiosk config:         {}", p.kiosk_config.display());
    println!("  kiosk config (SP):    {}", p.kiosk_config_sp.display());
    println!("  personas:             {}", p.personas.display());
    println!("  keys:                 {}", p.keys_dir.display());
    println!(
        "  merchant {}: key {}, certificate {} (serial {}), APIv2 key {}, APIv3 key {}",
        m.merchant.mch_id,
        m.merchant.key_path().display(),
        m.merchant.cert_path().display(),
        m.merchant.serial,
        m.merchant.apiv2_key_path().display(),
        m.merchant.apiv3_key_path().display(),
    );
    println!(
        "  WeChat Pay public key {} ({})",
        m.pub_key_path().display(),
        m.public_key_id
    );
    println!(
        "  platform certificate  {} (serial {})",
        m.platform_cert_path().display(),
        m.platform_serial
    );
    let _terminal = match terminal {
        Some(addr) => {
            let options = FaceAppOptions {
                serial: terminal_serial,
                ..FaceAppOptions::default()
            };
            let t = sandbox.start_terminal_on(options, addr).await?;
            for config in [&p.kiosk_config, &p.kiosk_config_sp] {
                facekiosk_sandbox::kiosk::add_terminal(config, t.addr)?;
            }
            println!(
                "  simulated terminal:   {} (bridge protocol; [terminal] direct in the kiosk configs)",
                t.addr
            );
            Some(t)
        }
        None => None,
    };
    println!("ready");
    tokio::signal::ctrl_c().await?;
    sandbox.stop().await;
    Ok(())
}
