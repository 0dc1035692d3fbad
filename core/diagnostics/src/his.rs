//! `his`: the hospital's system answers at the configured `[his]` address (name lookup, TCP,
//! and an unauthenticated GET of that address). No credentials are sent and no patient is
//! asked for: this proves the path, not the account.

use std::time::Instant;

use facekiosk_his::HisSettings;
use facekiosk_his::settings::AdapterSettings;

use crate::endpoint::{host_port, http_client, reach};
use crate::{Check, Options};

const ID: &str = "his";

pub async fn check(his: &HisSettings, options: &Options) -> Check {
    let (field, url) = match &his.adapter {
        AdapterSettings::Local => {
            return Check::ok(
                ID,
                "[his] adapter = \"local\": patients go to the kiosk's own registry",
            );
        }
        AdapterSettings::Fhir(f) => ("his.base_url", f.base_url.as_str()),
        AdapterSettings::Wst846(w) => ("his.url", w.url.as_str()),
        AdapterSettings::Http(v) => ("his.url", v.url.as_str()),
    };
    let (parsed, host, port) = match host_port(field, url) {
        Ok(v) => v,
        Err(e) => return Check::fail(ID, e, format!("correct {field}")),
    };
    let adapter = his.adapter_name();
    let reached = match reach(&host, port, options.timeout).await {
        Ok(s) => s,
        Err(e) => {
            return Check::fail(
                ID,
                format!("{adapter} at {host}:{port}: {e}"),
                "ask the hospital's IT whether the kiosk may reach this address",
            );
        }
    };
    // A hospital CA or a client certificate is the adapter's to present: without them a TLS
    // failure here would say nothing about the kiosk's own connection.
    if parsed.scheme() == "https" && his.connection.ca_file.is_some() {
        return Check::ok(
            ID,
            format!("{adapter} at {host}:{port}: {reached} (TLS not tried: a hospital CA is set)"),
        );
    }
    let client = match http_client(None, options.timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail(ID, e, "report this to the kiosk's supplier"),
    };
    let started = Instant::now();
    match client.get(parsed.as_str()).send().await {
        Ok(answer) => Check::ok(
            ID,
            format!(
                "{adapter} at {host}:{port}: {reached}, HTTP answer {} ms (status {})",
                started.elapsed().as_millis(),
                answer.status().as_u16()
            ),
        ),
        Err(e) => Check::warn(
            ID,
            format!("{adapter} at {host}:{port}: {reached}, but no HTTP answer: {e}"),
            "the address is reachable; ask the hospital's IT whether it serves the kiosk",
        ),
    }
}
