//! The HL7 V3 messages the kiosk sends (the 2020 evaluation dialect of WS/T 846.2): the query
//! by ID number (PRPA_IN201305UV02) and the registration (PRPA_IN201311UV02), shaped after the
//! schemas in `tests/schemas/`.
//!
//! The registration schema makes every node mandatory, also what a kiosk cannot know (the
//! address, ethnicity, occupation, a contact, the insurance). Where the schema offers a code
//! that says "not stated" (marital status 90) it is sent; an empty list where empty is allowed
//! (address, telecom, other ids). Where it offers only codes that would state a fact about the
//! patient (ethnic group, occupation, the contact's relation, insurance), the code the hospital
//! agreed in `[his] agreed_*`, else HL7's `nullFlavor="UNK"`, which that schema does not
//! declare (see `mod.rs`).

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use quick_xml::escape::escape;
use zeroize::Zeroizing;

use crate::codes::{CREDENTIAL_CODE_SYSTEM, SEX_CODE_SYSTEM};
use crate::patient::{HisPatient, PatientNumber};
use crate::settings::{AgreedCode, Wst846Settings};

pub(crate) const HL7_NS: &str = "urn:hl7-org:v3";
pub(crate) const QUERY: &str = "PRPA_IN201305UV02";
pub(crate) const REGISTER: &str = "PRPA_IN201311UV02";

/// A message's id and time.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    /// A UUID (the schema wants 32 to 36 characters).
    pub id: String,
    /// `yyyyMMddHHmmss`, China Standard Time: the platform's messages carry local time
    /// without a zone, and the standard is China's.
    pub time: String,
}

impl Stamp {
    pub fn now() -> Stamp {
        let mut b = [0u8; 16];
        rand::fill(&mut b[..]);
        // Version 4, RFC 4122 variant.
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        let id = format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        );
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Stamp {
            id,
            time: china_time(secs),
        }
    }
}

/// `yyyyMMddHHmmss` of a Unix time in UTC+8.
pub(crate) fn china_time(unix: u64) -> String {
    let t = unix + 8 * 3600;
    let (days, rest) = ((t / 86_400) as i64, t % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// The query by the ID document's number. Only the number is a criterion: the other
/// parameters the schema requires are sent empty, so a record with a differently written
/// name is still found (and the name is not sent for a lookup).
pub(crate) fn query(s: &Wst846Settings, stamp: &Stamp, id_number: &str) -> Zeroizing<String> {
    let mut m = Zeroizing::new(String::with_capacity(2048));
    header(&mut m, s, stamp, QUERY);
    let _ = write!(
        m,
        "<controlActProcess classCode=\"CACT\" moodCode=\"EVN\"><queryByParameter>\
         <queryId extension=\"{id}\"/><statusCode code=\"new\"/><initialQuantity value=\"2\"/>\
         <matchCriterionList><minimumDegreeMatch><value xsi:type=\"INT\" value=\"100\"/>\
         <semanticsText value=\"匹配程度\"/></minimumDegreeMatch></matchCriterionList>\
         <parameterList>\
         <id root=\"{patient_root}\" extension=\"\"/>\
         <livingSubjectAdministrativeGender><value code=\"\" codeSystem=\"{SEX_CODE_SYSTEM}\">\
         <displayName value=\"\"/></value><semanticsText value=\"患者性别\"/>\
         </livingSubjectAdministrativeGender>\
         <livingSubjectId><value><item root=\"{id_root}\" extension=\"{number}\"/></value>\
         <semanticsText value=\"患者身份证号\"/></livingSubjectId>\
         <livingSubjectName><value><item><part value=\"\"/></item></value>\
         <semanticsText value=\"患者姓名\"/></livingSubjectName>\
         </parameterList></queryByParameter></controlActProcess></{QUERY}>",
        id = stamp.id,
        patient_root = escape(s.oids.patient_id.as_str()),
        id_root = escape(s.oids.id_number.as_str()),
        number = escape(id_number),
    );
    m
}

/// The registration of `patient` under the number the kiosk minted.
pub(crate) fn register(
    s: &Wst846Settings,
    stamp: &Stamp,
    patient: &HisPatient<'_>,
    number: &PatientNumber,
) -> Zeroizing<String> {
    let o = &s.oids;
    let mut m = Zeroizing::new(String::with_capacity(6144));
    header(&mut m, s, stamp, REGISTER);
    let telecom = match patient.phone {
        Some(p) => format!("<item value=\"{}\"/>", escape(p.reveal())),
        None => "<item/>".to_owned(),
    };
    let birth = match &patient.birth_date {
        Some(d) => format!("<birthTime value=\"{}\"/>", d.compact()),
        None => "<birthTime nullFlavor=\"UNK\"/>".to_owned(),
    };
    let a = &s.agreed;
    let ethnic = coded(
        "item",
        a.ethnic_group.as_ref(),
        "2.16.156.10011.2.3.3.3",
        None,
    );
    let occupation = coded(
        "occupationCode",
        a.occupation.as_ref(),
        "2.16.156.10011.2.3.3.7",
        None,
    );
    let relationship = coded(
        "code",
        a.relationship.as_ref(),
        "2.16.156.10011.2.3.1.34",
        Some("家庭关系代码表"),
    );
    let insurance = coded(
        "code",
        a.insurance_type.as_ref(),
        "2.16.156.10011.2.3.1.248",
        Some("医疗保险类别代码表"),
    );
    let _ = write!(
        m,
        "<controlActProcess classCode=\"CACT\" moodCode=\"EVN\"><subject typeCode=\"SUBJ\">\
         <registrationRequest classCode=\"REG\" moodCode=\"RQO\"><statusCode code=\"active\"/>\
         <subject1 typeCode=\"SBJ\"><patient classCode=\"PAT\">\
         <id><item root=\"{patient_root}\" extension=\"{number}\"/></id>\
         <statusCode code=\"active\"/><effectiveTime><any value=\"{time}\"/></effectiveTime>\
         <patientPerson>\
         <id><item root=\"{id_root}\" extension=\"{id_number}\"/></id>\
         <idCategory code=\"{cred_code}\" codeSystem=\"{CREDENTIAL_CODE_SYSTEM}\" \
         codeSystemName=\"身份证件类别代码表\"><displayName value=\"{cred_name}\"/></idCategory>\
         <name xsi:type=\"LIST_EN\"><item><part value=\"{name}\"/></item></name>\
         <telecom xsi:type=\"DSET_TEL\">{telecom}</telecom>\
         <administrativeGenderCode code=\"{sex_code}\" codeSystem=\"{SEX_CODE_SYSTEM}\">\
         <displayName value=\"{sex_name}\"/></administrativeGenderCode>\
         {birth}\
         <addr xsi:type=\"LIST_AD\"><item/></addr>\
         <maritalStatusCode code=\"90\" codeSystem=\"2.16.156.10011.2.3.3.5\">\
         <displayName value=\"未说明的婚姻状况\"/></maritalStatusCode>\
         <ethnicGroupCode>{ethnic}</ethnicGroupCode>\
         <asEmployee classCode=\"EMP\">\
         {occupation}\
         <employerOrganization classCode=\"ORG\" determinerCode=\"INSTANCE\">\
         <name xsi:type=\"LIST_EN\"><item><part value=\"\"/></item></name>\
         <contactParty classCode=\"CON\"><telecom xsi:type=\"DSET_TEL\"><item/></telecom>\
         </contactParty></employerOrganization></asEmployee>\
         <asOtherIDs classCode=\"ROL\"><id><item root=\"2.16.156.10011.1.19\" extension=\"\"/>\
         </id><scopingOrganization classCode=\"ORG\" determinerCode=\"INSTANCE\"><id>\
         <item root=\"{org_root}\" extension=\"{org_code}\"/></id></scopingOrganization>\
         </asOtherIDs>\
         <personalRelationship>\
         {relationship}\
         <telecom xsi:type=\"DSET_TEL\"><item/></telecom>\
         <relationshipHolder1 classCode=\"PSN\" determinerCode=\"INSTANCE\">\
         <name xsi:type=\"LIST_EN\"><item><part value=\"\"/></item></name>\
         </relationshipHolder1></personalRelationship>\
         </patientPerson>\
         <providerOrganization classCode=\"ORG\" determinerCode=\"INSTANCE\">\
         <id><item root=\"{org_root}\" extension=\"{org_code}\"/></id>\
         <name xsi:type=\"LIST_EN\"><item><part value=\"{org_name}\"/></item></name>\
         <contactParty classCode=\"CON\"/></providerOrganization>\
         <coveredPartyOf typeCode=\"COV\"><coverageRecord classCode=\"COV\" moodCode=\"EVN\">\
         <beneficiary typeCode=\"BEN\"><beneficiary classCode=\"MBR\">\
         {insurance}\
         </beneficiary></beneficiary></coverageRecord></coveredPartyOf>\
         </patient></subject1>\
         <author typeCode=\"AUT\"><assignedEntity classCode=\"ASSIGNED\">\
         <id><item root=\"{author_root}\" extension=\"{sender}\"/></id>\
         <assignedPerson classCode=\"PSN\" determinerCode=\"INSTANCE\">\
         <name xsi:type=\"LIST_EN\"><item><part value=\"{sender}\"/></item></name>\
         </assignedPerson></assignedEntity></author>\
         </registrationRequest></subject></controlActProcess></{REGISTER}>",
        patient_root = escape(o.patient_id.as_str()),
        number = escape(number.as_str()),
        time = stamp.time,
        id_root = escape(o.id_number.as_str()),
        id_number = escape(patient.credential_number.reveal()),
        cred_code = patient.credential.gb_code(),
        cred_name = patient.credential.gb_name(),
        name = escape(patient.name.reveal()),
        sex_code = patient.sex.gb_code(),
        sex_name = patient.sex.gb_name(),
        org_root = escape(o.organization_id.as_str()),
        org_code = escape(s.organization_code.as_str()),
        org_name = escape(s.organization_name.as_str()),
        author_root = escape(o.author_id.as_str()),
        sender = escape(s.sender_id.as_str()),
    );
    m
}

/// A coded element the kiosk has no fact for: the code the hospital agreed, or HL7's "not
/// known".
fn coded(
    element: &str,
    agreed: Option<&AgreedCode>,
    system: &str,
    system_name: Option<&str>,
) -> String {
    let named = system_name
        .map(|n| format!(" codeSystemName=\"{n}\""))
        .unwrap_or_default();
    match agreed {
        Some(c) => format!(
            "<{element} code=\"{}\" codeSystem=\"{system}\"{named}><displayName value=\"{}\"/></{element}>",
            escape(c.code.as_str()),
            escape(c.name.as_str())
        ),
        None => format!("<{element} nullFlavor=\"UNK\" codeSystem=\"{system}\"{named}/>"),
    }
}

fn header(m: &mut String, s: &Wst846Settings, stamp: &Stamp, interaction: &str) {
    let o = &s.oids;
    let device = |role: &str, code: &str, id: &str| {
        format!(
            "<{role} typeCode=\"{code}\"><device classCode=\"DEV\" determinerCode=\"INSTANCE\">\
             <id><item root=\"{}\" extension=\"{}\"/></id></device></{role}>",
            escape(o.device_id.as_str()),
            escape(id)
        )
    };
    let _ = write!(
        m,
        "<{interaction} xmlns=\"{HL7_NS}\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ITSVersion=\"XML_1.0\">\
         <id root=\"{}\" extension=\"{}\"/><creationTime value=\"{}\"/>\
         <interactionId root=\"{}\" extension=\"{interaction}\"/>\
         <processingCode code=\"P\"/><processingModeCode/><acceptAckCode code=\"AL\"/>{}{}",
        escape(o.message_id.as_str()),
        stamp.id,
        stamp.time,
        escape(o.interaction_id.as_str()),
        device("receiver", "RCV", &s.receiver_id),
        device("sender", "SND", &s.sender_id),
    );
}
