//! facekiosk-cli: the field technician's tool. Reproduce a SIGN_ERROR, check keys, talk to
//! the configured WeChat endpoints. Every command prints its result as the last line of
//! stdout; bad input exits 2 with a message naming what was wrong.

mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
