//! The fast path: the query every MTA sends (one A or TXT question for an IP name, maybe
//! with an EDNS OPT record) answered straight from the bytes into a reused buffer, with no
//! allocation for A queries. Anything else, or anything odd, returns `None` and goes the
//! general way ([`crate::answer::respond`]), which handles every case; a test checks that
//! both paths give the same answer.

use crate::answer::{Context, MAX_UDP_PAYLOAD, Outcome, Transport, lookup};
use crate::zone::parse_ip_labels;

const TYPE_A: u16 = 1;
const TYPE_SOA: u16 = 6;
const TYPE_TXT: u16 = 16;
const TYPE_OPT: u16 = 41;
const CLASS_IN: u16 = 1;

/// Answers `req` into `out` (cleared first) when it is a plain query; `None` otherwise.
pub fn respond_fast(ctx: &Context<'_>, req: &[u8], out: &mut Vec<u8>) -> Option<Outcome> {
    if req.len() < 17 {
        return None;
    }
    // QR=0, opcode QUERY, not truncated; one question, no answers or authorities.
    if req[2] & 0xfa != 0 || be16(req, 4) != 1 || be16(req, 6) != 0 || be16(req, 8) != 0 {
        return None;
    }
    let additional = be16(req, 10);
    if additional > 1 {
        return None;
    }

    // The question name, uncompressed, as label slices.
    let mut labels: [&[u8]; 48] = [&[]; 48];
    let mut count = 0;
    let mut pos = 12;
    loop {
        let len = usize::from(*req.get(pos)?);
        if len == 0 {
            pos += 1;
            break;
        }
        if len > 63 || count == labels.len() {
            return None;
        }
        labels[count] = req.get(pos + 1..pos + 1 + len)?;
        count += 1;
        pos += 1 + len;
    }
    let question_end = pos + 4;
    if req.len() < question_end {
        return None;
    }
    let qtype = be16(req, pos);
    if be16(req, pos + 2) != CLASS_IN || !matches!(qtype, TYPE_A | TYPE_TXT) {
        return None;
    }

    // EDNS: only a well-formed version-0 OPT record; anything else goes the general way.
    let mut edns_payload = None;
    if additional == 1 {
        let opt = req.get(question_end..)?;
        if opt.len() < 11 || opt[0] != 0 || be16(opt, 1) != TYPE_OPT || opt[6] != 0 {
            return None;
        }
        let rdlen = usize::from(be16(opt, 9));
        if opt.len() != 11 + rdlen {
            return None;
        }
        edns_payload = Some(be16(opt, 3));
    } else if req.len() != question_end {
        return None;
    }

    // In our zone, and a full IP name.
    let zone = ctx.zone;
    let apex = zone.apex_labels.len();
    if count < apex {
        return None;
    }
    let own = count - apex;
    if !labels[own..count]
        .iter()
        .zip(&zone.apex_labels)
        .all(|(a, b)| a.eq_ignore_ascii_case(b))
    {
        return None;
    }
    let ip = parse_ip_labels(&labels[..own])?;
    let found = lookup(ctx, ip);

    // The answer: header, the question copied as asked, then one record.
    out.clear();
    out.extend_from_slice(&req[0..2]);
    out.push(0x80 | 0x04 | (req[2] & 0x01)); // QR, AA, RD as asked
    out.push((req[3] & 0x10) | if found.is_some() { 0 } else { 3 }); // CD as asked; NXDOMAIN
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&u16::from(found.is_some()).to_be_bytes());
    out.extend_from_slice(&u16::from(found.is_none()).to_be_bytes());
    out.extend_from_slice(&u16::from(edns_payload.is_some()).to_be_bytes());
    out.extend_from_slice(&req[12..question_end]);
    let outcome = match found {
        Some((a, reason)) => {
            out.extend_from_slice(&[0xc0, 0x0c]); // the name: a pointer to the question
            out.extend_from_slice(&qtype.to_be_bytes());
            out.extend_from_slice(&CLASS_IN.to_be_bytes());
            out.extend_from_slice(&zone.ttl.to_be_bytes());
            if qtype == TYPE_A {
                out.extend_from_slice(&4u16.to_be_bytes());
                out.extend_from_slice(&a.octets());
            } else {
                let text = match reason {
                    Some(r) => zone.txt_for(r, ip),
                    None => zone.test_txt.clone(),
                };
                push_txt(out, text.as_bytes());
            }
            Outcome::Listed
        }
        None => {
            // The SOA owner is the zone apex, which is a suffix of the question name.
            let apex_offset = 12 + labels[..own].iter().map(|l| l.len() + 1).sum::<usize>();
            let pointer = u16::try_from(apex_offset).ok()?;
            out.extend_from_slice(&(0xc000 | pointer).to_be_bytes());
            out.extend_from_slice(&TYPE_SOA.to_be_bytes());
            out.extend_from_slice(&CLASS_IN.to_be_bytes());
            out.extend_from_slice(&zone.negative_ttl.to_be_bytes());
            let rdlen = zone.soa_names_wire.len() + 20;
            out.extend_from_slice(&(rdlen as u16).to_be_bytes());
            out.extend_from_slice(&zone.soa_names_wire);
            out.extend_from_slice(&ctx.serial.to_be_bytes());
            out.extend_from_slice(&zone.refresh.to_be_bytes());
            out.extend_from_slice(&zone.retry.to_be_bytes());
            out.extend_from_slice(&zone.expire.to_be_bytes());
            out.extend_from_slice(&zone.negative_ttl.to_be_bytes());
            Outcome::NotListed
        }
    };
    if edns_payload.is_some() {
        // OPT: root name, our buffer size, extended rcode 0, version 0, no flags, no options.
        out.extend_from_slice(&[0, 0, 41]);
        out.extend_from_slice(&MAX_UDP_PAYLOAD.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    }
    let limit = match (ctx.transport, edns_payload) {
        (Transport::Tcp, _) => usize::from(u16::MAX),
        (Transport::Udp, Some(p)) => usize::from(p.clamp(512, MAX_UDP_PAYLOAD)),
        (Transport::Udp, None) => 512,
    };
    // Too big for the client: the general path sends it truncated.
    (out.len() <= limit).then_some(outcome)
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

/// TXT RDATA: the text as character-strings of at most 255 bytes, cut on UTF-8 boundaries
/// like the general path does.
fn push_txt(out: &mut Vec<u8>, text: &[u8]) {
    let len_at = out.len();
    out.extend_from_slice(&[0, 0]);
    let mut rest = text;
    loop {
        let mut cut = rest.len().min(255);
        while cut < rest.len() && cut > 0 && (rest[cut] & 0xc0) == 0x80 {
            cut -= 1;
        }
        out.push(cut as u8);
        out.extend_from_slice(&rest[..cut]);
        rest = &rest[cut..];
        if rest.is_empty() {
            break;
        }
    }
    let rdlen = (out.len() - len_at - 2) as u16;
    out[len_at..len_at + 2].copy_from_slice(&rdlen.to_be_bytes());
}

#[cfg(test)]
mod tests {
    use domain::ReasonCatalog;
    use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query};
    use hickory_proto::rr::{Name, RecordType};
    use lookup::{Entry, IndexBuilder};

    use super::*;
    use crate::answer::{Reply, respond};
    use crate::zone::{Zone, ZoneSettings, ip_name};

    #[test]
    fn the_fast_path_answers_exactly_like_the_general_one() {
        let zone = Zone::new(
            &ZoneSettings {
                zone: "bl.example.net".into(),
                ns: vec![],
                ttl: 300,
                negative_ttl: 60,
                txt: "{reason} ({code}); delist: {delist} — ünïcode".into(),
                portal_base_url: "https://sender.example.net".into(),
            },
            &ReasonCatalog::defaults(),
        )
        .unwrap();
        let mut b = IndexBuilder::new();
        b.push("203.0.113.0/24".parse().unwrap(), Entry::new(1, 0, None));
        b.push("203.0.113.7".parse().unwrap(), Entry::new(2, 1, None));
        b.push("2001:db8::/32".parse().unwrap(), Entry::new(3, 3, None));
        let snapshot = b.build();
        let mut out = Vec::new();
        let mut fast_hits = 0;
        for transport in [Transport::Udp, Transport::Tcp] {
            let ctx = Context {
                zone: &zone,
                snapshot: &snapshot,
                serial: 9,
                now: 0,
                transport,
            };
            for ip in [
                "203.0.113.7",
                "203.0.113.9",
                "192.0.2.1",
                "127.0.0.2",
                "127.0.0.1",
                "2001:db8::1",
                "::ffff:7f00:2",
                "::1",
            ] {
                for qtype in [RecordType::A, RecordType::TXT, RecordType::MX] {
                    for (edns, upper) in [(None, false), (Some(512u16), true), (Some(4096), false)]
                    {
                        let mut name = ip_name(ip.parse().unwrap(), "bl.example.net");
                        if upper {
                            name = name.to_uppercase();
                        }
                        let mut q = Message::new(7, MessageType::Query, OpCode::Query);
                        q.metadata.recursion_desired = upper;
                        q.add_query(Query::query(
                            Name::from_ascii(format!("{name}.")).unwrap(),
                            qtype,
                        ));
                        if let Some(p) = edns {
                            let mut e = Edns::new();
                            e.set_max_payload(p);
                            q.set_edns(e);
                        }
                        let bytes = q.to_vec().unwrap();
                        let Reply::Send(general, _) = respond(&ctx, &bytes) else {
                            panic!()
                        };
                        let Some(_) = respond_fast(&ctx, &bytes, &mut out) else {
                            continue;
                        };
                        fast_hits += 1;
                        let (g, f) = (
                            Message::from_vec(&general).unwrap(),
                            Message::from_vec(&out).unwrap(),
                        );
                        let what = format!("{ip} {qtype} {edns:?} {transport:?}");
                        assert_eq!(g.metadata, f.metadata, "{what}");
                        assert_eq!(g.queries, f.queries, "{what}");
                        assert_eq!(g.answers, f.answers, "{what}");
                        assert_eq!(g.authorities, f.authorities, "{what}");
                        assert_eq!(
                            g.edns.map(|e| e.max_payload()),
                            f.edns.map(|e| e.max_payload()),
                            "{what}"
                        );
                    }
                }
            }
        }
        assert!(
            fast_hits >= 80,
            "the fast path took only {fast_hits} queries"
        );
    }

    #[test]
    fn odd_queries_are_left_to_the_general_path() {
        let zone = Zone::new(
            &ZoneSettings {
                zone: "bl.example.net".into(),
                ns: vec![],
                ttl: 300,
                negative_ttl: 60,
                txt: "{reason}".into(),
                portal_base_url: "http://x".into(),
            },
            &ReasonCatalog::defaults(),
        )
        .unwrap();
        let snapshot = IndexBuilder::new().build();
        let ctx = Context {
            zone: &zone,
            snapshot: &snapshot,
            serial: 1,
            now: 0,
            transport: Transport::Udp,
        };
        let mut out = Vec::new();
        for (name, qtype) in [
            ("bl.example.net.", RecordType::SOA),
            ("www.example.com.", RecordType::A),
            ("1.2.3.bl.example.net.", RecordType::A),
            ("4.3.2.1.bl.example.net.", RecordType::ANY),
        ] {
            let mut q = Message::new(7, MessageType::Query, OpCode::Query);
            q.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
            assert!(
                respond_fast(&ctx, &q.to_vec().unwrap(), &mut out).is_none(),
                "{name} {qtype}"
            );
        }
        for junk in [
            &[0u8; 3][..],
            &[0xff; 40],
            b"\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01",
        ] {
            assert!(respond_fast(&ctx, junk, &mut out).is_none());
        }
    }
}
