//! The SDK's rules (docs/architecture.md, "The face SDK"), as a pure decision: after each answer, is the call done, to be
//! retried after a pause, or to be retried after a re-init?
//!
//! - `err_code` 271378621 (initialising: the SDK is still connecting to the face app): retry
//!   after ~500 ms, a bounded number of times;
//! - `err_code` 271378620 (not initialised): `initWxpayface` again, then retry once;
//! - `err_code` 271378622 (the face app is being installed): no retry, the caller gets
//!   [`super::Outcome::FaceAppInstalling`];
//! - anything else is the answer.

use std::time::Duration;

use facekiosk_bridge_protocol::{Method, SdkResult};

use super::outcome::{ErrCode, ReturnCode};

/// The retry policy. The defaults are the SDK's rules.
#[derive(Debug, Clone)]
pub struct SdkRules {
    /// The pause before retrying after 271378621 (500 ms).
    pub initialising_retry_delay: Duration,
    /// How many times a call is retried after 271378621 (6, about 3 s of pauses).
    pub initialising_max_retries: u32,
    /// Whether 271378620 triggers a re-init and one retry (yes).
    pub reinit_when_not_initialised: bool,
}

impl Default for SdkRules {
    fn default() -> Self {
        SdkRules {
            initialising_retry_delay: Duration::from_millis(500),
            initialising_max_retries: 6,
            reinit_when_not_initialised: true,
        }
    }
}

/// What to do after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The answer is final.
    Done,
    /// Call again after this pause.
    RetryAfter(Duration),
    /// Call `initWxpayface`, then call again.
    ReinitThenRetry,
}

/// How far a call got through the rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    /// Retries made after 271378621.
    pub initialising_retries: u32,
    /// Whether the call was already retried after a re-init.
    pub reinitialised: bool,
}

impl SdkRules {
    /// The next step for `method` after `result`, given the attempts so far.
    pub fn next_step(&self, method: Method, result: &SdkResult, attempts: Attempts) -> Step {
        if ReturnCode::of(result) == ReturnCode::Success {
            return Step::Done;
        }
        match ErrCode::of(result) {
            Some(ErrCode::Initialising)
                if attempts.initialising_retries < self.initialising_max_retries =>
            {
                Step::RetryAfter(self.initialising_retry_delay)
            }
            Some(ErrCode::NotInitialised)
                if self.reinit_when_not_initialised
                    && !attempts.reinitialised
                    && method != Method::InitWxpayface
                    && method != Method::StopWxpayface =>
            {
                Step::ReinitThenRetry
            }
            _ => Step::Done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fail(err: i64) -> SdkResult {
        let serde_json::Value::Object(o) = json!({"return_code": "FAIL", "err_code": err}) else {
            unreachable!()
        };
        o
    }

    #[test]
    fn initialising_is_retried_a_bounded_number_of_times() {
        let rules = SdkRules::default();
        let mut a = Attempts::default();
        for _ in 0..6 {
            let step = rules.next_step(Method::GetWxpayfaceRawdata, &fail(271_378_621), a);
            assert_eq!(step, Step::RetryAfter(Duration::from_millis(500)));
            a.initialising_retries += 1;
        }
        let step = rules.next_step(Method::GetWxpayfaceRawdata, &fail(271_378_621), a);
        assert_eq!(step, Step::Done);
    }

    #[test]
    fn not_initialised_reinits_once_except_for_init_itself() {
        let rules = SdkRules::default();
        let a = Attempts::default();
        let step = rules.next_step(Method::GetWxpayfaceCode, &fail(271_378_620), a);
        assert_eq!(step, Step::ReinitThenRetry);
        let again = Attempts {
            reinitialised: true,
            ..a
        };
        let step = rules.next_step(Method::GetWxpayfaceCode, &fail(271_378_620), again);
        assert_eq!(step, Step::Done);
        let step = rules.next_step(Method::InitWxpayface, &fail(271_378_620), a);
        assert_eq!(step, Step::Done);
    }

    #[test]
    fn installing_and_other_answers_are_final() {
        let rules = SdkRules::default();
        let a = Attempts::default();
        for err in [271_378_622, 1] {
            assert_eq!(
                rules.next_step(Method::GetWxpayAuth, &fail(err), a),
                Step::Done
            );
        }
        let serde_json::Value::Object(ok) =
            json!({"return_code": "SUCCESS", "err_code": 271_378_621})
        else {
            unreachable!()
        };
        assert_eq!(rules.next_step(Method::GetWxpayAuth, &ok, a), Step::Done);
    }
}
