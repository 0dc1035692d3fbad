//! facekiosk-terminal: the face terminal: the WeChat face SDK on the Android face-pay
//! terminal, reached through the bridge app (`android-bridge/`).
//!
//! - [`FaceTerminal`]: what the session drives (init once, rawdata, face code, auth, stop), each
//!   call answering a typed [`Reply`] ([`outcome`]) or a [`TerminalError`].
//! - [`BridgeTerminal`]: the one implementation. It applies the SDK rules ([`sdk_rules`]: init
//!   once, retry after 271378621, re-init after 271378620, one SDK call in flight at a time, our
//!   own timeout on every call) over a [`Transport`]:
//!   - a [`BridgeClient`] ([`bridge_client`]): one connection of the bridge protocol, over TCP
//!     to a direct address (the simulated terminal) or to an adb-forwarded port; it sends no
//!     request before the bridge has proven it holds this kiosk's [`Pairing`] key
//!     (`[terminal] pairing_key_file`), and reports a peer that has not as
//!     [`ConnectError::BridgeUnpaired`] ([`LinkState::BridgeUnpaired`] on the screens);
//!   - a [`TerminalLink`] ([`link`]): the supervisor that finds the terminal through adb
//!     ([`adb`]), forwards `tcp:0 -> localabstract:facekiosk-bridge`, connects, and after an
//!     unplug and a replug forwards and connects again by itself, publishing a [`LinkStatus`].
//!
//! Personal data (openid, face_sid) and secrets (authinfo, rawdata) never reach a log line or a
//! `Debug` dump: results are typed into masking types ([`facekiosk_pii::FaceSid`],
//! [`facekiosk_pii::WechatId`], [`facekiosk_pii::Secret`]) and the raw Map is kept in a
//! [`RawResult`] that prints keys only.

pub mod adb;
pub mod bridge_client;
mod bridge_terminal;
pub mod error;
pub mod link;
pub mod outcome;
pub mod request;
pub mod sdk_rules;
pub mod settings;
pub mod status;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use facekiosk_bridge_protocol::{Event, Method, Params, SdkResult};
use tokio::sync::{broadcast, watch};

pub use bridge_client::{BridgeClient, ClientOptions, KeyFileError, Pairing, Unpaired};
pub use bridge_terminal::{BridgeTerminal, TerminalOptions};
pub use error::{ConnectError, LinkDown, TerminalError, TimeoutBy};
pub use facekiosk_bridge_protocol::PairingKey;
pub use link::{LinkOptions, TerminalLink, TerminalTarget};
pub use outcome::{ErrCode, FaceCode, Outcome, RawResult, Reply, ReturnCode, UnderageState};
pub use request::{
    AuthRequest, CallTimeouts, FaceCodeRequest, FaceProxy, FaceScreen, InitOptions, PerformMode,
    ProxyKind, QuitFaceAuth, ScreenIndex,
};
pub use sdk_rules::SdkRules;
pub use settings::{FaceAppSettings, TerminalSettings};
pub use status::{BridgeInfo, LinkState, LinkStatus};

pub use facekiosk_bridge_protocol::Event as TerminalEvent;

use facekiosk_pii::Secret;

/// A boxed future, so that [`FaceTerminal`] can be used as `dyn FaceTerminal`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The result of a terminal call.
pub type TerminalResult<T> = Result<Reply<T>, TerminalError>;

/// The face terminal as the session drives it.
///
/// Every call answers within its timeout: a [`Reply`] when the SDK answered (its
/// [`Outcome`] says how: success, the patient's cancel, the documented failures), or a
/// [`TerminalError`] when it did not (link down or lost, timeout, bridge refusal).
pub trait FaceTerminal: Send + Sync {
    /// `initWxpayface`, once: later calls answer the first success without calling the SDK.
    /// The other calls initialise first if needed.
    fn init(&self) -> BoxFuture<'_, TerminalResult<()>>;

    /// `getWxpayfaceRawdata`: the rawdata for `get_wxpayface_authinfo`.
    fn rawdata(&self) -> BoxFuture<'_, TerminalResult<Secret>>;

    /// `getWxpayfaceCode` with `face_authtype = FACE_AUTH`: the patient looks into the camera;
    /// a success carries the face_sid and openid.
    fn face_code<'a>(
        &'a self,
        request: &'a FaceCodeRequest,
    ) -> BoxFuture<'a, TerminalResult<FaceCode>>;

    /// `getWxpayAuth` with `quit_face_auth` "0" (the patient authorises on WeChat's screen) or
    /// "1" (close the flow).
    fn auth<'a>(&'a self, request: &'a AuthRequest) -> BoxFuture<'a, TerminalResult<()>>;

    /// `stopWxpayface`: closes the face UI; goes through even while another call is in flight.
    fn stop(&self) -> BoxFuture<'_, TerminalResult<()>>;

    /// The link's status, updated as it changes.
    fn status(&self) -> watch::Receiver<LinkStatus>;

    /// Notifications from the bridge: the face service went away, came back, the SDK was
    /// re-initialised by the bridge.
    fn events(&self) -> broadcast::Receiver<Event>;
}

/// Something that carries raw SDK calls to a bridge: a [`BridgeClient`] or a [`TerminalLink`].
pub trait Transport: Send + Sync {
    /// One call: the SDK's callback Map verbatim, or why there is none.
    fn call(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<SdkResult, TerminalError>>;

    /// A number that changes whenever a new bridge connection replaces the previous one (the
    /// bridge behind it may be a restarted one, whose SDK is not initialised).
    fn generation(&self) -> u64;

    /// The link's status.
    fn status(&self) -> watch::Receiver<LinkStatus>;

    /// Notifications from the bridge.
    fn events(&self) -> broadcast::Receiver<Event>;
}

impl Transport for BridgeClient {
    fn call(
        &self,
        method: Method,
        params: Params,
        timeout: Duration,
    ) -> BoxFuture<'_, Result<SdkResult, TerminalError>> {
        Box::pin(BridgeClient::call(self, method, params, timeout))
    }

    fn generation(&self) -> u64 {
        0
    }

    fn status(&self) -> watch::Receiver<LinkStatus> {
        BridgeClient::status(self)
    }

    fn events(&self) -> broadcast::Receiver<Event> {
        BridgeClient::events(self)
    }
}
