//! Fuzzing with cargo-fuzz (`fuzz/`, its own workspace): installing cargo-fuzz when missing,
//! building the targets and running each for a while. cargo-fuzz needs nightly flags; on the
//! stable toolchain `RUSTC_BOOTSTRAP=1` allows them.
//!
//! New corpus entries go to `fuzz/corpus/<target>` (ignored by git), the committed seeds are read
//! from `fuzz/corpus-seeds/<target>`, crashes land in `fuzz/artifacts/<target>`.

use crate::runner::Ctx;
use crate::summary::Counts;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Where the fuzz crate lives, relative to the repo root.
pub const DIR: &str = "fuzz";

/// Why fuzzing cannot run at all.
#[derive(Debug)]
pub enum Unavailable {
    /// Installing cargo-fuzz failed for want of a network: not our failure.
    Offline(String),
    /// Anything else (installation or build failure, no targets).
    Broken(String),
}

/// Makes sure `cargo fuzz` works, installing it with `cargo install cargo-fuzz --locked` if not.
pub fn ensure_cargo_fuzz(ctx: &Ctx) -> Result<(), Unavailable> {
    let works = |ctx: &Ctx| {
        ctx.cargo(&["fuzz", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if works(ctx) {
        return Ok(());
    }
    println!("    cargo-fuzz is missing; + cargo install cargo-fuzz --locked");
    let out = ctx
        .cargo(&["install", "cargo-fuzz", "--locked"])
        .output()
        .map_err(|e| Unavailable::Broken(format!("could not run cargo install: {e}")))?;
    let text = String::from_utf8_lossy(&out.stderr);
    if out.status.success() && works(ctx) {
        return Ok(());
    }
    print_tail(&text, 15);
    if looks_offline(&text) {
        Err(Unavailable::Offline(
            "cargo-fuzz is not installed and `cargo install cargo-fuzz --locked` could not \
             reach crates.io (no network?)"
                .into(),
        ))
    } else {
        Err(Unavailable::Broken(
            "`cargo install cargo-fuzz --locked` failed".into(),
        ))
    }
}

/// Whether cargo's error output says the registry could not be reached.
pub fn looks_offline(cargo_stderr: &str) -> bool {
    const SIGNS: &[&str] = &[
        "failed to download",
        "failed to query replaced source registry",
        "could not resolve host",
        "couldn't resolve host",
        "failed to connect",
        "network failure",
        "network is unreachable",
        "download of config.json failed",
        "failed to get `cargo-fuzz`",
        "spurious network error",
        "you are in the offline mode",
    ];
    let lower = cargo_stderr.to_lowercase();
    SIGNS.iter().any(|sign| lower.contains(sign))
}

/// The fuzz targets: the stems of `fuzz/fuzz_targets/*.rs`, sorted.
pub fn targets(root: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(root.join(DIR).join("fuzz_targets")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// `cargo fuzz <args>` in the repo root, with nightly flags allowed on stable.
fn cargo_fuzz(ctx: &Ctx, args: &[&str]) -> Command {
    let mut cmd = ctx.cargo(&["fuzz"]);
    cmd.args(args).env("RUSTC_BOOTSTRAP", "1");
    cmd
}

/// Builds every target (sanitizer build, once; later runs reuse it).
pub fn build(ctx: &Ctx) -> Result<(), Unavailable> {
    println!("    + RUSTC_BOOTSTRAP=1 cargo fuzz build");
    match cargo_fuzz(ctx, &["build"]).status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(Unavailable::Broken(format!("cargo fuzz build: {s}"))),
        Err(e) => Err(Unavailable::Broken(format!(
            "could not run cargo fuzz: {e}"
        ))),
    }
}

/// How one target's run went.
#[derive(Debug)]
pub struct TargetRun {
    pub passed: bool,
    /// libFuzzer's `Done N runs`, when it got that far.
    pub runs: Option<u64>,
}

/// Runs each target for `seconds` (libFuzzer's `-max_total_time`), one after the other, printing
/// one line per target and the crash report of a failing one. A target passes when libFuzzer
/// finds no crash, leak, timeout or out-of-memory input.
pub fn run_all(ctx: &Ctx, targets: &[String], seconds: u64) -> Vec<TargetRun> {
    targets
        .iter()
        .map(|target| run_one(ctx, target, seconds))
        .collect()
}

fn run_one(ctx: &Ctx, target: &str, seconds: u64) -> TargetRun {
    let corpus = format!("{DIR}/corpus/{target}");
    let seeds = format!("{DIR}/corpus-seeds/{target}");
    let _ = fs::create_dir_all(ctx.root.join(&corpus));
    let mut args = vec!["run", target, corpus.as_str()];
    if ctx.root.join(&seeds).is_dir() {
        args.push(&seeds);
    }
    let max_time = format!("-max_total_time={seconds}");
    // One input running for more than 20 s is a hang: reported as a failure, not waited for.
    args.extend(["--", &max_time, "-timeout=20", "-print_final_stats=1"]);
    let start = Instant::now();
    let out = cargo_fuzz(ctx, &args).output();
    let secs = start.elapsed().as_secs_f64();
    let (passed, text) = match out {
        Ok(o) => {
            let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&o.stderr));
            (o.status.success(), text)
        }
        Err(e) => (false, format!("could not run cargo fuzz: {e}")),
    };
    let runs = parse_runs(&text);
    let runs_text = runs.map_or_else(|| "? runs".to_owned(), |n| format!("{n} runs"));
    if passed {
        println!("    {target:<20} ok      {runs_text} in {secs:.0} s");
    } else {
        println!("    {target:<20} FAILED  {runs_text} in {secs:.0} s; libFuzzer said:");
        print_tail(&text, 40);
        println!(
            "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run {target} fuzz/artifacts/{target}/<file>"
        );
    }
    TargetRun { passed, runs }
}

/// Counts: one test per target.
pub fn counts(runs: &[TargetRun]) -> Counts {
    let failed = runs.iter().filter(|r| !r.passed).count() as u64;
    Counts {
        passed: runs.len() as u64 - failed,
        failed,
        skipped: 0,
    }
}

/// libFuzzer's closing line `Done 2491238 runs in 66 second(s)`: the number of executions.
pub fn parse_runs(output: &str) -> Option<u64> {
    output.lines().rev().find_map(|line| {
        let rest = line.trim().strip_prefix("Done ")?;
        let (n, rest) = rest.split_once(' ')?;
        rest.starts_with("runs in ").then_some(())?;
        n.parse().ok()
    })
}

fn print_tail(text: &str, lines: usize) {
    let all: Vec<&str> = text.lines().collect();
    for line in &all[all.len().saturating_sub(lines)..] {
        println!("      | {line}");
    }
}

/// `cargo xtask fuzz [SECONDS]`: every target for SECONDS each (default 60).
pub fn command(ctx: &Ctx, seconds: u64) -> Result<Counts, Unavailable> {
    ensure_cargo_fuzz(ctx)?;
    let targets = targets(&ctx.root);
    if targets.is_empty() {
        return Err(Unavailable::Broken(format!("no {DIR}/fuzz_targets/*.rs")));
    }
    build(ctx)?;
    println!(
        "    {} targets, {seconds} s each: {}",
        targets.len(),
        targets.join(", ")
    );
    Ok(counts(&run_all(ctx, &targets, seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_from_libfuzzer_output() {
        let out = "#2491238\tDONE   cov: 1490 ft: 5731 corp: 690/38Kb lim: 4096 exec/s: 37746\n\
                   Done 2491238 runs in 66 second(s)\n\
                   stat::number_of_executed_units: 2491238\n";
        assert_eq!(parse_runs(out), Some(2_491_238));
        assert_eq!(parse_runs("==123== ERROR: libFuzzer: deadly signal"), None);
        assert_eq!(parse_runs("Done 12 things"), None);
    }

    #[test]
    fn offline_install_is_recognised() {
        let offline = "    Updating crates.io index\nwarning: spurious network error (3 tries \
                       remaining): [6] Couldn't resolve host name (Could not resolve host: \
                       index.crates.io)\nerror: failed to query replaced source registry \
                       `crates-io`";
        assert!(looks_offline(offline));
        let broken = "error[E0658]: use of unstable library feature\nerror: failed to compile \
                      `cargo-fuzz v0.13.2`";
        assert!(!looks_offline(broken));
    }

    #[test]
    fn one_test_per_target() {
        let run = |passed| TargetRun { passed, runs: None };
        let c = counts(&[run(true), run(false), run(true)]);
        assert_eq!((c.passed, c.failed, c.skipped), (2, 1, 0));
    }

    #[test]
    fn targets_are_the_sorted_file_stems() {
        let root = std::env::temp_dir().join(format!("xtask-fuzz-{}", std::process::id()));
        let dir = root.join(DIR).join("fuzz_targets");
        fs::create_dir_all(&dir).unwrap();
        for name in ["b_target.rs", "a_target.rs", "notes.md"] {
            fs::write(dir.join(name), "").unwrap();
        }
        assert_eq!(targets(&root), ["a_target", "b_target"]);
        fs::remove_dir_all(&root).unwrap();
        assert!(targets(&root).is_empty());
    }
}
