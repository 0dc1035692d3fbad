//! `keys.*`: each key and certificate file the configuration names is readable, private ones
//! are readable by their owner only, the merchant's key matches its certificate (and serial),
//! and every certificate is valid, with the days it has left.

use std::path::Path;
use std::time::{Duration, SystemTime};

use facekiosk_pii::secret_file;
use facekiosk_wxpay::crypto::{Certificate, PrivateKey, PublicKey, read_secret_file};
use facekiosk_wxpay::settings::Keys;

use crate::Check;

/// A certificate closer than this to its end is a warning: renewing takes days.
const WARN_DAYS: u64 = 30;

pub fn check(keys: &Keys) -> Vec<Check> {
    let mut checks = vec![apiv2_key(&keys.apiv2_key_file)];
    let private = private_key("keys.merchant_private_key", &keys.merchant_private_key);
    let key = private.as_ref().ok().cloned();
    checks.push(private.err().unwrap_or_else(|| {
        Check::ok(
            "keys.merchant_private_key",
            format!(
                "{} is readable by its owner only and is an RSA key",
                keys.merchant_private_key.display()
            ),
        )
    }));
    checks.push(merchant_certificate(keys, key.as_ref()));
    if let Some(path) = &keys.wechatpay_public_key {
        checks.push(match PublicKey::from_file(path) {
            Ok(k) => Check::ok(
                "keys.wechatpay_public_key",
                format!(
                    "{} is a {}-bit RSA public key (id {})",
                    path.display(),
                    k.bits(),
                    keys.wechatpay_public_key_id.as_deref().unwrap_or("not set")
                ),
            ),
            Err(e) => Check::fail(
                "keys.wechatpay_public_key",
                e.to_string(),
                "download WeChat Pay's public key again from the merchant platform",
            ),
        });
    }
    for path in &keys.platform_certificates {
        checks.push(match Certificate::from_file(path) {
            Ok(cert) => validity("keys.platform_certificate", path, &cert),
            Err(e) => Check::fail(
                "keys.platform_certificate",
                e.to_string(),
                "download the platform certificate again",
            ),
        });
    }
    if let Some(path) = &keys.sub_merchant_private_key {
        checks.push(
            private_key("keys.sub_merchant_private_key", path)
                .map(|_| {
                    Check::ok(
                        "keys.sub_merchant_private_key",
                        format!(
                            "{} is readable by its owner only and is an RSA key",
                            path.display()
                        ),
                    )
                })
                .unwrap_or_else(|c| c),
        );
    }
    checks
}

/// A file's permissions: a secret readable by the group or others is a failure naming it.
fn owner_only(id: &'static str, path: &Path) -> Result<(), Check> {
    match secret_file::exposed(path) {
        Ok(None) => Ok(()),
        Ok(Some(exposure)) => Err(Check::fail(
            id,
            format!(
                "{} can be read by others than its owner ({exposure}); it holds a secret",
                path.display()
            ),
            exposure.fix(path),
        )),
        Err(e) => Err(Check::fail(
            id,
            format!("cannot read {}: {e}", path.display()),
            "put the file the configuration names in place, readable by the kiosk's user",
        )),
    }
}

fn apiv2_key(path: &Path) -> Check {
    const ID: &str = "keys.apiv2_key";
    if let Err(c) = owner_only(ID, path) {
        return c;
    }
    match read_secret_file(path) {
        Ok(text) if text.trim().is_empty() => Check::fail(
            ID,
            format!("{} is empty", path.display()),
            "write the APIv2 key from the merchant platform into it",
        ),
        Ok(_) => Check::ok(
            ID,
            format!("{} is readable by its owner only", path.display()),
        ),
        Err(e) => Check::fail(ID, e.to_string(), "check the file"),
    }
}

fn private_key(id: &'static str, path: &Path) -> Result<PrivateKey, Check> {
    owner_only(id, path)?;
    PrivateKey::from_secret_file(path).map_err(|e| {
        Check::fail(
            id,
            e.to_string(),
            "put the merchant's apiclient_key.pem in place",
        )
    })
}

fn merchant_certificate(keys: &Keys, key: Option<&PrivateKey>) -> Check {
    const ID: &str = "keys.merchant_certificate";
    let path = &keys.merchant_certificate;
    let cert = match Certificate::from_file(path) {
        Ok(c) => c,
        Err(e) => {
            return Check::fail(ID, e.to_string(), "put apiclient_cert.pem in place");
        }
    };
    if let Some(key) = key
        && cert.public_key != key.public_key()
    {
        return Check::fail(
            ID,
            format!(
                "{} is not the certificate of {}",
                path.display(),
                keys.merchant_private_key.display()
            ),
            "use the certificate and the key WeChat's tool made together",
        );
    }
    if let Some(serial) = &keys.merchant_serial
        && !serial.eq_ignore_ascii_case(&cert.serial)
    {
        return Check::fail(
            ID,
            format!(
                "keys.merchant_serial is {serial} but the certificate's serial is {}",
                cert.serial
            ),
            "correct keys.merchant_serial",
        );
    }
    validity(ID, path, &cert)
}

/// Whole days in `d` (a part of a day left off: "1 day left" until the last 24 hours).
fn whole_days(d: Duration) -> u64 {
    d.as_secs() / 86_400
}

fn validity(id: &'static str, path: &Path, cert: &Certificate) -> Check {
    let now = SystemTime::now();
    let what = format!("{} (serial {})", path.display(), cert.serial);
    if now < cert.not_before {
        return Check::fail(
            id,
            format!("{what} is not valid yet"),
            "check the kiosk's clock, or use the current certificate",
        );
    }
    let days = match cert.not_after.duration_since(now) {
        Ok(left) => whole_days(left),
        Err(past) => {
            return Check::fail(
                id,
                format!("{what} expired {} days ago", whole_days(past.duration())),
                "renew the certificate on the merchant platform",
            );
        }
    };
    if days < WARN_DAYS {
        Check::warn(
            id,
            format!("{what} is valid, {days} days left"),
            "renew the certificate on the merchant platform soon",
        )
    } else {
        Check::ok(id, format!("{what} is valid, {days} days left"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn cert_ending_in(secs_from_now: i64) -> Certificate {
        let now = SystemTime::now();
        let shift = Duration::from_secs(secs_from_now.unsigned_abs());
        Certificate {
            serial: "3A6F".into(),
            subject: "CN=test".into(),
            not_before: now - Duration::from_secs(365 * 86_400),
            not_after: if secs_from_now >= 0 {
                now + shift
            } else {
                now - shift
            },
            public_key: PrivateKey::generate().public_key(),
        }
    }

    #[test]
    fn days_left_decide_the_verdict() {
        let path = Path::new("apiclient_cert.pem");
        let soon = validity(
            "keys.merchant_certificate",
            path,
            &cert_ending_in(10 * 86_400 + 60),
        );
        assert_eq!(soon.status, Status::Warn, "{soon:#?}");
        assert!(soon.detail.contains("10 days left"), "{soon:#?}");
        let fine = validity(
            "keys.merchant_certificate",
            path,
            &cert_ending_in(90 * 86_400 + 60),
        );
        assert_eq!(fine.status, Status::Ok, "{fine:#?}");
        assert!(fine.detail.contains("90 days left"), "{fine:#?}");
        let gone = validity(
            "keys.merchant_certificate",
            path,
            &cert_ending_in(-3 * 86_400 - 60),
        );
        assert_eq!(gone.status, Status::Fail, "{gone:#?}");
        assert!(gone.detail.contains("expired 3 days ago"), "{gone:#?}");
    }
}
