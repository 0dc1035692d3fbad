//! `staff add|reset|remove|list`: the staff mode's accounts, made and reset here, on the
//! kiosk PC (the first account can be made nowhere else). The files sit beside the
//! configuration (`staff.json`, and `staff-audit.jsonl` where each change is recorded under
//! the account name `cli`). A PIN is read from the terminal without echo, twice, or with
//! `--pin-stdin` as one line of standard input (scripts, tests); never from the command line,
//! which other users of the PC could read in the process list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Context, bail};
use facekiosk_pii::Secret;
use facekiosk_staff::accounts::CLI_ACCOUNT;
use facekiosk_staff::{Accounts, Action, AuditTrail, Role, StaffFiles};

#[derive(Debug, clap::Subcommand)]
pub enum Staff {
    /// Make an account (asks for its PIN).
    Add(Add),
    /// Give an account a new PIN.
    Reset(Named),
    /// Remove an account (not the last technician).
    Remove(Named),
    /// List the accounts: names, roles, creation times.
    List(Config),
}

#[derive(Debug, clap::Args)]
pub struct Config {
    /// The kiosk's configuration file; the staff files are in its folder.
    #[arg(long)]
    config: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct Named {
    #[command(flatten)]
    config: Config,
    /// The account name: 1 to 32 letters, digits, '-', '_' or '.'.
    #[arg(long)]
    name: String,
    /// Read the PIN as one line of standard input instead of asking twice.
    #[arg(long)]
    pin_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub struct Add {
    #[command(flatten)]
    named: Named,
    #[arg(long, value_enum, default_value = "staff")]
    role: RoleArg,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RoleArg {
    Staff,
    Technician,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Staff => Role::Staff,
            RoleArg::Technician => Role::Technician,
        }
    }
}

impl Staff {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Staff::Add(add) => {
                let (files, mut accounts) = open(&add.named.config)?;
                let role = Role::from(add.role);
                let name = &add.named.name;
                facekiosk_staff::accounts::check_name(name)?;
                let pin = read_pin(add.named.pin_stdin, name)?;
                accounts.add(name, role, &pin, SystemTime::now())?;
                let action = Action::AccountAdded {
                    name: name.clone(),
                    role,
                };
                audit(&files, action)?;
                println!("added {name} ({})", role.as_str());
            }
            Staff::Reset(named) => {
                let (files, mut accounts) = open(&named.config)?;
                let name = &named.name;
                if accounts.get(name).is_none() {
                    bail!("no account named {name:?}");
                }
                let pin = read_pin(named.pin_stdin, name)?;
                accounts.reset_pin(name, &pin)?;
                audit(&files, Action::PinReset { name: name.clone() })?;
                println!("new PIN set for {name}");
            }
            Staff::Remove(named) => {
                let (files, mut accounts) = open(&named.config)?;
                let name = &named.name;
                accounts.remove(name)?;
                audit(&files, Action::AccountRemoved { name: name.clone() })?;
                println!("removed {name}");
            }
            Staff::List(config) => {
                let (_, accounts) = open(&config)?;
                for a in accounts.list() {
                    println!("{}\t{}\t{}", a.name, a.role.as_str(), a.created_at);
                }
                println!("{} account(s)", accounts.list().len());
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn open(config: &Config) -> anyhow::Result<(StaffFiles, Accounts)> {
    // A mistyped --config would otherwise scatter staff files in some other folder.
    if !config.config.is_file() {
        bail!("--config {}: no such file", config.config.display());
    }
    let files = StaffFiles::beside(&config.config);
    let accounts = Accounts::load(&files.accounts())?;
    Ok((files, accounts))
}

fn audit(files: &StaffFiles, action: Action) -> anyhow::Result<()> {
    AuditTrail::new(&files.audit())
        .append(SystemTime::now(), CLI_ACCOUNT, action)
        .context("the account was changed but the audit trail could not be written")?;
    Ok(())
}

fn read_pin(from_stdin: bool, name: &str) -> anyhow::Result<Secret> {
    let stdin = std::io::stdin();
    if from_stdin {
        return read_line(&mut stdin.lock()).context("cannot read the PIN from standard input");
    }
    let echo = EchoOff::new(&stdin);
    let ask = |prompt: &str| -> anyhow::Result<Secret> {
        eprint!("{prompt}");
        std::io::stderr().flush().ok();
        let pin = read_line(&mut stdin.lock()).context("cannot read the PIN")?;
        if echo.is_some() {
            eprintln!();
        }
        Ok(pin)
    };
    if echo.is_none() {
        eprintln!("(the PIN will be shown as it is typed)");
    }
    let first = ask(&format!("PIN for {name} (6 to 12 digits): "))?;
    let second = ask("The same PIN again: ")?;
    if first != second {
        bail!("the two PINs differ; nothing was changed");
    }
    Ok(first)
}

/// One line, without its line break, straight into a [`Secret`] (no copy left behind).
fn read_line(input: &mut impl BufRead) -> std::io::Result<Secret> {
    let mut line = String::with_capacity(64);
    input.read_line(&mut line)?;
    let len = line.trim_end_matches(['\r', '\n']).len();
    line.truncate(len);
    Ok(Secret::new(line))
}

/// The terminal's echo, off while the PIN is typed (through `stty`, as no library here does
/// it) and back on when dropped, errors included. `None` when standard input is no terminal
/// or `stty` is missing (Windows).
#[derive(Debug)]
struct EchoOff;

impl EchoOff {
    fn new(stdin: &std::io::Stdin) -> Option<Self> {
        (stdin.is_terminal() && stty("-echo")).then_some(Self)
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        stty("echo");
    }
}

fn stty(arg: &str) -> bool {
    std::process::Command::new("stty")
        .arg(arg)
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_line_loses_its_line_break_only() {
        let mut input = std::io::Cursor::new(b"480193\r\nrest".to_vec());
        assert_eq!(read_line(&mut input).unwrap().expose(), "480193");
        let mut input = std::io::Cursor::new(b" 480193".to_vec());
        assert_eq!(read_line(&mut input).unwrap().expose(), " 480193");
    }

    #[test]
    fn the_files_are_next_to_the_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            config: dir.path().join("kiosk.toml"),
        };
        let err = open(&config).unwrap_err().to_string();
        assert!(err.contains("kiosk.toml"), "{err}");
    }
}
