//! One attempt of the patient flow after consent: prepare, face scan, then welcome back (a
//! known openid) or WeChat's confirmation, the facemch query and the hand-over.
//!
//! The face code, the identity and the authinfo are locals here: whichever way the attempt
//! ends (a result, a failure, a cancel that drops this future), they are dropped, and their
//! types zeroize on drop. What leaves is a screen with masked strings.

use std::sync::Arc;

use tokio::sync::mpsc;

use super::Deps;
use super::engine::{Command, Engine, Worked};
use super::failure::{FailureCode, PatientStep};
use super::handover::{HandOverError, VerifiedPatient};
use super::records::PatientRef;
use super::view::{RefusalReason, Screen};
use crate::Secret;
use crate::authinfo_cache::{FetchError, Source};
use crate::terminal::{AuthRequest, FaceCode, FaceCodeRequest, Outcome, TerminalError};
use crate::wxpay::WxpayError;

pub(super) enum Attempt {
    /// The success screen (masked), already handed over and wiped.
    Verified(Screen),
    /// The welcome-back screen; `patient_done` if the patient pressed "done" while WeChat's
    /// flow was closing under it.
    WelcomeBack {
        screen: Screen,
        patient_done: bool,
    },
    Refused(RefusalReason),
    Failed(FailureCode),
    Cancelled,
    Shutdown,
}

/// The value of a step that ran to its end; otherwise WeChat's face UI is closed and the
/// attempt ends as the patient (cancel) or the kiosk (shutdown) asked.
macro_rules! settle {
    ($deps:expr, $worked:expr) => {
        match $worked {
            Worked::Done(v) => v,
            Worked::Cancelled => {
                stop_face_ui($deps).await;
                return Attempt::Cancelled;
            }
            Worked::Shutdown => {
                stop_face_ui($deps).await;
                return Attempt::Shutdown;
            }
        }
    };
}

macro_rules! step {
    ($engine:expr, $commands:expr, $screen:expr, $work:expr) => {
        settle!(&$engine.deps, $engine.work($commands, $screen, $work).await)
    };
}

pub(super) async fn attempt(engine: &Engine, commands: &mut mpsc::Receiver<Command>) -> Attempt {
    let deps = &engine.deps;
    let authinfo = match step!(engine, commands, Screen::Preparing, prepare(deps)) {
        Ok((authinfo, _)) => authinfo,
        Err(code) => return Attempt::Failed(code),
    };
    let face = match step!(
        engine,
        commands,
        Screen::FaceScan,
        face_scan(deps, &authinfo, engine.patient_time_percent())
    ) {
        Ok(face) => face,
        Err(end) => return end,
    };
    let known = match deps.records.find_patient(&face.openid) {
        Ok(known) => known,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the patient records");
            return Attempt::Failed(FailureCode::RecordsUnavailable);
        }
    };
    if let Some(patient) = known {
        let quit = AuthRequest::quit(authinfo, face.face_sid.clone());
        let screen = Screen::WelcomeBack {
            patient_ref: patient.to_string(),
        };
        // The patient is known either way: they read the welcome while WeChat's flow closes.
        let (closed, patient_done) = engine
            .closing(commands, screen.clone(), deps.terminal.auth(&quit))
            .await;
        match settle!(deps, closed) {
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
        return Attempt::WelcomeBack {
            screen,
            patient_done,
        };
    }
    let mut confirm = AuthRequest::authorise(authinfo, face.face_sid.clone());
    confirm.patient_time_percent = engine.patient_time_percent();
    let confirmed = step!(
        engine,
        commands,
        Screen::WaitingConfirmation,
        deps.terminal.auth(&confirm)
    );
    match confirmed {
        Ok(reply) => match reply.outcome {
            Outcome::Success(()) => {}
            Outcome::UserCancel => return Attempt::Refused(RefusalReason::CancelledAtWechat),
            other => return Attempt::Failed(FailureCode::of_outcome(&other)),
        },
        Err(e) => return Attempt::Failed(terminal_failure(&e, PatientStep::Confirmation)),
    }
    let query = deps.wxpay.query_user(face.face_sid.reveal());
    let mut identity = match step!(engine, commands, Screen::WaitingConfirmation, query) {
        Ok(identity) => identity,
        Err(e) => return Attempt::Failed(wechat_failure(&e)),
    };
    let Some(real_name) = identity.real_name.as_ref() else {
        identity.wipe();
        return Attempt::Failed(FailureCode::IdentityIncomplete);
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
        .unwrap_or(Err(HandOverError::TIMEOUT))
    };
    let handed = step!(engine, commands, Screen::WaitingConfirmation, hand_over);
    identity.wipe();
    drop(identity);
    let patient: PatientRef = match handed {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(code = e.code, "hand-over failed");
            return Attempt::Failed(FailureCode::HandOverFailed);
        }
    };
    if let Err(e) = deps.records.link_patient(&face.openid, &patient) {
        // Registered in the hospital's system all the same (the local registry links in its
        // hand-over); the patient will confirm on WeChat's screen again next time.
        tracing::error!(error = %e, "cannot link the patient for next time");
    }
    Attempt::Verified(Screen::Success {
        masked_name,
        masked_credential,
        credential_type,
        patient_ref: patient.to_string(),
    })
}

/// The face scan: a face code, or how the attempt ends.
async fn face_scan(
    deps: &Deps,
    authinfo: &Secret,
    patient_time_percent: u32,
) -> Result<FaceCode, Attempt> {
    let config = deps.wxpay.config();
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
                Err(Attempt::Failed(FailureCode::of_outcome(&other)))
            }
        },
        Err(e) => Err(Attempt::Failed(terminal_failure(&e, PatientStep::FaceScan))),
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
pub(super) async fn prepare(deps: &Deps) -> Result<(Secret, Source), FailureCode> {
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
        Err(PrepareError::Wechat(e)) => Err(wechat_failure(&e)),
    }
}

/// Initialises the SDK and fetches an authinfo ahead of the next patient.
pub(super) fn warm_up_in_background(deps: &Arc<Deps>) -> tokio::task::AbortHandle {
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

fn wechat_failure(e: &WxpayError) -> FailureCode {
    let code = FailureCode::of_wxpay(e);
    tracing::warn!(code = %code.as_str(), error = %e, "WeChat call failed");
    code
}

/// Closes the face UI a cut-off call may have left open on the terminal.
async fn stop_face_ui(deps: &Deps) {
    if let Err(e) = deps.terminal.stop().await {
        tracing::warn!(error = %e, "stopWxpayface failed");
    }
}
