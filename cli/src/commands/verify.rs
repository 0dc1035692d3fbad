use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use facekiosk_wxpay::crypto::{Certificate, PublicKey};
use facekiosk_wxpay::v3::sign::response_message;

use super::Body;

#[derive(Debug, clap::Subcommand)]
pub enum Verify {
    /// Prints `valid`, or `invalid` and exits 1.
    V3 {
        /// WeChat Pay public key (PUBLIC KEY PEM) or platform certificate (CERTIFICATE PEM).
        #[arg(long)]
        public_key: PathBuf,
        /// Wechatpay-Timestamp.
        #[arg(long)]
        timestamp: String,
        /// Wechatpay-Nonce.
        #[arg(long)]
        nonce: String,
        /// Wechatpay-Signature (base64).
        #[arg(long)]
        signature: String,
        #[command(flatten)]
        body: Body,
    },
}

impl Verify {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let Verify::V3 {
            public_key,
            timestamp,
            nonce,
            signature,
            body,
        } = self;
        let pem = std::fs::read_to_string(&public_key)
            .with_context(|| format!("cannot read {}", public_key.display()))?;
        let what = public_key.display().to_string();
        let key = if pem.contains("BEGIN CERTIFICATE") {
            Certificate::from_pem(&what, &pem)?.public_key
        } else {
            PublicKey::from_pem(&what, &pem)?
        };
        let message = response_message(&timestamp, &nonce, &body.bytes()?);
        if key.verify_sha256(&message, &signature) {
            println!("valid");
            Ok(ExitCode::SUCCESS)
        } else {
            println!("invalid");
            Ok(ExitCode::from(1))
        }
    }
}
