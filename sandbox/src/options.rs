//! The sandbox's own configuration (`sandbox.toml`), all optional:
//!
//! ```toml
//! key_mode = "public_key"          # or "platform_certificate", or "both"
//! padding = "pkcs1"                # facemch field encryption: "pkcs1" (WeChat's) or "oaep"
//! authinfo_expires_in = 3600       # seconds
//! face_sid_ttl_secs = 600
//! face_sid_shape = "alternate"     # "uuid", "uuid_rt1" or "alternate"
//! clock_skew_secs = 0              # the sandbox's clock runs this far ahead (negative: behind)
//! authinfo_now_tolerance_secs = 600  # reject an authinfo request whose `now` is further off
//!
//! [[faults]]
//! target = "facemch"
//! kind = "status"
//! status = 503
//! retry_after = "1"
//! times = 1
//! ```

use std::path::Path;

use anyhow::{Context, Result, anyhow};
use facekiosk_wxpay::crypto::Padding;
use serde::{Deserialize, Serialize};

use crate::faults::FaultRule;

/// How far the sandbox's clock may be set off: ten years either way is beyond any skew worth
/// testing and keeps every timestamp sum far from overflowing.
pub const MAX_CLOCK_SKEW_SECS: i64 = 10 * 365 * 86_400;
/// The longest face_sid or authinfo lifetime (ten years), for the same reason.
pub const MAX_TTL_SECS: u64 = 10 * 365 * 86_400;

/// Which key signs api.mch responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMode {
    /// The WeChat Pay public key (`Wechatpay-Serial: PUB_KEY_ID_...`), the mode of merchants
    /// since 2024. `/v3/certificates` answers that there is no certificate.
    #[default]
    PublicKey,
    /// A platform certificate, served by `/v3/certificates`.
    PlatformCertificate,
    /// Both: the request's `Wechatpay-Serial` chooses; the public key when it names neither.
    Both,
}

impl KeyMode {
    pub fn has_public_key(self) -> bool {
        matches!(self, KeyMode::PublicKey | KeyMode::Both)
    }
    pub fn has_platform_certificate(self) -> bool {
        matches!(self, KeyMode::PlatformCertificate | KeyMode::Both)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldPadding {
    #[default]
    Pkcs1,
    Oaep,
}

impl FieldPadding {
    pub fn padding(self) -> Padding {
        match self {
            FieldPadding::Pkcs1 => Padding::Pkcs1v15,
            FieldPadding::Oaep => Padding::OaepSha1,
        }
    }
    pub fn other(self) -> FieldPadding {
        match self {
            FieldPadding::Pkcs1 => FieldPadding::Oaep,
            FieldPadding::Oaep => FieldPadding::Pkcs1,
        }
    }
    pub fn name(self) -> &'static str {
        self.padding().name()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SidShape {
    /// `bbaf113f-4171-4332-9c79-dace6d35a917`
    Uuid,
    /// `9502ca24-d7e2-48d7-812f-ee6512cfa591_rt1`
    UuidRt1,
    /// One, then the other.
    #[default]
    Alternate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    pub key_mode: KeyMode,
    pub padding: FieldPadding,
    pub authinfo_expires_in: u64,
    pub face_sid_ttl_secs: u64,
    pub face_sid_shape: SidShape,
    pub clock_skew_secs: i64,
    pub authinfo_now_tolerance_secs: Option<u64>,
    pub faults: Vec<FaultRule>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            key_mode: KeyMode::default(),
            padding: FieldPadding::default(),
            authinfo_expires_in: 3600,
            face_sid_ttl_secs: 600,
            face_sid_shape: SidShape::default(),
            clock_skew_secs: 0,
            authinfo_now_tolerance_secs: None,
            faults: Vec::new(),
        }
    }
}

impl Options {
    pub fn parse(text: &str) -> Result<Self> {
        let options: Options = toml::from_str(text).map_err(|e| anyhow!("{}", e.message()))?;
        options.check()?;
        Ok(options)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("{}", path.display()))
    }

    pub fn check(&self) -> Result<()> {
        for (name, secs) in [
            ("authinfo_expires_in", self.authinfo_expires_in),
            ("face_sid_ttl_secs", self.face_sid_ttl_secs),
        ] {
            if !(1..=MAX_TTL_SECS).contains(&secs) {
                return Err(anyhow!("{name} must be in 1..={MAX_TTL_SECS}"));
            }
        }
        if self.clock_skew_secs.unsigned_abs() > MAX_CLOCK_SKEW_SECS as u64 {
            return Err(anyhow!(
                "clock_skew_secs must be in -{MAX_CLOCK_SKEW_SECS}..={MAX_CLOCK_SKEW_SECS}"
            ));
        }
        for rule in &self.faults {
            rule.check().map_err(|e| anyhow!("faults: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::{FaultKind, Target};

    #[test]
    fn reads_the_documented_example() {
        let o = Options::parse(
            r#"
key_mode = "both"
padding = "oaep"
clock_skew_secs = -400
[[faults]]
target = "facemch"
kind = "status"
status = 503
retry_after = "1"
times = 1
[[faults]]
target = "getWxpayfaceCode"
kind = "hang"
"#,
        )
        .unwrap();
        assert_eq!(o.key_mode, KeyMode::Both);
        assert_eq!(o.padding, FieldPadding::Oaep);
        assert_eq!(o.clock_skew_secs, -400);
        assert_eq!(o.authinfo_expires_in, 3600);
        assert_eq!(o.faults[1].target, Target::GetWxpayfaceCode);
        assert_eq!(o.faults[1].kind, FaultKind::Hang);
        assert!(Options::parse("key_mode = \"x\"").is_err());
        assert!(Options::parse("[[faults]]\ntarget=\"authinfo\"\nkind=\"wrong_padding\"").is_err());
        assert!(Options::parse("bogus = 1").is_err());
    }

    /// Each would overflow the sandbox's clock arithmetic (a panic at the first request).
    #[test]
    fn numbers_out_of_range_are_refused_by_name_and_range() {
        for (text, error) in [
            (
                "clock_skew_secs = 9223372036854775807",
                "clock_skew_secs must be in -315360000..=315360000",
            ),
            (
                "clock_skew_secs = -315360001",
                "clock_skew_secs must be in -315360000..=315360000",
            ),
            (
                "face_sid_ttl_secs = 9223372036854775807",
                "face_sid_ttl_secs must be in 1..=315360000",
            ),
            (
                "authinfo_expires_in = 0",
                "authinfo_expires_in must be in 1..=315360000",
            ),
            (
                "[[faults]]\ntarget = \"facemch\"\nkind = \"latency\"\nms = 9223372036854775807",
                "faults: ms must be in 0..=600000",
            ),
        ] {
            assert_eq!(
                Options::parse(text).unwrap_err().to_string(),
                error,
                "{text}"
            );
        }
    }
}
