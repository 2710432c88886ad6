//! Any bytes as a Postfix policy connection: decoding must not panic, and bytes split at any
//! point must decode as if they came whole (TCP may cut them anywhere).
#![no_main]

use libfuzzer_sys::fuzz_target;
use policy::Decoder;

/// Everything decoded from `chunks` pushed one after the other: requests, then the error.
fn decode(chunks: &[&[u8]]) -> Vec<Result<policy::PolicyRequest, policy::ProtocolError>> {
    let mut d = Decoder::default();
    let mut out = Vec::new();
    for chunk in chunks {
        d.push(chunk);
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

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let at = usize::from(cut) * rest.len() / 256;
    let (a, b) = rest.split_at(at);
    assert_eq!(decode(&[a, b]), decode(&[rest]));
});
