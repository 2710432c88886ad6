//! The Postfix SMTPD policy delegation protocol, with no I/O: bytes in, requests out.
//!
//! A request is `name=value` lines ended by an empty line; the reply is one `action=…` line
//! and an empty line; a connection carries many requests. The decoder is incremental (bytes
//! may arrive split anywhere), bounds line length and attribute count, and never panics.

/// Longest attribute line accepted. Postfix's longest values (certificate subjects) fit.
pub const MAX_LINE: usize = 8 * 1024;
/// Most attributes in one request; Postfix 3.7 sends about 30.
pub const MAX_ATTRIBUTES: usize = 128;

/// The attributes the decision needs; the rest are read and ignored, as Postfix asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRequest {
    pub request: String,
    pub protocol_state: String,
    pub client_address: String,
    pub sender: String,
    pub recipient: String,
    pub sasl_username: String,
    pub helo_name: String,
    pub queue_id: String,
}

/// Why a connection is dropped: Postfix wants no reply then, only a log line on our side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    LineTooLong,
    TooManyAttributes,
    NotAttribute { line: String },
    NotUtf8,
    NotAPolicyRequest { request: String },
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProtocolError::LineTooLong => write!(f, "a line is longer than {MAX_LINE} bytes"),
            ProtocolError::TooManyAttributes => write!(f, "more than {MAX_ATTRIBUTES} attributes"),
            ProtocolError::NotAttribute { line } => write!(f, "{line:?} is not name=value"),
            ProtocolError::NotUtf8 => write!(f, "an attribute is not UTF-8"),
            ProtocolError::NotAPolicyRequest { request } => {
                write!(f, "request={request:?} is not smtpd_access_policy")
            }
        }
    }
}

/// Incremental decoder: `push` bytes, then take requests with `next_request` until `None`.
#[derive(Debug, Default)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Where unparsed data starts in `buf`.
    start: usize,
    current: PolicyRequest,
    attributes: usize,
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        // Drop what was consumed before growing, so a long-lived connection's buffer stays
        // as small as its largest pending request.
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        } else if self.start > 4096 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete request, `Ok(None)` when more bytes are needed. The request is
    /// lent, not moved out: its strings are reused by the next one, so a busy connection
    /// allocates nothing per request.
    pub fn next_request(&mut self) -> Result<Option<&PolicyRequest>, ProtocolError> {
        let Decoder {
            buf,
            start,
            current,
            attributes,
        } = self;
        let pending = &buf[*start..];
        let mut line_start = 0;
        while let Some(len) = find_byte(&pending[line_start..], b'\n') {
            let nl = line_start + len;
            if len > MAX_LINE {
                return Err(ProtocolError::LineTooLong);
            }
            let mut line = &pending[line_start..nl];
            line_start = nl + 1;
            *start += line.len() + 1;
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if line.is_empty() {
                if *attributes == 0 {
                    // Stray empty lines between requests carry nothing; skip them.
                    continue;
                }
                *attributes = 0;
                if current.request != "smtpd_access_policy" {
                    return Err(ProtocolError::NotAPolicyRequest {
                        request: std::mem::take(&mut current.request),
                    });
                }
                return Ok(Some(current));
            }
            if *attributes == 0 {
                current.clear();
            }
            *attributes += 1;
            if *attributes > MAX_ATTRIBUTES {
                return Err(ProtocolError::TooManyAttributes);
            }
            let Some(eq) = find_byte(line, b'=') else {
                return Err(ProtocolError::NotAttribute {
                    line: String::from_utf8_lossy(line).chars().take(80).collect(),
                });
            };
            // Most of Postfix's ~30 attributes are not needed: they are skipped as bytes,
            // and only the values kept are checked to be UTF-8.
            let slot = match &line[..eq] {
                b"request" => &mut current.request,
                b"protocol_state" => &mut current.protocol_state,
                b"client_address" => &mut current.client_address,
                b"sender" => &mut current.sender,
                b"recipient" => &mut current.recipient,
                b"sasl_username" => &mut current.sasl_username,
                b"helo_name" => &mut current.helo_name,
                b"queue_id" => &mut current.queue_id,
                _ => continue,
            };
            let value = std::str::from_utf8(&line[eq + 1..]).map_err(|_| ProtocolError::NotUtf8)?;
            // A repeated attribute counts once, with its last value.
            slot.clear();
            slot.push_str(value);
        }
        if pending.len() - line_start > MAX_LINE {
            return Err(ProtocolError::LineTooLong);
        }
        Ok(None)
    }
}

/// Where `byte` first occurs in `hay`, looked for eight bytes at a time in a `u64`.
///
/// A request is ~30 lines of ~20 bytes, each searched for its newline and its `=`: too short
/// for a SIMD search to pay for its call and setup (it was most of the decoder's time in
/// profiles), long enough that a byte at a time is slow. `x - 0x01… & !x & 0x80…` flags the
/// bytes of `x` that are zero; it may also flag a byte above a zero one, never below, so
/// the lowest flag is always right, and the lowest is all this needs.
#[inline]
fn find_byte(hay: &[u8], byte: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(byte);
    let mut words = hay.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let x = u64::from_le_bytes(eight) ^ pattern;
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == byte)
        .map(|i| at + i)
}

impl PolicyRequest {
    /// Empties every attribute, keeping the strings' memory for the next request.
    fn clear(&mut self) {
        for s in [
            &mut self.request,
            &mut self.protocol_state,
            &mut self.client_address,
            &mut self.sender,
            &mut self.recipient,
            &mut self.sasl_username,
            &mut self.helo_name,
            &mut self.queue_id,
        ] {
            s.clear();
        }
    }
}

/// The reply for one request: `action=…` and the empty line that ends it.
pub fn encode_reply(action: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(b"action=");
    // An action is one line; a newline inside would be read by Postfix as a second line.
    out.extend(
        action
            .bytes()
            .map(|b| if b == b'\n' || b == b'\r' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\n\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQUEST: &str = "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n\
        client_address=192.0.2.7\nclient_name=unknown\nhelo_name=mx.example\nsender=a@example.com\n\
        recipient=b@example.net\nsasl_username=\nccert_subject=\nunknown_future_attribute=x=y\n\n";

    #[test]
    fn a_request_split_anywhere_decodes_the_same() {
        let bytes = REQUEST.as_bytes();
        for cut in 0..bytes.len() {
            let mut d = Decoder::default();
            d.push(&bytes[..cut]);
            let first = d.next_request().unwrap().cloned();
            d.push(&bytes[cut..]);
            let req = first
                .or_else(|| d.next_request().unwrap().cloned())
                .expect("a request");
            assert_eq!(req.client_address, "192.0.2.7");
            assert_eq!(req.sender, "a@example.com");
            assert_eq!(req.protocol_state, "RCPT");
            assert_eq!(d.next_request().unwrap(), None);
        }
    }

    #[test]
    fn many_requests_on_one_connection_and_crlf_are_read() {
        let mut d = Decoder::default();
        let two = format!(
            "{REQUEST}{}",
            REQUEST
                .replace("192.0.2.7", "198.51.100.1")
                .replace('\n', "\r\n")
        );
        d.push(two.as_bytes());
        assert_eq!(
            d.next_request().unwrap().unwrap().client_address,
            "192.0.2.7"
        );
        assert_eq!(
            d.next_request().unwrap().unwrap().client_address,
            "198.51.100.1"
        );
        assert_eq!(d.next_request().unwrap(), None);
    }

    /// Everything the decoder yields for `input` pushed in `pieces`: requests or the error.
    fn decode_all(input: &[u8], cuts: &[usize]) -> Vec<Result<PolicyRequest, ProtocolError>> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().chain([&input.len()]) {
            let cut = cut.clamp(from, input.len());
            d.push(&input[from..cut]);
            from = cut;
            loop {
                match d.next_request() {
                    Ok(Some(r)) => out.push(Ok(r.clone())),
                    Ok(None) => break,
                    Err(e) => {
                        out.push(Err(e));
                        return out;
                    }
                }
            }
        }
        out
    }

    #[test]
    fn random_bytes_split_anywhere_decode_as_if_sent_whole_and_never_panic() {
        // A small xorshift generator: the same cases on every run.
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pieces: [&[u8]; 9] = [
            b"request=smtpd_access_policy\n",
            b"client_address=192.0.2.7\n",
            b"sender=a@b.example\n",
            b"sasl_username=\xff\n",
            b"x=y=z\r\n",
            b"\n",
            b"no equals\n",
            b"request=other\n",
            b"=\n",
        ];
        for _ in 0..3000 {
            let mut input = Vec::new();
            for _ in 0..next() % 12 {
                input.extend_from_slice(pieces[(next() % 9) as usize]);
            }
            let whole = decode_all(&input, &[]);
            let mut cuts: Vec<usize> = (0..next() % 6)
                .map(|_| (next() as usize) % (input.len() + 1))
                .collect();
            cuts.sort_unstable();
            assert_eq!(
                decode_all(&input, &cuts),
                whole,
                "{:?} cut at {cuts:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }

    #[test]
    fn a_request_never_keeps_attributes_of_the_one_before() {
        let mut d = Decoder::default();
        d.push(b"request=smtpd_access_policy\nsasl_username=alice\nsender=a@x.example\n\n");
        d.push(b"request=smtpd_access_policy\nsender=b@x.example\nsender=c@x.example\n\n");
        assert_eq!(d.next_request().unwrap().unwrap().sasl_username, "alice");
        let second = d.next_request().unwrap().unwrap();
        assert_eq!(second.sasl_username, "", "not alice's any more");
        assert_eq!(
            second.sender, "c@x.example",
            "a repeated attribute: the last value"
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        for (input, want) in [
            (
                "request=smtpd_access_policy\nno equals sign\n\n",
                "not name=value",
            ),
            ("request=other\n\n", "not smtpd_access_policy"),
            ("client_address=1.2.3.4\n\n", "not smtpd_access_policy"),
        ] {
            let mut d = Decoder::default();
            d.push(input.as_bytes());
            let err = d.next_request().unwrap_err().to_string();
            assert!(err.contains(want), "{input:?}: {err}");
        }
        let mut d = Decoder::default();
        d.push(&vec![b'a'; MAX_LINE + 10]);
        assert_eq!(d.next_request().unwrap_err(), ProtocolError::LineTooLong);
        let mut d = Decoder::default();
        d.push("x=1\n".repeat(MAX_ATTRIBUTES + 1).as_bytes());
        assert_eq!(
            d.next_request().unwrap_err(),
            ProtocolError::TooManyAttributes
        );
        let mut d = Decoder::default();
        d.push(b"request=\xff\xfe\n\n");
        assert_eq!(d.next_request().unwrap_err(), ProtocolError::NotUtf8);
    }

    #[test]
    fn find_byte_agrees_with_a_plain_search_everywhere() {
        // Every length up to three words and every position of the byte, with bytes around
        // it that trip a sloppier zero-byte test (0x01 and 0x80 next to the match).
        for len in 0..24 {
            for fill in [b'a', 0x01, 0x80, 0x0b, 0xff] {
                let mut hay = vec![fill; len];
                assert_eq!(find_byte(&hay, b'\n'), None);
                for at in 0..len {
                    hay.fill(fill);
                    hay[at] = b'\n';
                    if at + 1 < len {
                        hay[at + 1] = b'\n';
                    }
                    assert_eq!(find_byte(&hay, b'\n'), Some(at), "{hay:?}");
                }
            }
        }
    }

    #[test]
    fn replies_are_one_line_and_an_empty_line() {
        let mut out = Vec::new();
        encode_reply("550 5.1.8 Access denied\r\nX", &mut out);
        assert_eq!(out, b"action=550 5.1.8 Access denied  X\n\n");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..2000 {
            let mut d = Decoder::default();
            let mut bytes = REQUEST.as_bytes().to_vec();
            for _ in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let i = (x as usize) % bytes.len();
                bytes[i] = (x >> 32) as u8;
            }
            d.push(&bytes);
            while let Ok(Some(_)) = d.next_request() {}
        }
    }
}
