//! What the measuring children print, read back: their `RESULT key value` lines, the rates of
//! `openssl speed` and the bridge bench's percentiles.

use std::collections::BTreeMap;

/// Every figure of the run by name; times in microseconds unless the name says otherwise.
#[derive(Debug, Default)]
pub struct Results(BTreeMap<String, f64>);

impl Results {
    /// Takes the `RESULT key value` lines of a child's output.
    pub fn read(&mut self, output: &str) {
        for line in output.lines() {
            let mut words = line.split_whitespace();
            if let (Some("RESULT"), Some(key), Some(value)) =
                (words.next(), words.next(), words.next())
                && let Ok(v) = value.parse::<f64>()
            {
                self.0.insert(key.to_owned(), v);
            }
        }
    }

    pub fn set(&mut self, key: &str, value: f64) {
        self.0.insert(key.to_owned(), value);
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).copied()
    }
}

/// `openssl speed rsa2048`: the seconds per sign and per private decryption (OpenSSL 3 prints
/// sign, verify, encrypt and decrypt times after `rsa 2048 bits`; 1.1 only sign and verify).
pub fn openssl(output: &str, results: &mut Results) -> Result<(), String> {
    let line = output
        .lines()
        .find(|l| l.starts_with("rsa") && l.contains("2048 bits"))
        .ok_or("openssl speed: no `rsa 2048 bits` line")?;
    let times: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.strip_suffix('s')?.parse().ok())
        .collect();
    let sign = times.first().ok_or("openssl speed: no sign time")?;
    results.set("openssl_sign_us", sign * 1e6);
    if let Some(decrypt) = times.get(3) {
        results.set("openssl_decrypt_us", decrypt * 1e6);
    }
    Ok(())
}

/// The bridge bench's `... round trip (loopback) n=N p50 X µs  p99 Y µs  max Z µs` lines.
pub fn bridge(output: &str, results: &mut Results) -> Result<(), String> {
    let mut found = false;
    for line in output
        .lines()
        .filter(|l| l.contains("round trip (loopback)"))
    {
        let kind = if line.starts_with("ping") {
            "ping"
        } else {
            "rawdata"
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        for p in ["p50", "p99"] {
            let value = words
                .iter()
                .position(|w| *w == p)
                .and_then(|i| words.get(i + 1)?.parse::<f64>().ok())
                .ok_or_else(|| format!("bridge bench: no {p} in `{line}`"))?;
            results.set(&format!("bridge_{kind}_{p}_us"), value);
        }
        found = true;
    }
    if found {
        Ok(())
    } else {
        Err("bridge bench: no round trip line".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_read_and_the_rest_ignored() {
        let mut r = Results::default();
        r.read("==> step\nRESULT floor_us 1234.5\nRESULT broken x\nnoise RESULT a 1\n");
        assert_eq!(r.get("floor_us"), Some(1234.5));
        assert_eq!(r.get("broken"), None);
        assert_eq!(r.get("a"), None);
    }

    #[test]
    fn openssl_3_sign_and_decrypt() {
        let out = "                  sign    verify    encrypt   decrypt   sign/s verify/s  encr./s  decr./s\n\
                   rsa  2048 bits 0.000813s 0.000024s 0.000025s 0.000797s   1230.0  41666.7  39669.7   1254.7\n";
        let mut r = Results::default();
        openssl(out, &mut r).unwrap();
        assert!((r.get("openssl_sign_us").unwrap() - 813.0).abs() < 1e-6);
        assert!((r.get("openssl_decrypt_us").unwrap() - 797.0).abs() < 1e-6);
    }

    #[test]
    fn openssl_3_0_has_sign_only() {
        let out = "                  sign    verify    sign/s verify/s\n\
                   rsa 2048 bits 0.000262s 0.000014s   3821.7  69974.1\n";
        let mut r = Results::default();
        openssl(out, &mut r).unwrap();
        assert!((r.get("openssl_sign_us").unwrap() - 262.0).abs() < 1e-6);
        assert_eq!(r.get("openssl_decrypt_us"), None);
    }

    #[test]
    fn openssl_without_its_table_is_an_error() {
        assert!(
            openssl(
                "Doing 2048 bits private rsa's for 2s\n",
                &mut Results::default()
            )
            .is_err()
        );
    }

    #[test]
    fn bridge_percentiles() {
        let out = "getWxpayfaceRawdata round trip (loopback) n=2000  p50    61.2 µs  p99   120.4 µs  max    300.0 µs\n\
                   ping round trip (loopback)               n=2000  p50    40.0 µs  p99    80.5 µs  max    200.0 µs\n";
        let mut r = Results::default();
        bridge(out, &mut r).unwrap();
        assert_eq!(r.get("bridge_rawdata_p50_us"), Some(61.2));
        assert_eq!(r.get("bridge_ping_p99_us"), Some(80.5));
    }
}
