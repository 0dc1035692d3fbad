//! The session task: one patient at a time, from idle back to idle.
//!
//! Two kinds of screen: those that wait for the patient (idle, consent and the result screens:
//! an idle countdown with a warning the patient can extend) and those that wait for the
//! terminal or WeChat (preparing, face scan, confirmation: bounded by their calls' own
//! timeouts: the terminal's per call, WeChat's per request, the hand-over's). Cancel ends
//! every screen of a session. Everything personal lives in the locals of [`super::flow`], so
//! it is dropped (and zeroized) whichever way a session ends.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, sleep_until};

use futures_util::FutureExt;

use super::failure::{Failure, FailureCode};
use super::flow::{self, Attempt, Confirmed, Interrupted, Steps};
use super::intent::{Intent, SessionError};
use super::publisher::{Prefs, Publisher};
use super::records::{ConsentReceipt, Decision};
use super::view::{Countdown, RefusalReason, Screen};
use super::{Deps, Ending};

pub(super) enum Command {
    Intent(Intent, oneshot::Sender<Result<(), SessionError>>),
    Shutdown,
}

/// How a wait for the patient ended.
enum Waited<T> {
    Chose(T),
    TimedOut,
    Cancelled,
    Shutdown,
}

/// What the patient chose on a result screen.
enum AfterResult {
    Retry,
    End(Ending),
}

pub(super) struct Engine {
    pub(super) deps: Arc<Deps>,
    pub(super) out: Publisher,
    pub(super) defaults: Prefs,
}

impl Engine {
    /// Serves patients until shutdown. A bug (a panic) outside a session puts the kiosk back on
    /// idle rather than leaving the screen frozen; one inside a session is caught in
    /// [`Engine::session`], which ends it on a defined screen.
    pub(super) async fn run(self, mut commands: mpsc::Receiver<Command>) {
        while AssertUnwindSafe(self.serve(&mut commands))
            .catch_unwind()
            .await
            .is_err()
        {
            // The panic hook logs where; its message may hold anything, so it is not repeated.
            tracing::error!("the session task failed (a bug); back to idle");
            self.out.set_prefs(self.defaults);
            self.out.show(Screen::Idle, None);
        }
    }

    async fn serve(&self, commands: &mut mpsc::Receiver<Command>) {
        // Ahead of each patient; stopped with the kiosk (or a panic), so nothing outlives it.
        let mut warm_up = WarmUp::start(&self.deps);
        loop {
            let start = self
                .wait(commands, &|_| Screen::Idle, None, |i| {
                    matches!(i, Intent::Start).then_some(())
                })
                .await;
            match start {
                Waited::Chose(()) => {}
                Waited::Shutdown => break,
                Waited::TimedOut | Waited::Cancelled => continue,
            }
            let ending = self.session(commands).await;
            let shutdown = matches!(ending, Ending::Shutdown);
            tracing::info!(outcome = %ending.outcome(), "session ended");
            self.out.set_prefs(self.defaults);
            self.out.show(Screen::Idle, None);
            if shutdown {
                break;
            }
            warm_up.restart(&self.deps);
        }
    }

    async fn session(&self, commands: &mut mpsc::Receiver<Command>) -> Ending {
        let session_id = facekiosk_wxpay::nonce()[..16].to_owned();
        let first = self
            .deps
            .consent
            .document(self.out.prefs().language)
            .clone();
        let receipt = ConsentReceipt {
            session_id: session_id.clone(),
            consent_version: first.version.clone(),
            consent_language: first.language.tag().to_owned(),
            consent_sha256: first.sha256.clone(),
            shown_at: facekiosk_wxpay::unix_now(),
            decided_at: None,
            decision: Decision::Pending,
            outcome: "pending".into(),
        };
        if let Err(e) = self.deps.records.open_receipt(&receipt) {
            tracing::error!(error = %e, "cannot write the consent receipt");
            return self
                .end_on(
                    commands,
                    Ending::Failed(FailureCode::RecordsUnavailable.into()),
                )
                .await;
        }
        let flow = AssertUnwindSafe(self.consent_then_flow(commands, &session_id));
        let ending = match flow.catch_unwind().await {
            Ok(ending) => ending,
            Err(_) => {
                // Unwinding dropped the session's locals, the identity among them (zeroized).
                tracing::error!("a bug ended the session");
                flow::stop_face_ui(&self.deps).await;
                self.end_on(commands, Ending::Failed(FailureCode::InternalError.into()))
                    .await
            }
        };
        if let Err(e) = self.deps.records.finish(&session_id, &ending.outcome()) {
            tracing::error!(error = %e, "cannot close the consent receipt");
        }
        self.purge_old_receipts();
        ending
    }

    /// The hospital's retention (`kiosk.receipt_retention_days`), applied after each session:
    /// a cheap delete, and a kiosk that serves patients never keeps a receipt much longer.
    fn purge_old_receipts(&self) {
        let Some(days) = self.deps.settings.receipt_retention_days else {
            return;
        };
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let cutoff = now - i64::from(days) * 86_400;
        match self.deps.records.purge_receipts_before(cutoff) {
            Ok(0) => {}
            Ok(purged) => {
                tracing::info!(purged, days, "consent receipts past their retention purged")
            }
            Err(e) => tracing::error!(error = %e, "cannot purge old consent receipts"),
        }
    }

    async fn consent_then_flow(
        &self,
        commands: &mut mpsc::Receiver<Command>,
        session_id: &str,
    ) -> Ending {
        let consent = &self.deps.consent;
        let render = |language| Screen::Consent {
            consent: consent.document(language).clone(),
        };
        let decision = self
            .wait(commands, &render, Some(self.idle_timeout()), |i| match i {
                Intent::Agree { consent_sha256 } => Some(Ok(consent_sha256.clone())),
                Intent::Decline => Some(Err(())),
                _ => None,
            })
            .await;
        let (decision, ending) = match decision {
            Waited::Chose(Ok(_)) => (Decision::Agreed, None),
            Waited::Chose(Err(())) => (
                Decision::Declined,
                Some(Ending::Refused(RefusalReason::DeclinedConsent)),
            ),
            Waited::TimedOut => (Decision::TimedOut, Some(Ending::TimedOut)),
            Waited::Cancelled => (Decision::Cancelled, Some(Ending::Cancelled)),
            Waited::Shutdown => (Decision::Cancelled, Some(Ending::Shutdown)),
        };
        let shown = consent.document(self.out.prefs().language);
        if let Err(e) = self.deps.records.decide(session_id, decision, shown) {
            tracing::error!(error = %e, "cannot record the consent decision");
            if decision == Decision::Agreed {
                // Nothing is fetched without a receipt of the consent.
                return self
                    .end_on(
                        commands,
                        Ending::Failed(FailureCode::RecordsUnavailable.into()),
                    )
                    .await;
            }
        }
        match ending {
            Some(Ending::Refused(reason)) => self.end_on(commands, Ending::Refused(reason)).await,
            Some(other) => other,
            None => self.attempts(commands).await,
        }
    }

    /// The patient agreed: face scan and the rest, again after a failure if they ask.
    async fn attempts(&self, commands: &mut mpsc::Receiver<Command>) -> Ending {
        // A patient who confirmed on WeChat's screen, for the next attempt (dropped, and its
        // ids zeroized, when the session ends).
        let mut confirmed: Option<Confirmed> = None;
        loop {
            let mut steps = Stage {
                engine: self,
                commands,
            };
            let ending = match flow::attempt(&self.deps, &mut steps, &mut confirmed).await {
                Attempt::Verified(screen) => {
                    self.out.show(screen, None);
                    Ending::Verified
                }
                Attempt::WelcomeBack {
                    patient_done: true, ..
                } => return Ending::WelcomeBack,
                Attempt::WelcomeBack { screen, .. } => {
                    self.out.show(screen, None);
                    Ending::WelcomeBack
                }
                Attempt::Refused(reason) => Ending::Refused(reason),
                Attempt::Failed(failure) => Ending::Failed(failure),
                Attempt::Cancelled => return Ending::Cancelled,
                Attempt::Shutdown => return Ending::Shutdown,
            };
            match self.result(commands, ending, true).await {
                AfterResult::Retry => continue,
                AfterResult::End(ending) => return ending,
            }
        }
    }

    /// Shows a result screen that offers no retry (outside an attempt there is nothing to try
    /// again), until the patient is done or its countdown ends.
    async fn end_on(&self, commands: &mut mpsc::Receiver<Command>, ending: Ending) -> Ending {
        match self.result(commands, ending, false).await {
            AfterResult::End(ending) => ending,
            AfterResult::Retry => unreachable!("no retry was offered"),
        }
    }

    /// Shows a result screen until the patient is done or its countdown ends; a failure
    /// offers "try again" if `retry_here` and its code says a second attempt can help.
    async fn result(
        &self,
        commands: &mut mpsc::Receiver<Command>,
        ending: Ending,
        retry_here: bool,
    ) -> AfterResult {
        let retry = retry_here && matches!(&ending, Ending::Failed(f) if f.code.retry());
        let screen = match &ending {
            Ending::Refused(reason) => Screen::Refusal { reason: *reason },
            Ending::Failed(Failure { code, detail }) => Screen::Failed {
                code: *code,
                retry,
                detail: detail.clone(),
            },
            // Verified and welcome back were put on screen with their masked details.
            _ => self.out.current_screen(),
        };
        let waited = self
            .wait(
                commands,
                &|_| screen.clone(),
                Some(self.result_timeout()),
                |i| match i {
                    Intent::Done => Some(false),
                    Intent::Retry if retry => Some(true),
                    _ => None,
                },
            )
            .await;
        match waited {
            Waited::Chose(true) => AfterResult::Retry,
            Waited::Shutdown => AfterResult::End(Ending::Shutdown),
            _ => AfterResult::End(ending),
        }
    }

    /// The patient's time on every screen, in percent of the configured one: more in elder
    /// mode (as the patient chose it now).
    fn patient_time_percent(&self) -> u32 {
        if self.out.prefs().elder {
            self.deps.settings.elder_time_percent
        } else {
            100
        }
    }

    fn scaled(&self, d: Duration) -> Duration {
        d * self.patient_time_percent() / 100
    }

    fn idle_timeout(&self) -> Duration {
        self.deps.settings.idle_timeout
    }

    fn result_timeout(&self) -> Duration {
        self.deps.settings.result_timeout
    }

    fn countdown(&self, deadline: Instant, total: Duration) -> Countdown {
        let left = deadline.saturating_duration_since(Instant::now());
        let warning = self.scaled(self.deps.settings.warning).min(total / 2);
        Countdown {
            seconds_left: left.as_secs_f64().ceil() as u32,
            warning: left <= warning,
        }
    }

    /// Shows a screen that waits for the patient: `accept` picks the intents that end it;
    /// language, elder mode and extend are handled here; cancel ends it, except on idle.
    /// `timeout` is the plain one; elder mode scales it.
    async fn wait<T>(
        &self,
        commands: &mut mpsc::Receiver<Command>,
        render: &(dyn Fn(super::view::Language) -> Screen + Sync),
        timeout: Option<Duration>,
        accept: impl Fn(&Intent) -> Option<T>,
    ) -> Waited<T> {
        let mut total = timeout.map(|t| self.scaled(t));
        let mut deadline = total.map(|t| Instant::now() + t);
        let show = |deadline: Option<Instant>, total: Option<Duration>| {
            let countdown = deadline.zip(total).map(|(d, t)| self.countdown(d, t));
            self.out.show(render(self.out.prefs().language), countdown);
        };
        show(deadline, total);
        loop {
            // Wake on the next whole second of the countdown, to publish it.
            let tick = deadline.map(|d| {
                let left = d.saturating_duration_since(Instant::now());
                let frac = Duration::from_nanos((left.as_nanos() % 1_000_000_000) as u64);
                let step = if frac.is_zero() {
                    Duration::from_secs(1)
                } else {
                    frac
                };
                Instant::now() + step.min(left)
            });
            let command = tokio::select! {
                c = commands.recv() => c,
                _ = sleep_until(tick.unwrap_or_else(far_future)), if tick.is_some() => {
                    match deadline {
                        Some(d) if Instant::now() >= d => return Waited::TimedOut,
                        _ => {
                            self.out.countdown(deadline.zip(total).map(|(d, t)| self.countdown(d, t)));
                            continue;
                        }
                    }
                }
            };
            let Some(Command::Intent(intent, reply)) = command else {
                return Waited::Shutdown;
            };
            if let Some(chosen) = accept(&intent) {
                if let Intent::Agree { consent_sha256 } = &intent {
                    let shown = self.deps.consent.document(self.out.prefs().language);
                    if *consent_sha256 != shown.sha256 {
                        let _ = reply.send(Err(SessionError::StaleConsent));
                        continue;
                    }
                }
                let _ = reply.send(Ok(()));
                return Waited::Chose(chosen);
            }
            let answer = match intent {
                Intent::SetLanguage { language } => {
                    self.set_prefs(|p| p.language = language);
                    show(deadline, total);
                    Ok(())
                }
                Intent::SetElder { elder } => {
                    self.set_prefs(|p| p.elder = elder);
                    // The patient's times change with the mode: start the countdown again.
                    total = timeout.map(|t| self.scaled(t));
                    deadline = total.map(|t| Instant::now() + t);
                    show(deadline, total);
                    Ok(())
                }
                Intent::Extend if deadline.is_some() => {
                    deadline = total.map(|t| Instant::now() + t);
                    show(deadline, total);
                    Ok(())
                }
                Intent::Cancel if timeout.is_some() => {
                    let _ = reply.send(Ok(()));
                    return Waited::Cancelled;
                }
                other => Err(self.not_now(&other)),
            };
            let _ = reply.send(answer);
        }
    }

    /// Runs `work` (a terminal or WeChat step) under `screen`: cancel drops it; language and
    /// elder mode are taken; "done" too when `patient_done` is given (a result screen: the
    /// patient has nothing left to do); other intents are refused.
    async fn run_under<T>(
        &self,
        commands: &mut mpsc::Receiver<Command>,
        screen: Screen,
        work: impl Future<Output = T>,
        mut patient_done: Option<&mut bool>,
    ) -> Result<T, Interrupted> {
        self.out.show(screen, None);
        tokio::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return Ok(done),
                command = commands.recv() => {
                    let Some(Command::Intent(intent, reply)) = command else {
                        return Err(Interrupted::Shutdown);
                    };
                    let answer = match intent {
                        Intent::Cancel => {
                            let _ = reply.send(Ok(()));
                            return Err(Interrupted::Cancelled);
                        }
                        Intent::SetLanguage { language } => {
                            self.set_prefs(|p| p.language = language);
                            Ok(())
                        }
                        Intent::SetElder { elder } => {
                            self.set_prefs(|p| p.elder = elder);
                            Ok(())
                        }
                        Intent::Done if patient_done.is_some() => {
                            if let Some(done) = patient_done.as_deref_mut() {
                                *done = true;
                            }
                            Ok(())
                        }
                        other => Err(self.not_now(&other)),
                    };
                    let _ = reply.send(answer);
                }
            }
        }
    }

    fn set_prefs(&self, change: impl FnOnce(&mut Prefs)) {
        let mut prefs = self.out.prefs();
        change(&mut prefs);
        self.out.set_prefs(prefs);
    }

    fn not_now(&self, intent: &Intent) -> SessionError {
        SessionError::NotNow {
            intent: intent.name(),
            screen: self.out.screen_name(),
        }
    }
}

/// The engine while an attempt runs: the flow's steps, under the patient's intents.
struct Stage<'a> {
    engine: &'a Engine,
    commands: &'a mut mpsc::Receiver<Command>,
}

impl Steps for Stage<'_> {
    async fn step<T>(
        &mut self,
        screen: Screen,
        work: impl Future<Output = T>,
    ) -> Result<T, Interrupted> {
        self.engine
            .run_under(self.commands, screen, work, None)
            .await
    }

    async fn closing<T>(
        &mut self,
        screen: Screen,
        work: impl Future<Output = T>,
    ) -> (Result<T, Interrupted>, bool) {
        let mut patient_done = false;
        let worked = self
            .engine
            .run_under(self.commands, screen, work, Some(&mut patient_done))
            .await;
        (worked, patient_done)
    }

    fn patient_time_percent(&self) -> u32 {
        self.engine.patient_time_percent()
    }
}

/// The warm-up ahead of the next patient, stopped when it is restarted or dropped (`serve`
/// ending, a panic included).
struct WarmUp(tokio::task::AbortHandle);

impl WarmUp {
    fn start(deps: &Arc<Deps>) -> WarmUp {
        WarmUp(flow::warm_up_in_background(deps))
    }

    fn restart(&mut self, deps: &Arc<Deps>) {
        self.0.abort();
        self.0 = flow::warm_up_in_background(deps);
    }
}

impl Drop for WarmUp {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86_400)
}
