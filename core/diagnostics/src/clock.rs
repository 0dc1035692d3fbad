//! `clock`: how far this machine's clock is from WeChat's, read from the `Date` of an answer
//! of the configured payapp endpoint (the way the kiosk's client measures it). Measured with
//! a plain request, so it is known even when the keys are what is broken.

use facekiosk_wxpay::WxpaySettings;
use facekiosk_wxpay::clock::{ClockOffset, SKEW_MARGIN_SECS};
use facekiosk_wxpay::v3::verify::MAX_SKEW_SECS;

use crate::endpoint::http_client;
use crate::{Check, Options};

const ID: &str = "clock";

pub async fn check(wxpay: &WxpaySettings, options: &Options) -> Check {
    let client = match http_client(wxpay.proxy.as_ref(), options.timeout) {
        Ok(c) => c,
        Err(e) => return Check::fail(ID, e, "correct [proxy]"),
    };
    let answer = match client.get(&wxpay.endpoints.payapp).send().await {
        Ok(a) => a,
        Err(e) => {
            return Check::fail(
                ID,
                format!(
                    "not measured: no answer from {}: {e}",
                    wxpay.endpoints.payapp
                ),
                "see endpoint.payapp",
            );
        }
    };
    let offset = ClockOffset::default();
    if let Some(date) = answer
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|d| d.to_str().ok())
    {
        offset.observe_date_header(date, facekiosk_wxpay::unix_now());
    }
    verdict(offset.offset_secs())
}

/// The verdict on an offset (WeChat's minus ours, seconds).
pub fn verdict(offset: Option<i64>) -> Check {
    let Some(o) = offset else {
        return Check::warn(
            ID,
            "not measured: WeChat's answer had no readable Date header",
            "run doctor again; if it persists, check what sits between the kiosk and WeChat",
        );
    };
    let how = match o {
        0 => "the same as WeChat's".to_owned(),
        o if o > 0 => format!("{o} s behind WeChat's"),
        o => format!("{} s ahead of WeChat's", -o),
    };
    let limit = MAX_SKEW_SECS.unsigned_abs();
    // The kiosk itself stops before WeChat's limit (ClockOffset::check): from there on every
    // patient gets CLOCK_SKEW, which is a failure whatever WeChat would still take.
    let kiosk_limit = (MAX_SKEW_SECS - SKEW_MARGIN_SECS).unsigned_abs();
    let detail = format!(
        "this machine's clock is {how} (offset {o} s; WeChat refuses from {limit} s, the \
         kiosk stops face scans from {kiosk_limit} s)"
    );
    let fix = "set the clock right and turn on time synchronisation (NTP); a clock that drifts \
               back after a restart needs a new RTC battery";
    if o.unsigned_abs() >= kiosk_limit {
        Check::fail(ID, detail, fix)
    } else if o.unsigned_abs() >= SKEW_MARGIN_SECS.unsigned_abs() {
        Check::warn(ID, detail, fix)
    } else {
        Check::ok(ID, detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    #[test]
    fn offsets_against_the_window() {
        assert_eq!(verdict(Some(0)).status, Status::Ok);
        assert_eq!(verdict(Some(-59)).status, Status::Ok);
        assert_eq!(verdict(Some(90)).status, Status::Warn);
        // Under WeChat's 300 s, but the kiosk already refuses every patient.
        assert_eq!(verdict(Some(250)).status, Status::Fail);
        let far = verdict(Some(-420));
        assert_eq!(far.status, Status::Fail);
        assert!(far.detail.contains("420 s ahead"), "{}", far.detail);
        assert_eq!(verdict(None).status, Status::Warn);
    }
}
