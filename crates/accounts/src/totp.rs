//! The second factor: TOTP (RFC 6238) with the parameters every authenticator app reads
//! (SHA-1, 6 digits, 30 s), and single-use recovery codes for a lost phone.

use std::fmt;

use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::{hex, token_hash};

/// Steps either side of now a code may come from: one (30 s) covers a phone's clock drift
/// and the time a person takes to type, as RFC 6238 §5.2 suggests, and no more.
const SKEW_STEPS: u8 = 1;
const STEP_SECONDS: u64 = 30;
const DIGITS: u8 = 6;

/// A TOTP secret as stored and shown: RFC 4648 base32 of 20 random bytes (160 bits, the
/// HMAC-SHA-1 block RFC 4226 recommends). Debug hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(String);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    pub fn generate() -> Result<TotpSecret, getrandom::Error> {
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes)?;
        Ok(TotpSecret(Secret::new_stack(bytes).to_base32()))
    }

    /// A stored secret; `None` when it is not base32 of at least 128 bits (a damaged row
    /// must not turn into a second factor anyone can pass).
    pub fn from_stored(text: &str) -> Option<TotpSecret> {
        let secret = Secret::try_from_base32(text).ok()?;
        (secret.as_bytes().len() >= 16).then(|| TotpSecret(text.to_owned()))
    }

    /// The base32 text, for the store and for typing into an app by hand.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The base32 text in groups of four, as people copy it.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars
            .chunks(4)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn totp(&self, issuer: &str, account: &str) -> Option<Totp> {
        let secret = Secret::try_from_base32(&self.0).ok()?;
        // ':' separates issuer from account in the label; neither may carry one.
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_skew(u16::from(SKEW_STEPS))
            .with_step_duration(STEP_SECONDS)
            .with_secret(secret)
            .with_issuer(Some(issuer.replace(':', " ")))
            .with_account_name(account.replace(':', " "))
            .build()
            .ok()
    }

    /// The `otpauth://totp/…` URI an authenticator app scans.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Option<String> {
        self.totp(issuer, account)?.to_url().ok()
    }

    /// The URI as an SVG QR code, to show inline on the enrolment page.
    pub fn qr_svg(&self, issuer: &str, account: &str) -> Option<String> {
        let uri = self.otpauth_uri(issuer, account)?;
        let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
        let svg = code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .build();
        // Inline in an HTML page: the XML declaration before <svg> has no place there.
        svg.find("<svg").map(|at| svg[at..].to_string())
    }

    /// The time step of `code` if it is right at `now_unix` (within one step) and newer than
    /// `last_step`, the step of the last code accepted: RFC 6238 §5.2 asks that a code be
    /// accepted once, so one seen over a shoulder is spent. Anything that is not six digits
    /// (spaces allowed, as apps show `123 456`) is simply wrong.
    pub fn check(&self, code: &str, now_unix: i64, last_step: Option<i64>) -> Option<i64> {
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != usize::from(DIGITS) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = u64::try_from(now_unix).ok()?;
        let step = self.totp("senderdesk", "check")?.check(&digits, now)?;
        let step = i64::try_from(step).ok()?;
        match last_step {
            Some(last) if step <= last => None,
            _ => Some(step),
        }
    }

    /// The code for `now_unix`; what an authenticator app would show. For tests and for
    /// nothing else a server does.
    pub fn code_at(&self, now_unix: i64) -> Option<String> {
        let now = u64::try_from(now_unix).ok()?;
        Some(self.totp("senderdesk", "check")?.generate(now).to_string())
    }
}

/// How many recovery codes a person gets at once.
pub const RECOVERY_CODES: usize = 10;

/// A set of fresh recovery codes: shown once, stored as SHA-256 only. Each is 12 lowercase
/// hex digits in three groups (`3f9a-0c21-77de`, 48 bits): far beyond guessing at the rate
/// sign-in allows, and easy to read off paper.
pub fn recovery_codes() -> Result<Vec<String>, getrandom::Error> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 6];
            getrandom::fill(&mut bytes)?;
            let h = hex(&bytes);
            Ok(format!("{}-{}-{}", &h[0..4], &h[4..8], &h[8..12]))
        })
        .collect()
}

/// The stored form of a recovery code as a person typed it: case, spaces and dashes do not
/// matter. `None` when it cannot be one of ours, so it never reaches a lookup.
pub fn recovery_code_hash(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    (digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token_hash(&digits))
}

/// What a person typed at the second step: six digits from the app or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    Code(String),
    Recovery(String),
}

impl SecondFactor {
    pub fn read(typed: &str) -> Option<SecondFactor> {
        let compact: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == usize::from(DIGITS) && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SecondFactor::Code(compact));
        }
        recovery_code_hash(typed).map(SecondFactor::Recovery)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890", 8-digit codes; the last
    /// six digits are the 6-digit code.
    #[test]
    fn codes_match_rfc_6238_test_vectors() {
        let secret = TotpSecret(Secret::new_stack(*b"12345678901234567890").to_base32());
        for (t, code8) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(secret.code_at(t).unwrap(), code8[2..], "t={t}");
            assert!(secret.check(&code8[2..], t, None).is_some());
        }
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_its_time() {
        let s = TotpSecret::generate().unwrap();
        let t = 1_800_000_000;
        let code = s.code_at(t).unwrap();
        let step = s.check(&code, t, None).unwrap();
        assert_eq!(s.check(&code, t, Some(step)), None, "replayed");
        assert!(s.check(&code, t + 30, None).is_some(), "one step late");
        assert_eq!(s.check(&code, t + 90, None), None, "three steps late");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(s.check(&spaced, t, None).is_some());
        for bad in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12345\u{0}"] {
            assert_eq!(s.check(bad, t, None), None, "{bad:?}");
        }
    }

    #[test]
    fn the_enrolment_uri_and_qr_name_issuer_and_account() {
        let s = TotpSecret::generate().unwrap();
        let uri = s
            .otpauth_uri("Example: Sender services", "root@example.net")
            .unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(s.as_str()), "{uri}");
        assert!(
            s.qr_svg("senderdesk", "root@example.net")
                .unwrap()
                .starts_with("<svg")
        );
        assert!(!format!("{s:?}").contains(s.as_str()));
        assert_eq!(s.grouped().replace(' ', ""), s.as_str());
    }

    #[test]
    fn damaged_stored_secrets_are_refused() {
        assert!(TotpSecret::from_stored("not base32!").is_none());
        assert!(TotpSecret::from_stored("AAAA").is_none());
        let s = TotpSecret::generate().unwrap();
        assert_eq!(TotpSecret::from_stored(s.as_str()), Some(s));
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_any_way() {
        let codes = recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        let h = recovery_code_hash(c).unwrap();
        assert_eq!(recovery_code_hash(&c.to_uppercase()), Some(h.clone()));
        assert_eq!(recovery_code_hash(&c.replace('-', " ")), Some(h));
        assert_eq!(recovery_code_hash("zzzz-zzzz-zzzz"), None);
        assert_eq!(recovery_code_hash(""), None);
        assert!(matches!(
            SecondFactor::read("123 456"),
            Some(SecondFactor::Code(_))
        ));
        assert!(matches!(
            SecondFactor::read(c),
            Some(SecondFactor::Recovery(_))
        ));
        assert_eq!(SecondFactor::read("hello"), None);
    }
}
