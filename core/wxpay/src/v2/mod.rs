//! WeChat Pay APIv2: MD5/HMAC-SHA256 signed XML, as `get_wxpayface_authinfo` ([`crate::authinfo`])
//! speaks it.

pub mod sign;
pub mod xml;

pub use sign::{Fields, SignError, SignType};
pub use xml::XmlError;
