//! CPU time of a whole process, from the kernel's accounting (also used by bench_facemch.rs).

use std::time::Duration;

use anyhow::{Result, anyhow};

/// User plus system CPU time of process `pid` (`self` for this one): every thread, live or
/// gone. Clock ticks of 10 ms (USER_HZ is 100 on Linux): sum many, never read one.
pub fn of(pid: &str) -> Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // After `pid (comm)`, state is field 3; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| -> Result<u64> {
        Ok(fields
            .get(i)
            .ok_or_else(|| anyhow!("/proc/{pid}/stat: short"))?
            .parse()?)
    };
    Ok(Duration::from_millis((tick(11)? + tick(12)?) * 10))
}
