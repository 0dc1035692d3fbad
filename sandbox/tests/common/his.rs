//! For the hand-off tests: a persona's identity as WeChat's answer gives it, and the
//! sandbox hospital's addresses.

use facekiosk_pii::identity::{
    CredentialNumber, CredentialType, Identity, Phone, RealName, RealNameInfo, WechatId,
};
use facekiosk_sandbox::SandboxHandle;
use facekiosk_sandbox::personas::Persona;

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
