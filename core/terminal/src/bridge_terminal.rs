//! [`BridgeTerminal`]: the [`FaceTerminal`] over a [`Transport`], applying the SDK rules.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use facekiosk_bridge_protocol::{Event, Method, Params, SdkResult};
use tokio::sync::{Mutex, MutexGuard, broadcast, watch};
use tokio::time::Instant;
use tracing::{info, warn};
use zeroize::Zeroize;

use super::link::{LinkOptions, TerminalLink, TerminalTarget};
use super::outcome::{FaceCode, Reply};
use super::request::{
    AuthRequest, CallTimeouts, FaceCodeRequest, FaceScreen, InitOptions, QuitFaceAuth,
};
use super::sdk_rules::{Attempts, SdkRules, Step};
use super::{BoxFuture, FaceTerminal, LinkStatus, TerminalError, TerminalResult, Transport};
use facekiosk_pii::Secret;

/// How a [`BridgeTerminal`] calls the SDK.
#[derive(Debug, Clone)]
pub struct TerminalOptions {
    /// The `initWxpayface` Map.
    pub init: InitOptions,
    /// Where every face scan's UI is drawn, unless the request says.
    pub face_screen: FaceScreen,
    /// Our timeout of each call.
    pub timeouts: CallTimeouts,
    /// The retry rules.
    pub rules: SdkRules,
    /// After a face-code or auth call was cut off (link lost, timeout), send `stopWxpayface`
    /// before the next call, to close a face UI the patient may have left open (yes).
    pub stop_after_cut_off: bool,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            init: InitOptions::default(),
            face_screen: FaceScreen::default(),
            timeouts: CallTimeouts::default(),
            rules: SdkRules::default(),
            stop_after_cut_off: true,
        }
    }
}

/// The face terminal over a bridge: a [`super::BridgeClient`] for one connection, or a
/// [`super::TerminalLink`] that reconnects by itself.
///
/// - Init once: `initWxpayface` is called by the first call (or [`FaceTerminal::init`]) and not
///   again, except after 271378620 and when a new bridge connection replaced the previous one
///   (the bridge behind it may have restarted with an uninitialised SDK; on a live SDK, init is
///   a harmless `setProxy`).
/// - One SDK call in flight at a time: calls wait for each other here, retries included;
///   `stopWxpayface` does not wait.
/// - Retries per [`SdkRules`].
#[derive(Debug)]
pub struct BridgeTerminal<T> {
    transport: T,
    options: TerminalOptions,
    sdk: Mutex<SdkState>,
    ui_may_be_open: AtomicBool,
}

#[derive(Debug, Default)]
struct SdkState {
    /// The transport generation on which `initWxpayface` last succeeded.
    initialised_on: Option<u64>,
}

/// What the rules made of a call.
enum Answer {
    /// The final Map, and how many calls it took.
    Final(SdkResult, u32),
    /// The re-init the rules asked for failed: its reply.
    InitFailed(Reply<()>),
}

impl BridgeTerminal<TerminalLink> {
    /// Starts a supervised link to `target` (within a tokio runtime) and a terminal over it:
    /// what the kiosk uses, for a USB terminal (`TerminalTarget::Adb`) or the simulated one
    /// (`TerminalTarget::Direct`).
    pub fn spawn(target: TerminalTarget, link: LinkOptions, options: TerminalOptions) -> Self {
        BridgeTerminal::new(TerminalLink::spawn(target, link), options)
    }
}

impl<T: Transport> BridgeTerminal<T> {
    /// A terminal over `transport`.
    pub fn new(transport: T, options: TerminalOptions) -> Self {
        BridgeTerminal {
            transport,
            options,
            sdk: Mutex::new(SdkState::default()),
            ui_may_be_open: AtomicBool::new(false),
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The options.
    pub fn options(&self) -> &TerminalOptions {
        &self.options
    }

    async fn init_inner(&self) -> TerminalResult<()> {
        let mut state = self.sdk.lock().await;
        if state.initialised_on == Some(self.transport.generation()) {
            return Reply::from_result(Method::InitWxpayface, already_initialised(), 0, |_| Ok(()));
        }
        self.close_ui_left_open().await;
        self.initialise(&mut state).await
    }

    /// Calls `initWxpayface` (with the 271378621 retries) and records a success.
    async fn initialise(&self, state: &mut MutexGuard<'_, SdkState>) -> TerminalResult<()> {
        let params = self.options.init.to_params();
        let timeout = self.options.timeouts.init;
        let started = Instant::now();
        let answer = self
            .with_rules(None, Method::InitWxpayface, params, timeout)
            .await?;
        let Answer::Final(result, attempts) = answer else {
            unreachable!("init never re-inits")
        };
        let reply = Reply::from_result(Method::InitWxpayface, result, attempts, |_| Ok(()))?;
        if reply.outcome.is_success() {
            // The connection the call went over, read after it: before, the link may not have
            // had one yet (a call at start-up waits for it), and a connection lost during the
            // call would have failed it.
            state.initialised_on = Some(self.transport.generation());
        }
        log_reply(Method::InitWxpayface, &reply, started);
        Ok(reply)
    }

    /// One SDK call under the rules: waits its turn, closes a face UI left open, initialises if
    /// needed, retries, types the answer.
    async fn sdk_call<R>(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
        parse: impl FnOnce(&SdkResult) -> Result<R, &'static str>,
    ) -> TerminalResult<R> {
        let mut state = self.sdk.lock().await;
        self.close_ui_left_open().await;
        if state.initialised_on != Some(self.transport.generation()) {
            let init = self.initialise(&mut state).await?;
            if !init.outcome.is_success() {
                return Ok(init.failure_as());
            }
        }
        let started = Instant::now();
        let answer = self
            .with_rules(Some(&mut state), method, params, timeout)
            .await;
        let answer = answer.inspect_err(|e| {
            if matches!(method, Method::GetWxpayfaceCode | Method::GetWxpayAuth)
                && e.may_have_reached_the_sdk()
            {
                self.ui_may_be_open.store(true, Ordering::Relaxed);
            }
            warn!(%method, error = %e, elapsed_ms = started.elapsed().as_millis() as u64, "sdk call failed");
        })?;
        match answer {
            Answer::Final(result, attempts) => {
                let reply = Reply::from_result(method, result, attempts, parse)?;
                log_reply(method, &reply, started);
                Ok(reply)
            }
            Answer::InitFailed(init) => Ok(init.failure_as()),
        }
    }

    /// Calls until the rules say the answer is final. `state` is given for calls that may
    /// re-init (everything but init itself).
    async fn with_rules(
        &self,
        mut state: Option<&mut MutexGuard<'_, SdkState>>,
        method: Method,
        mut params: Params,
        timeout: Duration,
    ) -> Result<Answer, TerminalError> {
        let mut attempts = Attempts::default();
        let mut calls = 0;
        let answer = loop {
            calls += 1;
            let result = match self.transport.call(method, params.clone(), timeout).await {
                Ok(result) => result,
                Err(e) => break Err(e),
            };
            match self.options.rules.next_step(method, &result, attempts) {
                Step::Done => break Ok(Answer::Final(result, calls)),
                Step::RetryAfter(pause) => {
                    info!(%method, attempt = calls, "the SDK is initialising; retrying");
                    attempts.initialising_retries += 1;
                    tokio::time::sleep(pause).await;
                }
                Step::ReinitThenRetry => {
                    let Some(state) = state.as_deref_mut() else {
                        break Ok(Answer::Final(result, calls));
                    };
                    info!(%method, "the SDK is not initialised; initialising, then retrying");
                    attempts.reinitialised = true;
                    state.initialised_on = None;
                    match Box::pin(self.initialise(state)).await {
                        Ok(init) if init.outcome.is_success() => {}
                        Ok(init) => break Ok(Answer::InitFailed(init)),
                        Err(e) => break Err(e),
                    }
                }
            }
        };
        params.values_mut().for_each(|v| v.zeroize());
        answer
    }

    /// Sends `stopWxpayface` if an earlier face-code or auth call was cut off.
    async fn close_ui_left_open(&self) {
        if !self.options.stop_after_cut_off || !self.ui_may_be_open.swap(false, Ordering::Relaxed) {
            return;
        }
        info!("closing a face UI an interrupted call may have left open");
        let stop = self
            .transport
            .call(
                Method::StopWxpayface,
                Params::new(),
                self.options.timeouts.stop,
            )
            .await;
        if let Err(e) = stop {
            warn!(error = %e, "stopWxpayface after an interrupted call failed");
            if matches!(
                e,
                TerminalError::NotConnected { .. } | TerminalError::LinkLost { .. }
            ) {
                self.ui_may_be_open.store(true, Ordering::Relaxed);
            }
        }
    }

    async fn stop_inner(&self) -> TerminalResult<()> {
        let started = Instant::now();
        let result = self
            .transport
            .call(
                Method::StopWxpayface,
                Params::new(),
                self.options.timeouts.stop,
            )
            .await?;
        self.ui_may_be_open.store(false, Ordering::Relaxed);
        let reply = Reply::from_result(Method::StopWxpayface, result, 1, |_| Ok(()))?;
        log_reply(Method::StopWxpayface, &reply, started);
        Ok(reply)
    }
}

/// What an init already done answers.
fn already_initialised() -> SdkResult {
    let mut m = SdkResult::new();
    m.insert("return_code".into(), "SUCCESS".into());
    m.insert("return_msg".into(), "already initialised".into());
    m
}

fn log_reply<R>(method: Method, reply: &Reply<R>, started: Instant) {
    info!(
        %method,
        outcome = reply.outcome.name(),
        return_code = %reply.return_code,
        err_code = reply.err_code.map(|e| e.value()),
        attempts = reply.attempts,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "sdk call"
    );
}

impl<T: Transport> FaceTerminal for BridgeTerminal<T> {
    fn init(&self) -> BoxFuture<'_, TerminalResult<()>> {
        Box::pin(self.init_inner())
    }

    fn rawdata(&self) -> BoxFuture<'_, TerminalResult<Secret>> {
        Box::pin(self.sdk_call(
            Method::GetWxpayfaceRawdata,
            Params::new(),
            self.options.timeouts.rawdata,
            |result| {
                result
                    .get("rawdata")
                    .and_then(|v| v.as_str())
                    .filter(|s| !s.is_empty())
                    .map(Secret::new)
                    .ok_or("rawdata")
            },
        ))
    }

    fn face_code<'a>(
        &'a self,
        request: &'a FaceCodeRequest,
    ) -> BoxFuture<'a, TerminalResult<FaceCode>> {
        let mut params = request.to_params();
        self.options.face_screen.fill(&mut params);
        Box::pin(self.sdk_call(
            Method::GetWxpayfaceCode,
            params,
            patient_time(
                self.options.timeouts.face_code,
                request.patient_time_percent,
            ),
            FaceCode::parse,
        ))
    }

    fn auth<'a>(&'a self, request: &'a AuthRequest) -> BoxFuture<'a, TerminalResult<()>> {
        let timeout = match request.quit {
            QuitFaceAuth::Authorise => patient_time(
                self.options.timeouts.authorise,
                request.patient_time_percent,
            ),
            QuitFaceAuth::Quit => self.options.timeouts.quit,
        };
        Box::pin(
            self.sdk_call(Method::GetWxpayAuth, request.to_params(), timeout, |_| {
                Ok(())
            }),
        )
    }

    fn stop(&self) -> BoxFuture<'_, TerminalResult<()>> {
        Box::pin(self.stop_inner())
    }

    fn status(&self) -> watch::Receiver<LinkStatus> {
        self.transport.status()
    }

    fn events(&self) -> broadcast::Receiver<Event> {
        self.transport.events()
    }
}

/// A call that waits for the patient gets `percent` of its configured time.
fn patient_time(configured: Duration, percent: u32) -> Duration {
    configured * percent.max(100) / 100
}
