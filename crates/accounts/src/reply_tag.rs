//! The tag in a ticket's reply address, `ticket+TAG@domain`: one per ticket party, so a
//! reply by mail lands in the right ticket as the right person, and unguessable, so nobody
//! can write into a ticket by trying addresses. `TAG` is the party's number and the first
//! 128 bits of an HMAC-SHA256 of it under the server's secret key, in lowercase hex (mail
//! systems may lowercase local parts; hex survives that). Nothing is stored: the key checks it.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

const CONTEXT: &[u8] = b"senderdesk ticket reply v1:";
const MAC_BYTES: usize = 16;

fn mac(key: &[u8], party: i64) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(CONTEXT);
    m.update(party.to_string().as_bytes());
    m
}

/// The tag of party `party`.
pub fn reply_tag(key: &[u8], party: i64) -> String {
    let code = mac(key, party).finalize().into_bytes();
    format!("{party}-{}", crate::hex(&code[..MAC_BYTES]))
}

/// The party a tag names, if the tag is one we made with `key`; the comparison is in
/// constant time. Anything else (another shape, a guessed code) is `None`.
pub fn read_reply_tag(key: &[u8], tag: &str) -> Option<i64> {
    let (party, code) = tag.split_once('-')?;
    if party.is_empty() || party.len() > 18 || !party.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let party: i64 = party.parse().ok()?;
    if code.len() != MAC_BYTES * 2 {
        return None;
    }
    let mut bytes = [0u8; MAC_BYTES];
    for (i, slot) in bytes.iter_mut().enumerate() {
        *slot = u8::from_str_radix(code.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    mac(key, party).verify_truncated_left(&bytes).ok()?;
    Some(party)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_tag_reads_back_to_its_party_and_only_with_its_key() {
        let tag = reply_tag(KEY, 42);
        assert!(tag.starts_with("42-") && tag.len() == 3 + 32, "{tag}");
        assert_eq!(read_reply_tag(KEY, &tag), Some(42));
        assert_eq!(
            read_reply_tag(KEY, &tag.to_uppercase()),
            Some(42),
            "case survives"
        );
        assert_eq!(
            read_reply_tag(b"another key of the right length!", &tag),
            None
        );
        // Another party's number with this code, a changed digit, other shapes: refused.
        assert_eq!(read_reply_tag(KEY, &tag.replacen("42-", "43-", 1)), None);
        let mut flipped = tag.clone().into_bytes();
        let last = flipped.len() - 1;
        flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
        assert_eq!(
            read_reply_tag(KEY, &String::from_utf8(flipped).unwrap()),
            None
        );
        for bad in [
            "",
            "42",
            "42-",
            "-abc",
            "x-00",
            "42-zz",
            "٤٢-00",
            &format!("{tag}0"),
        ] {
            assert_eq!(read_reply_tag(KEY, bad), None, "{bad:?}");
        }
        assert_ne!(reply_tag(KEY, 1), reply_tag(KEY, 2));
    }
}
