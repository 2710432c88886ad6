//! Public references people quote and retype (`DL-7KQ2-M9XD`, `T-3MZ8-Q0RA`): 40 random
//! bits in Crockford's base32, which has no I/O/L/U, so a reference read aloud or retyped
//! survives; reading forgives case and the letters the alphabet maps (O→0, I/L→1).

use std::fmt;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Eight characters of Crockford's base32 from five random bytes.
pub(crate) fn encode(bytes: [u8; 5]) -> [u8; 8] {
    let mut bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let mut out = [0u8; 8];
    for slot in out.iter_mut().rev() {
        *slot = CROCKFORD[(bits & 31) as usize];
        bits >>= 5;
    }
    out
}

/// The eight characters of `PREFIX` + `XXXX-XXXX` (the dash optional), or `None`.
pub(crate) fn parse(text: &str, prefix: &str) -> Option<[u8; 8]> {
    let t = text.trim();
    let rest = t
        .get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and_then(|_| t.get(prefix.len()..))?;
    let chars: Vec<u8> = rest.bytes().filter(|b| *b != b'-').collect();
    if chars.len() != 8 || rest.len() > 9 {
        return None;
    }
    let mut out = [0u8; 8];
    for (slot, c) in out.iter_mut().zip(chars) {
        let c = match c.to_ascii_uppercase() {
            b'O' => b'0',
            b'I' | b'L' => b'1',
            c => c,
        };
        if !CROCKFORD.contains(&c) {
            return None;
        }
        *slot = c;
    }
    Some(out)
}

pub(crate) fn write(f: &mut fmt::Formatter<'_>, prefix: &str, code: &[u8; 8]) -> fmt::Result {
    let s = |r: &[u8]| r.iter().map(|b| *b as char).collect::<String>();
    write!(f, "{prefix}{}-{}", s(&code[..4]), s(&code[4..]))
}

/// The public name of a support ticket, as `T-3MZ8-Q0RA`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TicketReference([u8; 8]);

/// A reference that is not of the form `T-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a ticket reference (they look like T-3MZ8-Q0RA)")]
pub struct BadTicketReference(pub String);

impl TicketReference {
    pub fn from_random(bytes: [u8; 5]) -> Self {
        TicketReference(encode(bytes))
    }

    pub fn parse(text: &str) -> Result<Self, BadTicketReference> {
        parse(text, "T-")
            .map(TicketReference)
            .ok_or_else(|| BadTicketReference(text.chars().take(40).collect()))
    }
}

impl fmt::Display for TicketReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write(f, "T-", &self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_reference_reads_back_however_it_was_retyped() {
        let r = TicketReference::from_random([0xde, 0xad, 0xbe, 0xef, 0x01]);
        let text = r.to_string();
        assert!(text.starts_with("T-") && text.len() == 11, "{text}");
        assert_eq!(TicketReference::parse(&text.to_lowercase()), Ok(r));
        assert_eq!(
            TicketReference::parse(&text.replace('-', "").replacen('T', "T-", 1)),
            Ok(r)
        );
        for bad in [
            "",
            "T-",
            "DL-7KQ2-M9XD",
            "T-7KQ2-M9X",
            "T-7KQ2-M9XDD",
            "T-UUUU-UUUU",
            "T-7KQ2–M9XD",
        ] {
            assert!(TicketReference::parse(bad).is_err(), "{bad:?}");
        }
    }
}
