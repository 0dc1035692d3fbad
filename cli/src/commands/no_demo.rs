//! `facekiosk-cli demo` in a build without the demo (the packages a hospital installs): the
//! command is there so that a technician who tries it learns why it does nothing, and what to
//! run instead.

use std::ffi::OsString;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Whatever was given: this build has no demo to give it to.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<OsString>,
}

impl DemoArgs {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        eprintln!(
            "error: this facekiosk-cli was built without the demo (the `demo` feature), as the \
             packages are. Try it from the source tree with `cargo xtask demo`, or build it with \
             `cargo build -p facekiosk-cli --features demo`."
        );
        Ok(ExitCode::from(2))
    }
}
