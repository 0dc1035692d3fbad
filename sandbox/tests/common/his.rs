//! For the hand-off tests: a persona's identity as WeChat's answer gives it, and the
//! sandbox hospital's addresses.

use std::sync::Arc;

use facekiosk_his::{HisError, HisPatient, Hospital, PatientNumber};
use facekiosk_pii::identity::{
    CredentialNumber, CredentialType, Identity, Phone, RealName, RealNameInfo, WechatId,
};
use facekiosk_sandbox::SandboxHandle;
use facekiosk_sandbox::hospital::{Endpoint, HisFault, HisFaultKind, HospitalPatient};
use facekiosk_sandbox::personas::Persona;
use facekiosk_testkit::logs::Logs;

/// The identity the kiosk holds once WeChat verified `persona` (`id` as in `personas.rs`).
pub fn identity(sb: &SandboxHandle, id: &str) -> Identity {
    let persona: Persona = sb
        .world()
        .persona(id)
        .unwrap_or_else(|| panic!("no persona {id}"));
    let kind = CredentialType::from_code(persona.credential_type);
    Identity {
        openid: Some(WechatId::new(format!("o-{id}"))),
        sub_openid: None,
        union_id: None,
        real_name: Some(RealNameInfo {
            name: RealName::parse(persona.name.clone()).unwrap(),
            credential_type: kind,
            credential_number: CredentialNumber::parse(kind, persona.credential_id.clone())
                .unwrap(),
        }),
        phone: persona.phone.clone().map(|p| Phone::parse(p).unwrap()),
    }
}

/// Every persona's id.
pub fn persona_ids(sb: &SandboxHandle) -> Vec<String> {
    sb.world().personas().into_iter().map(|p| p.id).collect()
}

/// `http://127.0.0.1:PORT/his/fhir` and so on.
pub fn url(sb: &SandboxHandle, path: &str) -> String {
    format!("{}/his/{path}", sb.base_url)
}

/// Everything the tests log, for the privacy checks.
pub fn logs() -> Logs {
    facekiosk_testkit::logs::capture()
}

/// `persona` handed to `hospital` as the session would.
pub async fn hand_off(
    hospital: &Arc<dyn Hospital>,
    sb: &SandboxHandle,
    persona: &str,
) -> Result<PatientNumber, HisError> {
    let id = identity(sb, persona);
    let patient = HisPatient::from_identity(&id)?;
    hospital.find_or_register(&patient).await
}

/// The hospital's records of `persona`'s ID number.
pub fn records(sb: &SandboxHandle, persona: &str) -> Vec<HospitalPatient> {
    let p = sb.world().persona(persona).unwrap();
    sb.hospital()
        .registry
        .lock()
        .unwrap()
        .find(&p.credential_id)
        .into_iter()
        .cloned()
        .collect()
}

/// `kind` on the next request to `endpoint`.
pub fn fault(sb: &SandboxHandle, endpoint: Endpoint, kind: HisFaultKind) {
    sb.hospital().add_fault(HisFault {
        endpoint: Some(endpoint),
        kind,
        times: Some(1),
    });
}

/// Neither `text` nor the captured logs hold any persona's name or ID number.
pub fn assert_no_pii(sb: &SandboxHandle, text: &str) {
    let logs = logs().contents();
    for p in sb.world().personas() {
        for secret in [&p.name, &p.credential_id] {
            assert!(!text.contains(secret.as_str()), "{text}");
            assert!(
                !logs.contains(secret.as_str()),
                "a log line holds personal data"
            );
        }
    }
}
