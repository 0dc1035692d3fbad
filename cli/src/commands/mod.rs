//! The command tree. Each subcommand lives in its own file.

mod decrypt;
#[cfg(feature = "demo")]
mod demo;
#[cfg(not(feature = "demo"))]
#[path = "no_demo.rs"]
mod demo;
mod doctor;
mod keys;
mod pair;
mod remote;
mod sign;
mod staff;
mod terminal;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "facekiosk-cli", version, about = "facekiosk technician tool")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute an APIv2 or APIv3 request signature.
    #[command(subcommand)]
    Sign(sign::Sign),
    /// Verify a WeChat Pay APIv3 response signature.
    #[command(subcommand)]
    Verify(verify::Verify),
    /// Decrypt a facemch field (masked unless --reveal).
    Decrypt(decrypt::Decrypt),
    /// Check the configured keys and certificates.
    #[command(subcommand)]
    Keys(keys::Keys),
    /// Ask the configured payapp endpoint for an authinfo.
    Authinfo(remote::Authinfo),
    /// Query the configured facemch endpoint for a face_sid (masked output).
    Query(remote::Query),
    /// Run the kiosk's whole session headless against the in-process sandbox.
    Demo(demo::DemoArgs),
    /// Pair the face terminal's bridge app with this kiosk: make the kiosk's pairing key
    /// (once, mode 600) and hand it to the bridge app through adb's standard input.
    PairTerminal(pair::PairTerminal),
    /// Check the whole kiosk: configuration, keys, clock, WeChat endpoints, terminal,
    /// records, disk. Exit status 1 when any check fails.
    Doctor(doctor::Doctor),
    /// Staff mode accounts: add, reset a PIN, remove, list (files beside the configuration).
    #[command(subcommand)]
    Staff(staff::Staff),
    /// The bridge app on the face terminal: install (with pairing), status, uninstall.
    #[command(subcommand)]
    Terminal(terminal::Terminal),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Sign(c) => c.run(),
        Command::Verify(c) => c.run(),
        Command::Decrypt(c) => c.run(),
        Command::Keys(c) => c.run(),
        Command::Authinfo(c) => c.run(),
        Command::Query(c) => c.run(),
        Command::Demo(c) => c.run(),
        Command::PairTerminal(c) => c.run(),
        Command::Doctor(c) => c.run(),
        Command::Staff(c) => c.run(),
        Command::Terminal(c) => c.run(),
    }
}

/// `--body STRING` or `--body-file FILE`, exactly one or neither.
#[derive(Debug, clap::Args)]
#[group(multiple = false)]
pub struct Body {
    /// The body, as a string.
    #[arg(long)]
    body: Option<String>,
    /// The body, read byte for byte from a file.
    #[arg(long)]
    body_file: Option<PathBuf>,
}

impl Body {
    pub fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        match (&self.body, &self.body_file) {
            (Some(s), _) => Ok(s.clone().into_bytes()),
            (_, Some(path)) => std::fs::read(path)
                .with_context(|| format!("cannot read --body-file {}", path.display())),
            (None, None) => Ok(Vec::new()),
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The demo runs the sandbox, the terminal link and the session at once.
#[cfg(feature = "demo")]
fn runtime_multi() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
