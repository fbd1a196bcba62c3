//! Viewer tokens: short-lived, signed, read-only credentials for one org (optionally a few
//! categories) that open the Audit Log page, e.g. in an iframe of the host product.
//!
//! Pure logic: minting and verifying, no store and no HTTP. A token is
//! `avt1.<base64url(payload)>.<base64url(HMAC-SHA256(secret, "avt1." + payload part))>`
//! where the payload is JSON `{"org", "cat", "exp", "kid"}`. Nothing is stored per token;
//! the service checks on use that the minting key (`kid`) is still active.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Every viewer token starts with this; API keys start with `alk_`.
pub const TOKEN_PREFIX: &str = "avt1.";
/// Lifetime when the caller names none.
pub const DEFAULT_TTL_SECS: i64 = 15 * 60;
/// The longest lifetime a token may have.
pub const MAX_TTL_SECS: i64 = 24 * 60 * 60;
/// Tokens longer than this are refused before any work (the payload is small).
const MAX_TOKEN_LEN: usize = 4096;

type HmacSha256 = Hmac<Sha256>;

/// What a token grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The org's slug.
    pub org: String,
    /// Categories the token may read; `None`: all of them.
    #[serde(rename = "cat", default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Expiry, Unix seconds (exclusive: at `exp` the token is dead).
    pub exp: i64,
    /// The id of the API key that minted it.
    pub kid: String,
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// Malformed, altered, or signed with another secret.
    Invalid,
    /// Well signed, but past its expiry.
    Expired { exp: i64 },
}

/// The server's token secret (32 random bytes).
#[derive(Clone)]
pub struct ViewerSecret([u8; 32]);

impl std::fmt::Debug for ViewerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewerSecret(..)")
    }
}

impl ViewerSecret {
    pub fn new(bytes: [u8; 32]) -> ViewerSecret {
        ViewerSecret(bytes)
    }

    /// Reads the secret (64 hex digits) from `path`, creating it with fresh random bytes
    /// (mode 0600) when missing. Restarting keeps tokens valid; deleting the file
    /// invalidates every token at the next start.
    pub fn load_or_create(path: &Path) -> Result<ViewerSecret, String> {
        if !path.exists() {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|e| format!("no randomness: {e}"))?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts
                .open(path)
                .map_err(|e| format!("creating {}: {e}", path.display()))?;
            std::io::Write::write_all(&mut f, format!("{}\n", hex::encode(bytes)).as_bytes())
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
        }
        ViewerSecret::load(path)
    }

    /// Reads the secret from `path`, which must exist (`--viewer-secret-file`: nodes that
    /// share it accept each other's tokens). The format is the one [`Self::load_or_create`]
    /// writes: 64 hex digits (32 random bytes), surrounding whitespace ignored. Errors name
    /// the file and what is wrong with it, never its content.
    pub fn load(path: &Path) -> Result<ViewerSecret, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("reading the viewer secret file {}: {e}", path.display()))?;
        parse_secret(&text)
            .map(ViewerSecret)
            .map_err(|why| format!("the viewer secret file {} {why}", path.display()))
    }

    fn mac(&self, signed_part: &[u8]) -> HmacSha256 {
        // HMAC takes keys of any length: this cannot fail for 32 bytes.
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(signed_part);
        mac
    }

    /// Signs `claims` into a token.
    pub fn mint(&self, claims: &Claims) -> String {
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let signed = format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(payload));
        let tag = self.mac(signed.as_bytes()).finalize().into_bytes();
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// Checks the signature (in constant time) and the expiry against `now` (Unix seconds).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, TokenError> {
        if token.len() > MAX_TOKEN_LEN || !token.starts_with(TOKEN_PREFIX) {
            return Err(TokenError::Invalid);
        }
        let (signed, tag) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let tag = URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| TokenError::Invalid)?;
        self.mac(signed.as_bytes())
            .verify_slice(&tag)
            .map_err(|_| TokenError::Invalid)?;
        let payload = URL_SAFE_NO_PAD
            .decode(&signed[TOKEN_PREFIX.len()..])
            .map_err(|_| TokenError::Invalid)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Invalid)?;
        if now >= claims.exp {
            return Err(TokenError::Expired { exp: claims.exp });
        }
        Ok(claims)
    }
}

/// The secret's text form: 64 hex digits, surrounding whitespace ignored. The error says
/// what is wrong (to follow the file's name), without quoting the text.
fn parse_secret(text: &str) -> Result<[u8; 32], String> {
    const FORMAT: &str =
        "it must hold 64 hex digits (32 random bytes), e.g. from `openssl rand -hex 32`";
    let digits = text.trim();
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("holds more than hex digits; {FORMAT}"));
    }
    let mut bytes = [0u8; 32];
    match digits.len() {
        0 => Err(format!("is empty; {FORMAT}")),
        n if n < 64 => Err(format!("is too short ({n} hex digits); {FORMAT}")),
        n if n > 64 => Err(format!("is too long ({n} hex digits); {FORMAT}")),
        _ => hex::decode_to_slice(digits, &mut bytes)
            .map(|()| bytes)
            .map_err(|_| format!("is not hex; {FORMAT}")),
    }
}

/// Whether `bearer` is meant as a viewer token (rather than an API key).
pub fn is_viewer_token(bearer: &str) -> bool {
    bearer.starts_with(TOKEN_PREFIX)
}

/// The lifetime to grant for a requested one: default when absent, refused outside
/// 1 s ..= 24 h.
pub fn ttl(requested: Option<i64>) -> Result<i64, String> {
    match requested {
        None => Ok(DEFAULT_TTL_SECS),
        Some(t) if (1..=MAX_TTL_SECS).contains(&t) => Ok(t),
        Some(_) => Err(format!(
            "ttl_seconds must be from 1 to {MAX_TTL_SECS} (24 hours)"
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            org: "acme".into(),
            categories: Some(vec!["configuration".into()]),
            exp: 1_000,
            kid: "key_1".into(),
        }
    }

    #[test]
    fn round_trip_and_expiry() {
        let s = ViewerSecret::new([7; 32]);
        let t = s.mint(&claims());
        assert!(is_viewer_token(&t));
        assert_eq!(s.verify(&t, 999).unwrap(), claims());
        assert_eq!(s.verify(&t, 1_000), Err(TokenError::Expired { exp: 1_000 }));
    }

    #[test]
    fn altered_or_foreign_tokens_are_invalid() {
        let s = ViewerSecret::new([7; 32]);
        let t = s.mint(&claims());
        // another secret
        assert_eq!(
            ViewerSecret::new([8; 32]).verify(&t, 0),
            Err(TokenError::Invalid)
        );
        // a payload that grants more, with the old signature
        let mut wider = claims();
        wider.categories = None;
        let forged_payload = s.mint(&wider);
        let (fp, _) = forged_payload.rsplit_once('.').unwrap();
        let (_, sig) = t.rsplit_once('.').unwrap();
        assert_eq!(
            s.verify(&format!("{fp}.{sig}"), 0),
            Err(TokenError::Invalid)
        );
        // every single-character change
        for i in TOKEN_PREFIX.len()..t.len() {
            let mut b = t.clone().into_bytes();
            b[i] = if b[i] == b'A' { b'B' } else { b'A' };
            let altered = String::from_utf8(b).unwrap();
            if altered != t {
                assert!(s.verify(&altered, 0).is_err(), "position {i}");
            }
        }
        for junk in ["", "avt1.", "avt1..", "alk_abc", "avt1.e30.AAAA"] {
            assert_eq!(s.verify(junk, 0), Err(TokenError::Invalid), "{junk}");
        }
    }

    #[test]
    fn a_secret_file_is_64_hex_digits_and_errors_never_quote_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("viewer.key");
        let missing = ViewerSecret::load(&path).unwrap_err();
        assert!(
            missing.starts_with("reading the viewer secret file"),
            "{missing}"
        );
        // what load_or_create writes, load reads: the same secret
        let created = ViewerSecret::load_or_create(&path).unwrap();
        let loaded = ViewerSecret::load(&path).unwrap();
        assert_eq!(created.0, loaded.0);
        std::fs::write(&path, format!("  {}\r\n\n", "aB".repeat(32))).unwrap();
        assert_eq!(ViewerSecret::load(&path).unwrap().0, [0xab; 32]);
        for (text, says) in [
            ("", "is empty"),
            ("\n", "is empty"),
            ("0123456789abcdef", "is too short (16 hex digits)"),
            (&"f".repeat(63), "is too short (63 hex digits)"),
            (&"f".repeat(66), "is too long (66 hex digits)"),
            (
                &format!("{}zz", "f".repeat(62)),
                "holds more than hex digits",
            ),
            (
                &format!("secret = {}", "f".repeat(64)),
                "holds more than hex digits",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = ViewerSecret::load(&path).unwrap_err();
            assert!(e.contains(says), "{text:?}: {e}");
            assert!(e.contains("openssl rand -hex 32"), "{e}");
            assert!(text.trim().is_empty() || !e.contains(text.trim()), "{e}");
        }
    }

    #[test]
    fn ttl_bounds() {
        assert_eq!(ttl(None), Ok(DEFAULT_TTL_SECS));
        assert_eq!(ttl(Some(60)), Ok(60));
        assert!(ttl(Some(0)).is_err());
        assert!(ttl(Some(MAX_TTL_SECS + 1)).is_err());
    }
}
