//! Non-2xx APIv3 bodies: `{"code": "...", "message": "...", "detail": {...}}`.

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
}

impl ErrorBody {
    /// Whatever WeChat sent; a body that is not the usual JSON keeps its status meaningful.
    pub fn parse(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    /// On `SIGN_ERROR`, WeChat echoes the start of the message it verified
    /// (`detail.sign_information.truncated_sign_message`). Comparing it with ours tells a
    /// technician which line differs without printing either.
    pub fn truncated_sign_message(&self) -> Option<&str> {
        self.detail
            .as_ref()?
            .get("sign_information")?
            .get("truncated_sign_message")?
            .as_str()
    }
}

/// Names the first line of the signed message that WeChat saw differently from us.
pub fn first_differing_line(ours: &str, theirs: &str) -> Option<&'static str> {
    const LINES: [&str; 5] = ["method", "URL", "timestamp", "nonce", "body"];
    // WeChat truncates its copy, so its last line may be a prefix of ours.
    let theirs = theirs.strip_suffix('\n').unwrap_or(theirs);
    let their_lines: Vec<&str> = theirs.split('\n').collect();
    let last = their_lines.len() - 1;
    ours.split('\n')
        .zip(&their_lines)
        .enumerate()
        .position(|(i, (a, b))| {
            if i == last {
                !a.starts_with(b)
            } else {
                a != *b
            }
        })
        .map(|i| LINES.get(i).copied().unwrap_or("body"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wechat_sign_error() {
        let body = r#"{"code":"SIGN_ERROR","detail":{"detail":{"issue":"sign not match"},"field":"signature","location":"authorization","sign_information":{"method":"POST","sign_message_length":383,"truncated_sign_message":"POST\n/v3/pay/transactions/jsapi\n1686039829\nad34e9b1a34845faa8987eca27cf82ee\n{\"appid\"\n","url":"/v3/pay/transactions/jsapi"}},"message":"签名错误，请检查后再试"}"#;
        let e = ErrorBody::parse(body.as_bytes());
        assert_eq!(e.code, "SIGN_ERROR");
        assert_eq!(e.message, "签名错误，请检查后再试");
        let theirs = e.truncated_sign_message().unwrap();
        let ours = "POST\n/v3/pay/transactions/jsapi\n1686039830\nad34e9b1a34845faa8987eca27cf82ee\n{\"appid\":1}\n";
        assert_eq!(first_differing_line(ours, theirs), Some("timestamp"));
        let same = "POST\n/v3/pay/transactions/jsapi\n1686039829\nad34e9b1a34845faa8987eca27cf82ee\n{\"appid\":1}\n";
        assert_eq!(first_differing_line(same, theirs), None);
    }

    #[test]
    fn tolerates_non_json() {
        assert_eq!(ErrorBody::parse(b"<html>502</html>"), ErrorBody::default());
    }
}
