//! The hospital platform's SOAP answer to the kiosk's PatientInfoQuery or PatientInfoRegister
//! (`facekiosk_his::wst846::read_reply`): arbitrary status and bytes never panic; an accepted
//! reply comes only with a 2xx status, and every patient number it gives is printable.
#![no_main]

use facekiosk_his::wst846::{Reply, Service, read_reply};
use libfuzzer_sys::fuzz_target;

const PATIENT_ID_ROOT: &str = "2.16.156.10011.2.5.1.4";

fuzz_target!(|data: &[u8]| {
    let Some((&[selector], body)) = data.split_first_chunk::<1>() else {
        return;
    };
    let statuses = [200, 202, 400, 415, 500, 502, 503, 404];
    let status = statuses[usize::from(selector >> 1) % statuses.len()];
    let service = if selector & 1 == 0 {
        Service::Query
    } else {
        Service::Register
    };
    let Ok(reply) = read_reply(status, body, service, PATIENT_ID_ROOT) else {
        return;
    };
    assert!((200..300).contains(&status), "a reply from status {status}");
    match reply {
        Reply::Found(numbers) => {
            assert_eq!(service, Service::Query, "patients in a registration reply");
            for n in numbers {
                let n = n.as_str();
                assert!(!n.is_empty() && n.len() <= 64 && n.bytes().all(|b| b.is_ascii_graphic()));
            }
        }
        Reply::Registered => assert_eq!(
            service,
            Service::Register,
            "a registration in a query reply"
        ),
    }
});
