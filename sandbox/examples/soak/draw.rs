//! What goes wrong in a session and what the patient does, drawn from the session's seed.

use facekiosk_sandbox::{FaultKind, FaultRule, Target};

/// splitmix64: small, and the same draws for a seed on every machine and every version of
/// any crate.
pub(super) struct Draw(u64);

impl Draw {
    pub(super) fn for_session(seed: u64, index: u64) -> Draw {
        let mut d = Draw(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        d.next();
        d
    }
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
}

/// What goes wrong in one session.
#[derive(Debug, Clone)]
pub(super) enum Fault {
    None,
    /// Set before the session starts.
    Rule(FaultRule),
    /// An authinfo fault, with every authinfo the sandbox issued expired so the kiosk must
    /// fetch a new one.
    Authinfo(FaultRule),
    /// The cable pulled `after_ms` after agreeing (or before the session), plugged back in
    /// `replug_ms` later.
    Unplug {
        before_start: bool,
        after_ms: u64,
        replug_ms: u64,
    },
    /// The face app's service drops (the AAR reconnects by itself).
    ServiceDrop,
    /// The face app is being updated.
    Installing,
    ClockSkew(i64),
}

impl Fault {
    /// The class the report groups the slowest times by.
    pub(super) fn class(&self) -> String {
        match self {
            Fault::None => "none".into(),
            Fault::Rule(r) | Fault::Authinfo(r) => format!("{} {}", r.target, r.kind.name()),
            Fault::Unplug { .. } => "unplug/replug".into(),
            Fault::ServiceDrop => "face app service drop".into(),
            Fault::Installing => "face app installing".into(),
            Fault::ClockSkew(_) => "clock skew".into(),
        }
    }
}

fn http_kind(d: &mut Draw, target: Target) -> FaultKind {
    let status = || FaultKind::Status {
        status: 500,
        retry_after: None,
    };
    let mut kinds = vec![
        status(),
        FaultKind::Status {
            status: 503,
            retry_after: Some("0".into()),
        },
        FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
        FaultKind::Reset,
        FaultKind::Hang,
        FaultKind::Latency { ms: d.below(1500) },
        FaultKind::BadSignature,
        FaultKind::MissingSignature,
    ];
    match target {
        Target::Facemch => kinds.extend([
            FaultKind::GarbageCiphertext,
            FaultKind::WrongPadding,
            FaultKind::ExpiredFaceSid,
        ]),
        _ => kinds.push(FaultKind::ExpiredAuthinfo),
    }
    d.pick(&kinds).clone()
}

const FACE_APP: [Target; 5] = [
    Target::InitWxpayface,
    Target::GetWxpayfaceRawdata,
    Target::GetWxpayfaceCode,
    Target::GetWxpayAuth,
    Target::StopWxpayface,
];

fn face_app_kind(d: &mut Draw, target: Target) -> FaultKind {
    let mut kinds = vec![
        FaultKind::Latency { ms: d.below(1500) },
        FaultKind::Hang,
        FaultKind::ErrCode {
            err_code: *d.pick(&[271_378_620, 271_378_621, 271_378_622, -1, i64::MAX]),
        },
        FaultKind::ReturnCode {
            return_code: d
                .pick(&[
                    "SYSTEMERROR",
                    "FACEPAY_NOT_AUTH",
                    "USER_CANCEL",
                    "PARAM_ERROR",
                ])
                .to_string(),
        },
    ];
    if FaultKind::ExpiredAuthinfo.applies_to(target) {
        kinds.push(FaultKind::ExpiredAuthinfo);
    }
    if FaultKind::ExpiredFaceSid.applies_to(target) {
        kinds.push(FaultKind::ExpiredFaceSid);
    }
    if FaultKind::ForeignOpenid.applies_to(target) {
        kinds.push(FaultKind::ForeignOpenid);
    }
    d.pick(&kinds).clone()
}

fn times(d: &mut Draw, rule: FaultRule) -> FaultRule {
    match d.below(4) {
        0 => rule,
        n => rule.times(n as u32),
    }
}

pub(super) fn draw_fault(d: &mut Draw) -> Fault {
    match d.below(100) {
        0..=24 => Fault::None,
        25..=44 => {
            let kind = http_kind(d, Target::Facemch);
            Fault::Rule(times(d, FaultRule::new(Target::Facemch, kind)))
        }
        45..=54 => {
            let kind = http_kind(d, Target::Authinfo);
            Fault::Authinfo(times(d, FaultRule::new(Target::Authinfo, kind)))
        }
        55..=79 => {
            let target = *d.pick(&FACE_APP);
            let kind = face_app_kind(d, target);
            Fault::Rule(times(d, FaultRule::new(target, kind)))
        }
        80..=87 => Fault::Unplug {
            before_start: d.percent(25),
            after_ms: d.below(200),
            replug_ms: d.below(3000),
        },
        88..=90 => Fault::ServiceDrop,
        91..=92 => Fault::Installing,
        _ => Fault::ClockSkew(*d.pick(&[-86_400, -400, -200, 200, 400, 86_400])),
    }
}

/// What the patient does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Patient {
    Agrees,
    DeclinesConsent,
    CancelsAfterAgreeing,
}

pub(super) fn draw_patient(d: &mut Draw) -> Patient {
    match d.below(100) {
        0..=2 => Patient::DeclinesConsent,
        3..=5 => Patient::CancelsAfterAgreeing,
        _ => Patient::Agrees,
    }
}
