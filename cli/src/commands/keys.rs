use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use facekiosk_pii::secret_file;
use facekiosk_wxpay::crypto::{Certificate, PrivateKey, PublicKey};

#[derive(Debug, clap::Subcommand)]
pub enum Keys {
    /// Whether the merchant key matches its certificate and serial, validity and expiry of
    /// every certificate and key, and key files readable by others. Exits 1 on a problem.
    Check {
        #[arg(long)]
        config: PathBuf,
    },
}

/// Certificates expiring sooner than this are flagged so they are renewed in time.
const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Default)]
struct Report {
    problems: usize,
    warnings: usize,
}

impl Report {
    fn ok(&mut self, what: &str) {
        println!("ok    {what}");
    }
    fn warn(&mut self, what: &str) {
        self.warnings += 1;
        println!("warn  {what}");
    }
    fn fail(&mut self, what: &str) {
        self.problems += 1;
        println!("FAIL  {what}");
    }

    fn permissions(&mut self, path: &Path) {
        match secret_file::exposed(path) {
            Ok(Some(exposure)) => self.fail(&format!(
                "{} is readable by others ({exposure}); run: {}",
                path.display(),
                exposure.fix(path)
            )),
            Ok(None) => {}
            Err(e) => self.fail(&format!("{}: {e}", path.display())),
        }
    }

    fn certificate(&mut self, role: &str, cert: &Certificate, now: SystemTime) {
        let span = format!("{} .. {}", day(cert.not_before), day(cert.not_after));
        if now < cert.not_before {
            self.fail(&format!("{role} {} is not valid yet ({span})", cert.serial));
        } else if now > cert.not_after {
            self.fail(&format!("{role} {} expired ({span})", cert.serial));
        } else if now + EXPIRY_WARNING > cert.not_after {
            self.warn(&format!("{role} {} expires soon ({span})", cert.serial));
        } else {
            self.ok(&format!("{role} {} valid {span}", cert.serial));
        }
    }
}

fn day(t: SystemTime) -> String {
    // "Wed, 01 Jan 2030 00:00:00 GMT" -> "01 Jan 2030"
    let s = httpdate::fmt_http_date(t);
    s.get(5..16).unwrap_or(&s).to_owned()
}

impl Keys {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let Keys::Check { config } = self;
        let config = facekiosk_config::load(&config)?;
        let keys = &config.wxpay.keys;
        let now = SystemTime::now();
        let mut r = Report::default();

        match std::fs::read_to_string(&keys.apiv2_key_file) {
            Ok(k) if k.trim().len() == 32 => r.ok("APIv2 key: 32 characters"),
            Ok(k) => r.fail(&format!(
                "APIv2 key in {} has {} characters; WeChat's are 32",
                keys.apiv2_key_file.display(),
                k.trim().chars().count()
            )),
            Err(e) => r.fail(&format!("APIv2 key {}: {e}", keys.apiv2_key_file.display())),
        }
        r.permissions(&keys.apiv2_key_file);

        let private = PrivateKey::from_file(&keys.merchant_private_key);
        match &private {
            Ok(k) => r.ok(&format!("merchant private key: RSA-{}", k.bits())),
            Err(e) => r.fail(&e.to_string()),
        }
        r.permissions(&keys.merchant_private_key);
        match Certificate::from_file(&keys.merchant_certificate) {
            Ok(cert) => {
                r.certificate("merchant certificate", &cert, now);
                if let Ok(k) = &private {
                    if k.public_key() == cert.public_key {
                        r.ok("merchant private key matches the merchant certificate");
                    } else {
                        r.fail("merchant private key does NOT match the merchant certificate");
                    }
                }
                match &keys.merchant_serial {
                    Some(s) if !s.eq_ignore_ascii_case(&cert.serial) => r.fail(&format!(
                        "keys.merchant_serial {s} is not the certificate's serial {}",
                        cert.serial
                    )),
                    Some(_) => r.ok("keys.merchant_serial matches the certificate"),
                    None => {}
                }
            }
            Err(e) => r.fail(&e.to_string()),
        }

        if let (Some(path), Some(id)) = (&keys.wechatpay_public_key, &keys.wechatpay_public_key_id)
        {
            match PublicKey::from_file(path) {
                Ok(k) => r.ok(&format!("WeChat Pay public key {id}: RSA-{}", k.bits())),
                Err(e) => r.fail(&e.to_string()),
            }
        }
        for path in &keys.platform_certificates {
            match Certificate::from_file(path) {
                Ok(cert) => {
                    r.certificate("platform certificate", &cert, now);
                    if let Ok(k) = &private
                        && k.public_key() == cert.public_key
                    {
                        r.fail(&format!(
                            "{} is the MERCHANT certificate; platform certificates are WeChat Pay's own",
                            path.display()
                        ));
                    }
                }
                Err(e) => r.fail(&e.to_string()),
            }
        }
        if let Some(path) = &keys.sub_merchant_private_key {
            match PrivateKey::from_file(path) {
                Ok(k) => r.ok(&format!("sub-merchant private key: RSA-{}", k.bits())),
                Err(e) => r.fail(&e.to_string()),
            }
            r.permissions(path);
        }

        if r.problems == 0 {
            println!(
                "keys ok ({} warning{})",
                r.warnings,
                if r.warnings == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        } else {
            println!(
                "{} problem{}",
                r.problems,
                if r.problems == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(1))
        }
    }
}
