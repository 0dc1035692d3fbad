use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use facekiosk_pii::identity::{mask, validate};
use facekiosk_wxpay::crypto::{Padding, PrivateKey};

#[derive(Debug, clap::Args)]
pub struct Decrypt {
    /// The merchant API private key (PEM).
    #[arg(long)]
    private_key: PathBuf,
    /// pkcs1 (WeChat's padding for facemch) or oaep (SHA-1).
    #[arg(long, default_value = "pkcs1", value_parser = ["pkcs1", "oaep"])]
    padding: String,
    /// Print the clear text instead of the masked one. It is personal data: do not paste it
    /// into tickets or chats.
    #[arg(long)]
    reveal: bool,
    /// The base64 ciphertext of one encrypted_* field.
    ciphertext: String,
}

impl Decrypt {
    pub fn run(self) -> anyhow::Result<ExitCode> {
        let key = PrivateKey::from_file(&self.private_key)?;
        let padding = Padding::parse(&self.padding).expect("clap checked the value");
        let plain = key
            .decrypt_b64(padding, &self.ciphertext)
            .map_err(|e| anyhow::anyhow!("the ciphertext {e}"))?;
        let text = validate::utf8(plain.to_vec())
            .map_err(|e| anyhow::anyhow!("the plaintext {e}: wrong key or padding?"))
            .context("decryption gave no text")?;
        let shown = if self.reveal {
            text.clone()
        } else {
            masked(&text)
        };
        println!("{shown}");
        Ok(ExitCode::SUCCESS)
    }
}

/// Masks by shape: a resident ID or other credential, a phone number, or a name.
fn masked(text: &str) -> String {
    if validate::phone(text).is_ok() {
        mask::phone(text)
    } else if validate::resident_id(text).is_ok() || validate::other_credential(text).is_ok() {
        mask::credential_id(text)
    } else {
        mask::name(text)
    }
}
