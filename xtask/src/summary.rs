//! Parsing test counts out of captured output: libtest's `test result:` lines
//! and pytest's final summary line.

use std::fmt;
use std::ops::AddAssign;

/// Test counts; `skipped` holds libtest's "ignored" and pytest's "skipped".
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

/// `N passed, M failed` plus `, K skipped` when K > 0: the format of the final line.
impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}

/// Sums every libtest line such as
/// `test result: FAILED. 3 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; ...`.
/// `None` when there is no such line (nothing ran, e.g. a compile error).
pub fn parse_cargo_test(output: &str) -> Option<Counts> {
    let mut total = None::<Counts>;
    for line in output.lines().map(strip_ansi) {
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            continue;
        };
        let Some((_status, fields)) = rest.split_once(". ") else {
            continue;
        };
        let mut counts = Counts::default();
        for field in fields.split(';') {
            match count_and_word(field) {
                Some((n, "passed")) => counts.passed += n,
                Some((n, "failed")) => counts.failed += n,
                Some((n, "ignored")) => counts.skipped += n,
                _ => {}
            }
        }
        *total.get_or_insert_with(Counts::default) += counts;
    }
    total
}

/// Reads pytest's last summary line, e.g. `3 passed, 1 failed, 2 skipped in 0.5s`,
/// `1 error in 0.1s` or `no tests ran in 0.01s` (with or without `===` borders).
/// Errors count as failed, xfailed as skipped, xpassed as passed.
pub fn parse_pytest(output: &str) -> Option<Counts> {
    output.lines().rev().find_map(|line| {
        let line = strip_ansi(line);
        let line = line.trim().trim_matches('=').trim();
        let (counts, duration) = line.rsplit_once(" in ")?;
        let seconds = duration.split_whitespace().next()?.strip_suffix('s')?;
        seconds.parse::<f64>().ok()?;
        if counts == "no tests ran" {
            return Some(Counts::default());
        }
        let mut total = Counts::default();
        for field in counts.split(", ") {
            let (n, word) = count_and_word(field)?;
            match word {
                "passed" | "xpassed" => total.passed += n,
                "failed" | "error" | "errors" => total.failed += n,
                "skipped" | "xfailed" => total.skipped += n,
                _ => {} // deselected, warnings, rerun, ...
            }
        }
        Some(total)
    })
}

/// Reads vitest's `Tests` summary line, e.g. `      Tests  1 failed | 11 passed | 2 skipped (14)`
/// (not the `Test Files` line above it). Todo counts as skipped.
pub fn parse_vitest(output: &str) -> Option<Counts> {
    output.lines().rev().find_map(|line| {
        let line = strip_ansi(line);
        let rest = line.trim().strip_prefix("Tests ")?;
        let rest = rest
            .rsplit_once('(')
            .map_or(rest, |(counts, _total)| counts);
        let mut total = Counts::default();
        for field in rest.split('|') {
            let (n, word) = count_and_word(field)?;
            match word {
                "passed" => total.passed += n,
                "failed" => total.failed += n,
                "skipped" | "todo" => total.skipped += n,
                _ => {}
            }
        }
        Some(total)
    })
}

/// `" 3 passed"` -> `(3, "passed")`.
fn count_and_word(field: &str) -> Option<(u64, &str)> {
    let (n, word) = field.trim().split_once(' ')?;
    Some((n.parse().ok()?, word.trim()))
}

/// Removes ANSI colour sequences (`ESC [ ... letter`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(passed: u64, failed: u64, skipped: u64) -> Counts {
        Counts {
            passed,
            failed,
            skipped,
        }
    }

    #[test]
    fn cargo_sums_ok_and_failed_lines() {
        let out = "\
running 3 tests
test a ... ok
test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests facekiosk_session
test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s
";
        assert_eq!(parse_cargo_test(out), Some(counts(8, 2, 1)));
    }

    #[test]
    fn cargo_zero_tests_is_some() {
        let out = "test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; \
                   finished in 0.00s";
        assert_eq!(parse_cargo_test(out), Some(Counts::default()));
    }

    #[test]
    fn cargo_compile_error_is_none() {
        let out = "error[E0425]: cannot find value `x` in this scope\n\
                   error: could not compile `facekiosk-session` (lib test) due to 1 previous error";
        assert_eq!(parse_cargo_test(out), None);
    }

    #[test]
    fn cargo_coloured_line() {
        let out = "test result: \x1b[31mFAILED\x1b[0m. 1 passed; 1 failed; 0 ignored; \
                   0 measured; 0 filtered out; finished in 0.01s";
        assert_eq!(parse_cargo_test(out), Some(counts(1, 1, 0)));
    }

    #[test]
    fn pytest_mixed_summary() {
        let out = "..F.ss\nFAILED tests/python/test_x.py::test_y\n\
                   3 passed, 1 failed, 2 skipped in 0.5s\n";
        assert_eq!(parse_pytest(out), Some(counts(3, 1, 2)));
    }

    #[test]
    fn pytest_errors_count_as_failed() {
        assert_eq!(parse_pytest("1 error in 0.10s"), Some(counts(0, 1, 0)));
        assert_eq!(
            parse_pytest("2 failed, 1 passed, 1 warning, 3 errors in 1.02s"),
            Some(counts(1, 5, 0))
        );
    }

    #[test]
    fn pytest_no_tests_ran() {
        assert_eq!(
            parse_pytest("\nno tests ran in 0.01s\n"),
            Some(Counts::default())
        );
    }

    #[test]
    fn pytest_bordered_coloured_and_long_run() {
        let out = "\x1b[32m==== \x1b[32m\x1b[1m4 passed\x1b[0m, 1 xfailed\x1b[32m in 65.12s \
                   (0:01:05)\x1b[0m\x1b[32m ====\x1b[0m";
        assert_eq!(parse_pytest(out), Some(counts(4, 0, 1)));
    }

    #[test]
    fn pytest_without_summary_is_none() {
        assert_eq!(
            parse_pytest("/venv/bin/python: No module named pytest"),
            None
        );
        assert_eq!(parse_pytest("logged in as root"), None);
    }

    #[test]
    fn vitest_summary() {
        let out = "\
 \u{1b}[32m✓\u{1b}[39m src/screens.test.ts (12 tests) 40ms

\u{1b}[2m Test Files \u{1b}[22m \u{1b}[1m\u{1b}[31m1 failed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[1m\u{1b}[32m2 passed\u{1b}[39m\u{1b}[22m\u{1b}[90m (3)\u{1b}[39m
\u{1b}[2m      Tests \u{1b}[22m \u{1b}[1m\u{1b}[31m1 failed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[1m\u{1b}[32m11 passed\u{1b}[39m\u{1b}[22m\u{1b}[2m | \u{1b}[22m\u{1b}[33m2 skipped\u{1b}[39m\u{1b}[90m (14)\u{1b}[39m
\u{1b}[2m   Start at \u{1b}[22m 16:58:03
";
        assert_eq!(parse_vitest(out), Some(counts(11, 1, 2)));
        assert_eq!(
            parse_vitest("      Tests  12 passed (12)\n   Duration  1.2s"),
            Some(counts(12, 0, 0))
        );
        assert_eq!(
            parse_vitest("No test files found, exiting with code 1"),
            None
        );
    }

    #[test]
    fn final_line_format() {
        assert_eq!(counts(3, 1, 0).to_string(), "3 passed, 1 failed");
        assert_eq!(counts(3, 0, 2).to_string(), "3 passed, 0 failed, 2 skipped");
    }
}
