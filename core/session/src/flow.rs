//! One attempt of the patient flow after consent: prepare, face scan, then welcome back (a
//! known openid) or WeChat's confirmation, the facemch query and the hand-over.
//!
//! The identity and the authinfo are locals here: whichever way the attempt ends (a result, a
//! failure, a cancel that drops this future), they are dropped, and their types zeroize on
//! drop. What leaves is a screen with masked strings. The face code (face_sid, openid) leaves
//! only as a [`Confirmed`] patient after a failure a second query can mend, held by the engine
//! for the next attempt of the same session and dropped (zeroized) when the session ends.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::failure::{Failure, FailureCode, PatientStep};
use super::handover::{HandOverError, VerifiedPatient};
use super::records::PatientRef;
use super::view::{RefusalReason, Screen};
use crate::Deps;
use facekiosk_pii::Secret;
use facekiosk_pii::identity::Identity;
use facekiosk_terminal::{AuthRequest, FaceCode, FaceCodeRequest, Outcome, TerminalError};
use facekiosk_wxpay::WxpayError;
use facekiosk_wxpay::authinfo_cache::{FetchError, Source};
use facekiosk_wxpay::settings::WxpaySettings;

pub(crate) enum Attempt {
    /// The success screen (masked), already handed over and wiped.
    Verified(Screen),
    /// The welcome-back screen; `patient_done` if the patient pressed "done" while WeChat's
    /// flow was closing under it.
    WelcomeBack {
        screen: Screen,
        patient_done: bool,
    },
    Refused(RefusalReason),
    Failed(Failure),
    Cancelled,
    Shutdown,
}

impl From<FailureCode> for Attempt {
    fn from(code: FailureCode) -> Attempt {
        Attempt::Failed(code.into())
    }
}

/// Why a step did not run to its end: the patient cancelled, or the kiosk is shutting down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interrupted {
    Cancelled,
    Shutdown,
}

impl From<Interrupted> for Attempt {
    fn from(interrupted: Interrupted) -> Attempt {
        match interrupted {
            Interrupted::Cancelled => Attempt::Cancelled,
            Interrupted::Shutdown => Attempt::Shutdown,
        }
    }
}

/// How long after the patient confirmed on WeChat's screen "try again" queries the same
/// face_sid instead of sending them back to the face scan. WeChat does not document a
/// face_sid's lifetime; five minutes is well inside what has been seen to work, and an
/// expired one is refused by WeChat without harm.
pub(crate) const REQUERY_WINDOW: Duration = Duration::from_secs(300);

/// A patient who confirmed on WeChat's screen, kept by the engine between the attempts of
/// one session so a failure after the confirmation does not cost them the face scan and the
/// confirmation again. Its ids zeroize when it is dropped.
pub(crate) struct Confirmed {
    face: FaceCode,
    at: Instant,
}

impl Confirmed {
    fn fresh(&self) -> bool {
        self.at.elapsed() < REQUERY_WINDOW
    }
}

/// How the flow runs its steps: each under a screen, while the patient may cancel. The engine,
/// which holds the patient's intents, implements it.
pub(crate) trait Steps {
    /// `work` under `screen`: its value, or why it was cut short (then it was dropped).
    async fn step<T>(
        &mut self,
        screen: Screen,
        work: impl Future<Output = T>,
    ) -> Result<T, Interrupted>;

    /// `work` under a screen that already is the patient's result (welcome back): "done" is
    /// taken at once and the work still runs to its end. Says whether the patient was done
    /// before it ended.
    async fn closing<T>(
        &mut self,
        screen: Screen,
        work: impl Future<Output = T>,
    ) -> (Result<T, Interrupted>, bool);

    /// The patient's time, in percent of the configured one (more in elder mode).
    fn patient_time_percent(&self) -> u32;
}

/// One attempt. A step cut short by a cancel or a shutdown ends it here, after WeChat's face
/// UI is closed: the one place that closes it for an interruption. `confirmed` carries a
/// patient who already confirmed into the next attempt of the same session (see
/// [`REQUERY_WINDOW`]); the attempt takes it, and leaves one there when its query failed in
/// a way a second query can mend.
pub(crate) async fn attempt(
    deps: &Deps,
    steps: &mut impl Steps,
    confirmed: &mut Option<Confirmed>,
) -> Attempt {
    match run(deps, steps, confirmed).await {
        Ok(attempt) => attempt,
        Err(interrupted) => {
            stop_face_ui(deps).await;
            interrupted.into()
        }
    }
}

async fn run(
    deps: &Deps,
    steps: &mut impl Steps,
    confirmed: &mut Option<Confirmed>,
) -> Result<Attempt, Interrupted> {
    // The window runs from the confirmation, however many times the query is tried again.
    let (face, at) = match confirmed.take().filter(Confirmed::fresh) {
        Some(earlier) => (earlier.face, earlier.at),
        None => match scan_and_confirm(deps, steps).await? {
            Ok(face) => (face, Instant::now()),
            Err(end) => return Ok(end),
        },
    };
    let attempt = register(deps, steps, &face).await?;
    if let Attempt::Failed(failure) = &attempt
        && requery_can_help(failure.code)
    {
        *confirmed = Some(Confirmed { face, at });
    }
    Ok(attempt)
}

/// Whether querying the same face_sid again can end differently: WeChat or the hospital's
/// system was down or slow.
fn requery_can_help(code: FailureCode) -> bool {
    use FailureCode::*;
    matches!(
        code,
        WechatUnreachable | WechatTimeout | WechatServerError | WechatRateLimited | HandOverFailed
    )
}

/// Prepare, face scan, then welcome back (a known openid: the attempt ends there) or WeChat's
/// confirmation: the confirmed patient's face code, or how the attempt ended.
async fn scan_and_confirm(
    deps: &Deps,
    steps: &mut impl Steps,
) -> Result<Result<FaceCode, Attempt>, Interrupted> {
    let authinfo = match steps.step(Screen::Preparing, prepare(deps)).await? {
        Ok((authinfo, _)) => authinfo,
        Err(code) => return Ok(Err(code.into())),
    };
    // WeChat would refuse the query after the patient confirmed: say so before they act. A
    // warm kiosk may not have heard from WeChat for up to an hour, and the clock may have been
    // put right since: a bad reading is taken again (with a fresh authinfo, whose answer
    // measures the clock) before a patient is turned away.
    let authinfo = match deps.wxpay.clock_check() {
        Ok(()) => authinfo,
        Err(_) => {
            deps.authinfo.invalidate(&deps.scope).await;
            let authinfo = match steps.step(Screen::Preparing, prepare(deps)).await? {
                Ok((authinfo, _)) => authinfo,
                Err(code) => return Ok(Err(code.into())),
            };
            if let Err(e) = deps.wxpay.clock_check() {
                return Ok(Err(Attempt::Failed(wechat_failure(&e))));
            }
            authinfo
        }
    };
    let scan = face_scan(deps, &authinfo, steps.patient_time_percent());
    let face = match steps.step(Screen::FaceScan, scan).await? {
        Ok(face) => face,
        Err(end) => return Ok(Err(end)),
    };
    let known = match deps.records.find_patient(&face.openid) {
        Ok(known) => known,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the patient records");
            return Ok(Err(FailureCode::RecordsUnavailable.into()));
        }
    };
    if let Some(patient) = known {
        // Taken on the paired terminal's word: WeChat has no query without the confirmation,
        // and the bridge proved the pairing key in its handshake.
        let quit = AuthRequest::quit(authinfo, face.face_sid.clone());
        let screen = Screen::WelcomeBack {
            patient_ref: shown(deps, &patient),
        };
        // The patient is known either way: they read the welcome while WeChat's flow closes.
        let (closed, patient_done) = steps
            .closing(screen.clone(), deps.terminal.auth(&quit))
            .await;
        match closed? {
            Ok(reply) if reply.outcome.is_success() => {}
            // WeChat's flow may still be on the terminal's screen: closed the hard way.
            Ok(reply) => {
                tracing::warn!(
                    outcome = reply.outcome.name(),
                    "closing the face flow failed"
                );
                stop_face_ui(deps).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "closing the face flow failed");
                stop_face_ui(deps).await;
            }
        }
        return Ok(Err(Attempt::WelcomeBack {
            screen,
            patient_done,
        }));
    }
    let mut confirm = AuthRequest::authorise(authinfo, face.face_sid.clone());
    confirm.patient_time_percent = steps.patient_time_percent();
    let confirmed = steps
        .step(Screen::WaitingConfirmation, deps.terminal.auth(&confirm))
        .await?;
    match confirmed {
        Ok(reply) => match reply.outcome {
            Outcome::Success(()) => Ok(Ok(face)),
            Outcome::UserCancel => Ok(Err(Attempt::Refused(RefusalReason::CancelledAtWechat))),
            other => Ok(Err(FailureCode::of_outcome(&other).into())),
        },
        Err(e) => Ok(Err(terminal_failure(&e, PatientStep::Confirmation).into())),
    }
}

/// The facemch query for a confirmed patient, checked against what the terminal reported,
/// then the hand-over and the link for next time.
async fn register(
    deps: &Deps,
    steps: &mut impl Steps,
    face: &FaceCode,
) -> Result<Attempt, Interrupted> {
    let query = deps.wxpay.query_user(face.face_sid.reveal());
    let mut identity = match steps.step(Screen::WaitingConfirmation, query).await? {
        Ok(identity) => identity,
        Err(e) => return Ok(Attempt::Failed(wechat_failure(&e))),
    };
    if let Err(mismatch) = same_person(face, &identity, deps.wxpay.settings()) {
        identity.wipe();
        tracing::warn!(
            what = mismatch,
            "WeChat's verified answer is not the person the terminal reported"
        );
        return Ok(Attempt::Failed(Failure {
            code: FailureCode::IdentityMismatch,
            detail: Some(mismatch.to_owned()),
        }));
    }
    let Some(real_name) = identity.real_name.as_ref() else {
        identity.wipe();
        return Ok(FailureCode::IdentityIncomplete.into());
    };
    let masked_name = real_name.name.masked();
    let masked_credential = real_name.credential_number.masked();
    let credential_type = real_name.credential_type.into();
    let verified = VerifiedPatient {
        identity: &identity,
        openid: &face.openid,
    };
    let hand_over = async {
        tokio::time::timeout(
            deps.settings.hand_over_timeout,
            deps.hand_over.hand_over(verified),
        )
        .await
        .unwrap_or(Err(HandOverError::Timeout))
    };
    // An interruption here (`?`) drops `identity`, whose fields zeroize on drop; otherwise it
    // is wiped right after the hand-over, before anything else happens.
    let handed = steps.step(Screen::WaitingConfirmation, hand_over).await?;
    identity.wipe();
    drop(identity);
    let patient: PatientRef = match handed {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(code = e.code(), "hand-over failed");
            let code = if e.is_transient() {
                FailureCode::HandOverFailed
            } else {
                FailureCode::HandOverRefused
            };
            return Ok(Attempt::Failed(Failure {
                code,
                detail: Some(e.code().to_owned()),
            }));
        }
    };
    if let Err(e) = deps.records.link_patient(&face.openid, &patient) {
        // Registered in the hospital's system all the same (the local registry links in its
        // hand-over); the patient will confirm on WeChat's screen again next time.
        tracing::error!(error = %e, "cannot link the patient for next time");
    }
    Ok(Attempt::Verified(Screen::Success {
        masked_name,
        masked_credential,
        credential_type,
        patient_ref: shown(deps, &patient),
    }))
}

/// The patient's reference as the screens show it: its last `[his] patient_number_visible`
/// characters, the others as `*` (all of it by default: the patient copies it at the window).
fn shown(deps: &Deps, patient: &PatientRef) -> String {
    mask_reference(patient.as_str(), deps.patient_ref_visible)
}

pub(crate) fn mask_reference(reference: &str, visible: Option<usize>) -> String {
    let count = reference.chars().count();
    let hidden = visible.map_or(0, |v| count.saturating_sub(v));
    reference
        .chars()
        .enumerate()
        .map(|(i, c)| if i < hidden { '*' } else { c })
        .collect()
}

/// The ids of WeChat's verified answer must be those the terminal reported with the face
/// code: an answer on the bridge socket is only as good as what WeChat signs. Says which id
/// differs (never its value).
fn same_person(
    face: &FaceCode,
    identity: &Identity,
    settings: &WxpaySettings,
) -> Result<(), &'static str> {
    match &identity.openid {
        None => return Err("WeChat's answer carries no openid"),
        Some(openid) if *openid != face.openid => return Err("openid differs"),
        Some(_) => {}
    }
    // WeChat returns sub_openid when sub_appid is configured; then it must match too.
    if settings.merchant.sub_appid.is_some() && identity.sub_openid != face.sub_openid {
        return Err("sub_openid differs");
    }
    Ok(())
}

/// The face scan: a face code, or how the attempt ends.
async fn face_scan(
    deps: &Deps,
    authinfo: &Secret,
    patient_time_percent: u32,
) -> Result<FaceCode, Attempt> {
    let config = deps.wxpay.settings();
    let mut request = FaceCodeRequest::new(
        &config.merchant.appid,
        &config.merchant.mch_id,
        &config.store.store_id,
        authinfo.clone(),
    );
    request.sub_appid = config.merchant.sub_appid.clone();
    request.sub_mch_id = config.merchant.sub_mch_id.clone();
    request.patient_time_percent = patient_time_percent;
    match deps.terminal.face_code(&request).await {
        Ok(reply) => match reply.outcome {
            Outcome::Success(face) => Ok(face),
            Outcome::UserCancel => Err(Attempt::Refused(RefusalReason::CancelledFaceScan)),
            other => {
                // The SDK may have refused the authinfo itself: the next attempt fetches anew.
                deps.authinfo.invalidate(&deps.scope).await;
                tracing::warn!(
                    outcome = other.name(),
                    return_code = reply.return_code.as_str(),
                    "face scan failed"
                );
                Err(FailureCode::of_outcome(&other).into())
            }
        },
        Err(e) => Err(terminal_failure(&e, PatientStep::FaceScan).into()),
    }
}

/// Why preparing failed.
#[derive(Debug)]
enum PrepareError {
    Terminal(FailureCode),
    Wechat(WxpayError),
}

impl FetchError for PrepareError {
    fn code(&self) -> &'static str {
        match self {
            PrepareError::Terminal(_) => "TERMINAL",
            PrepareError::Wechat(e) => e.code(),
        }
    }
}

/// SDK initialised and an authinfo: from the cache when warm, so a warm session makes no
/// call to WeChat here.
pub(crate) async fn prepare(deps: &Deps) -> Result<(Secret, Source), FailureCode> {
    match deps.terminal.init().await {
        Ok(reply) if reply.outcome.is_success() => {}
        Ok(reply) => return Err(FailureCode::of_outcome(&reply.outcome)),
        Err(e) => return Err(terminal_failure(&e, PatientStep::None)),
    }
    let fetch = || async {
        let rawdata = match deps.terminal.rawdata().await {
            Ok(reply) => match reply.outcome {
                Outcome::Success(rawdata) => rawdata,
                other => {
                    return Err(PrepareError::Terminal(FailureCode::of_outcome(&other)));
                }
            },
            Err(e) => {
                return Err(PrepareError::Terminal(terminal_failure(
                    &e,
                    PatientStep::None,
                )));
            }
        };
        deps.wxpay
            .get_authinfo(rawdata.expose())
            .await
            .map_err(PrepareError::Wechat)
    };
    match deps.authinfo.get(&deps.scope, fetch).await {
        Ok((authinfo, source)) => Ok((authinfo.authinfo, source)),
        Err(PrepareError::Terminal(code)) => Err(code),
        Err(PrepareError::Wechat(e)) => Err(wechat_failure(&e).code),
    }
}

/// Initialises the SDK and fetches an authinfo ahead of the next patient.
pub(crate) fn warm_up_in_background(deps: &Arc<Deps>) -> tokio::task::AbortHandle {
    let deps = deps.clone();
    tokio::spawn(async move {
        match prepare(&deps).await {
            Ok((_, source)) => tracing::debug!(?source, "warm"),
            Err(code) => tracing::warn!(code = %code.as_str(), "warm-up failed"),
        }
    })
    .abort_handle()
}

fn terminal_failure(e: &TerminalError, step: PatientStep) -> FailureCode {
    let code = FailureCode::of_terminal(e, step);
    tracing::warn!(code = %code.as_str(), error = %e, "terminal call failed");
    code
}

fn wechat_failure(e: &WxpayError) -> Failure {
    let code = FailureCode::of_wxpay(e);
    tracing::warn!(code = %code.as_str(), error = %e, "WeChat call failed");
    match e {
        WxpayError::ClockSkew { offset_secs } => Failure::clock_skew(*offset_secs),
        // What WeChat's support asks for first.
        WxpayError::Api {
            request_id: Some(id),
            ..
        } => Failure {
            code,
            detail: Some(format!("Request-ID {id}")),
        },
        _ => code.into(),
    }
}

/// Closes the face UI a cut-off call may have left open on the terminal.
pub(crate) async fn stop_face_ui(deps: &Deps) {
    if let Err(e) = deps.terminal.stop().await {
        tracing::warn!(error = %e, "stopWxpayface failed");
    }
}

#[cfg(test)]
mod tests {
    use super::mask_reference;

    #[test]
    fn the_patient_number_is_shown_as_the_hospital_configures() {
        assert_eq!(mask_reference("2026000001", None), "2026000001");
        assert_eq!(mask_reference("2026000001", Some(4)), "******0001");
        assert_eq!(mask_reference("0001", Some(6)), "0001");
        assert_eq!(mask_reference("2026000001", Some(0)), "**********");
    }
}
