//! WeChat Pay APIv2: MD5/HMAC-SHA256 signed XML, used here by `get_wxpayface_authinfo`.

pub mod authinfo;
pub mod sign;
pub mod xml;

pub use authinfo::{Authinfo, AuthinfoRequest};
pub use sign::{Fields, SignError, SignType};
pub use xml::XmlError;
