//! Fault injection: what can go wrong, where, and how many times.
//!
//! A fault is set on one target (a backend endpoint or a face-app call), optionally for a number
//! of requests (`times`), after which it clears itself. Several faults may be active on one
//! target: latencies add up, then the first fault that ends the request (a status, a reset, a
//! hang, silence, an err_code) applies, and faults that alter a normal answer (signatures,
//! ciphertexts, expiry) all apply.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest latency a fault may add (ten minutes): longer waits are what `hang` is for.
pub const MAX_LATENCY_MS: u64 = 600_000;

/// Where a fault applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Target {
    /// `POST /face/get_wxpayface_authinfo` (payapp).
    #[serde(rename = "authinfo")]
    Authinfo,
    /// `GET /v3/facemch/users/{face_sid}` (api.mch).
    #[serde(rename = "facemch")]
    Facemch,
    /// `GET /v3/certificates` (api.mch).
    #[serde(rename = "certificates")]
    Certificates,
    /// The simulated face app's `initWxpayface`.
    #[serde(rename = "initWxpayface")]
    InitWxpayface,
    /// The simulated face app's `getWxpayfaceRawdata`.
    #[serde(rename = "getWxpayfaceRawdata")]
    GetWxpayfaceRawdata,
    /// The simulated face app's `getWxpayfaceCode`.
    #[serde(rename = "getWxpayfaceCode")]
    GetWxpayfaceCode,
    /// The simulated face app's `getWxpayAuth`.
    #[serde(rename = "getWxpayAuth")]
    GetWxpayAuth,
    /// The simulated face app's `stopWxpayface`.
    #[serde(rename = "stopWxpayface")]
    StopWxpayface,
}

impl Target {
    pub const ALL: [Target; 8] = [
        Target::Authinfo,
        Target::Facemch,
        Target::Certificates,
        Target::InitWxpayface,
        Target::GetWxpayfaceRawdata,
        Target::GetWxpayfaceCode,
        Target::GetWxpayAuth,
        Target::StopWxpayface,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Authinfo => "authinfo",
            Target::Facemch => "facemch",
            Target::Certificates => "certificates",
            Target::InitWxpayface => "initWxpayface",
            Target::GetWxpayfaceRawdata => "getWxpayfaceRawdata",
            Target::GetWxpayfaceCode => "getWxpayfaceCode",
            Target::GetWxpayAuth => "getWxpayAuth",
            Target::StopWxpayface => "stopWxpayface",
        }
    }

    pub fn parse(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn is_http(self) -> bool {
        matches!(
            self,
            Target::Authinfo | Target::Facemch | Target::Certificates
        )
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Wait this long before handling (HTTP) or answering (face app).
    Latency { ms: u64 },
    /// Answer this HTTP status (5xx or 429) with WeChat's system-error body, and `Retry-After`
    /// if given.
    Status {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// Drop the TCP connection (with a reset) instead of answering.
    Reset,
    /// Never answer: the HTTP request hangs until the client gives up; the face-app call keeps
    /// its callback and never calls it.
    Hang,
    /// Sign the response with a key the client does not hold.
    BadSignature,
    /// Send the response without its signature (`Wechatpay-Signature` or the XML `sign`).
    MissingSignature,
    /// facemch: random bytes where the encrypted fields should be.
    GarbageCiphertext,
    /// facemch: encrypt with the other padding than the configured one.
    WrongPadding,
    /// authinfo: issue an authinfo that is already expired; face app: treat the authinfo
    /// passed to `getWxpayfaceCode` / `getWxpayAuth` as expired.
    ExpiredAuthinfo,
    /// facemch: treat the face_sid as expired; face app: `getWxpayAuth` finds it expired.
    ExpiredFaceSid,
    /// Face app: answer `FAIL` with this `err_code` (an Integer), as the AAR synthesises it
    /// (271378620 not initialised, 271378621 initialising, 271378622 installing).
    ErrCode { err_code: i64 },
    /// Face app: answer with this `return_code` (e.g. `SYSTEMERROR`, `FACEPAY_NOT_AUTH`).
    ReturnCode { return_code: String },
    /// Face app: `getWxpayfaceCode` reports another person's openid (and sub_openid) beside
    /// the patient's face_sid, as something that took the bridge's place could.
    ForeignOpenid,
}

impl FaultKind {
    /// Whether the fault makes sense on `target`.
    pub fn applies_to(&self, target: Target) -> bool {
        use FaultKind::*;
        match self {
            Latency { .. } | Hang => true,
            Status { .. } | Reset | BadSignature | MissingSignature => target.is_http(),
            GarbageCiphertext | WrongPadding => target == Target::Facemch,
            ExpiredAuthinfo => matches!(
                target,
                Target::Authinfo | Target::GetWxpayfaceCode | Target::GetWxpayAuth
            ),
            ExpiredFaceSid => matches!(target, Target::Facemch | Target::GetWxpayAuth),
            ErrCode { .. } | ReturnCode { .. } => !target.is_http(),
            ForeignOpenid => target == Target::GetWxpayfaceCode,
        }
    }

    pub fn name(&self) -> &'static str {
        use FaultKind::*;
        match self {
            Latency { .. } => "latency",
            Status { .. } => "status",
            Reset => "reset",
            Hang => "hang",
            BadSignature => "bad_signature",
            MissingSignature => "missing_signature",
            GarbageCiphertext => "garbage_ciphertext",
            WrongPadding => "wrong_padding",
            ExpiredAuthinfo => "expired_authinfo",
            ExpiredFaceSid => "expired_face_sid",
            ErrCode { .. } => "err_code",
            ReturnCode { .. } => "return_code",
            ForeignOpenid => "foreign_openid",
        }
    }
}

/// One fault on one target: the admin API's and the config file's unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub target: Target,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// How many requests it applies to; absent: until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

impl FaultRule {
    pub fn new(target: Target, kind: FaultKind) -> Self {
        FaultRule {
            target,
            kind,
            times: None,
        }
    }

    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    pub fn check(&self) -> Result<(), String> {
        if !self.kind.applies_to(self.target) {
            return Err(format!(
                "fault {} does not apply to {}",
                self.kind.name(),
                self.target
            ));
        }
        if self.times == Some(0) {
            return Err(format!("times must be in 1..={}", u32::MAX));
        }
        if let FaultKind::Latency { ms } = self.kind
            && ms > MAX_LATENCY_MS
        {
            return Err(format!("ms must be in 0..={MAX_LATENCY_MS}"));
        }
        if let FaultKind::Status { status, .. } = &self.kind
            && !(400..=599).contains(status)
        {
            return Err("status must be an HTTP error status (400..=599)".into());
        }
        Ok(())
    }
}

/// The faults in force.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: BTreeMap<Target, Vec<FaultRule>>,
}

impl Faults {
    pub fn add(&mut self, rule: FaultRule) -> Result<(), String> {
        rule.check()?;
        self.rules.entry(rule.target).or_default().push(rule);
        Ok(())
    }

    pub fn clear(&mut self, target: Option<Target>) {
        match target {
            Some(t) => {
                self.rules.remove(&t);
            }
            None => self.rules.clear(),
        }
    }

    pub fn list(&self) -> Vec<FaultRule> {
        self.rules.values().flatten().cloned().collect()
    }

    /// The faults that apply to one request on `target`, counting it against their `times`.
    pub fn take(&mut self, target: Target) -> Active {
        let mut active = Active::default();
        if let Some(rules) = self.rules.get_mut(&target) {
            for rule in rules.iter_mut() {
                active.0.push(rule.kind.clone());
                if let Some(n) = &mut rule.times {
                    *n -= 1;
                }
            }
            rules.retain(|r| r.times != Some(0));
            if rules.is_empty() {
                self.rules.remove(&target);
            }
        }
        active
    }
}

/// The faults of one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Active(pub Vec<FaultKind>);

impl Active {
    pub fn latency_ms(&self) -> u64 {
        self.0
            .iter()
            .map(|k| match k {
                FaultKind::Latency { ms } => *ms,
                _ => 0,
            })
            .fold(0, u64::saturating_add)
    }

    /// The first fault that replaces the answer.
    pub fn terminal(&self) -> Option<&FaultKind> {
        self.0.iter().find(|k| {
            matches!(
                k,
                FaultKind::Status { .. }
                    | FaultKind::Reset
                    | FaultKind::Hang
                    | FaultKind::ErrCode { .. }
                    | FaultKind::ReturnCode { .. }
            )
        })
    }

    pub fn has(&self, kind: &FaultKind) -> bool {
        self.0.contains(kind)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_count_down_and_clear() {
        let mut f = Faults::default();
        f.add(FaultRule::new(Target::Facemch, FaultKind::Reset).times(2))
            .unwrap();
        f.add(FaultRule::new(
            Target::Facemch,
            FaultKind::Latency { ms: 5 },
        ))
        .unwrap();
        assert_eq!(f.take(Target::Facemch).terminal(), Some(&FaultKind::Reset));
        assert_eq!(f.take(Target::Facemch).latency_ms(), 5);
        let third = f.take(Target::Facemch);
        assert_eq!(third.terminal(), None);
        assert_eq!(third.latency_ms(), 5);
        assert!(f.take(Target::Authinfo).is_empty());
    }

    #[test]
    fn rules_are_checked_and_read_from_json() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"target":"facemch","kind":"status","status":503,"retry_after":"1","times":1}"#,
        )
        .unwrap();
        assert_eq!(
            rule.kind,
            FaultKind::Status {
                status: 503,
                retry_after: Some("1".into())
            }
        );
        let mut f = Faults::default();
        assert!(
            f.add(FaultRule::new(Target::Authinfo, FaultKind::WrongPadding))
                .is_err()
        );
        assert!(
            f.add(FaultRule::new(
                Target::GetWxpayAuth,
                FaultKind::ErrCode {
                    err_code: 271_378_621
                }
            ))
            .is_ok()
        );
    }
}
