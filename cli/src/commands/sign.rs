use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use facekiosk_pii::secret::Secret;
use facekiosk_wxpay::crypto::PrivateKey;
use facekiosk_wxpay::v2::sign::{self, Fields, SignType};
use facekiosk_wxpay::v3::MerchantSigner;

use super::Body;

#[derive(Debug, clap::Subcommand)]
pub enum Sign {
    /// APIv2: prints the string signed (without the key), then the signature.
    V2 {
        /// The file holding the APIv2 key (`-`: standard input). Never on the command line,
        /// where the shell history and the process list would show it.
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        #[arg(long, default_value = "MD5", value_parser = ["MD5", "HMAC-SHA256"])]
        sign_type: String,
        /// Fields as name=value (sign_type is a field too: pass it if the request has it).
        #[arg(required = true)]
        fields: Vec<String>,
    },
    /// APIv3: prints the message signed, then the full Authorization header value.
    V3 {
        /// The merchant API private key (PEM).
        #[arg(long)]
        private_key: PathBuf,
        #[arg(long)]
        mchid: String,
        /// The merchant API certificate serial.
        #[arg(long)]
        serial: String,
        #[arg(long)]
        method: String,
        /// Path and query, exactly as sent (e.g. /v3/facemch/users/SID?info_type=..).
        #[arg(long)]
        url: String,
        #[arg(long)]
        timestamp: i64,
        #[arg(long)]
        nonce: String,
        #[command(flatten)]
        body: Body,
    },
}

impl Sign {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        match self {
            Sign::V2 {
                key_file,
                sign_type,
                fields,
            } => {
                let key = read_key(&key_file)?;
                let mut map = Fields::new();
                for f in &fields {
                    let (name, value) = f
                        .split_once('=')
                        .with_context(|| format!("field `{f}` is not of the form name=value"))?;
                    if name.is_empty() {
                        bail!("field `{f}` has an empty name");
                    }
                    if value.chars().any(|c| c.len_utf8() == 4) {
                        // Signed all the same: the technician may be reproducing what a
                        // broken client sent.
                        eprintln!(
                            "warning: field `{name}` has a 4-byte UTF-8 character (emoji or rare CJK), which WeChat refuses"
                        );
                    }
                    map.insert(name.to_owned(), value.to_owned());
                }
                let sign_type = SignType::parse(&sign_type).expect("clap checked the value");
                println!("{}", sign::string_to_sign(&map));
                println!("{}", sign::sign(&map, &key, sign_type));
            }
            Sign::V3 {
                private_key,
                mchid,
                serial,
                method,
                url,
                timestamp,
                nonce,
                body,
            } => {
                let key = PrivateKey::from_file(&private_key)?;
                let body = String::from_utf8(body.bytes()?).context("the body is not UTF-8")?;
                let method = method.to_ascii_uppercase();
                let signer = MerchantSigner::new(mchid, serial, key);
                let message = facekiosk_wxpay::v3::sign::request_message(
                    &method, &url, timestamp, &nonce, &body,
                );
                print!("{message}");
                println!(
                    "{}",
                    signer.authorization(&method, &url, timestamp, &nonce, &body)
                );
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The APIv2 key from a file or standard input (`-`), surrounding whitespace trimmed. The text
/// read is a `Secret` from the start, so it is wiped when dropped.
fn read_key(path: &Path) -> anyhow::Result<Secret> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text)
    } else {
        File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    let text = Secret::new(text);
    read.with_context(|| match path.to_str() {
        Some("-") => "cannot read the APIv2 key from standard input".to_owned(),
        _ => format!("cannot read --key-file {}", path.display()),
    })?;
    let key = text.expose().trim();
    if key.is_empty() {
        bail!("--key-file {} is empty", path.display());
    }
    Ok(Secret::new(key))
}
