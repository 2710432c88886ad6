//! Answers to queries, byte for byte through hickory's encoder and decoder.

use std::net::{IpAddr, Ipv4Addr};

use domain::ReasonCatalog;
use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{DNSClass, Name, RData, RecordType};
use lookup::{Entry, IndexBuilder, Snapshot};

use super::*;
use crate::zone::{ZoneSettings, ip_name};

const NOW: i64 = 1_800_000_000;

fn zone() -> Zone {
    Zone::new(
        &ZoneSettings {
            zone: "bl.example.net".into(),
            ns: vec![],
            ttl: 300,
            negative_ttl: 60,
            txt: "{reason} ({code}); delist: {delist}".into(),
            portal_base_url: "https://sender.example.net".into(),
        },
        &ReasonCatalog::defaults(),
    )
    .unwrap()
}

fn snapshot() -> Snapshot {
    let mut b = IndexBuilder::new();
    b.push("203.0.113.0/24".parse().unwrap(), Entry::new(1, 0, None));
    b.push("203.0.113.7".parse().unwrap(), Entry::new(2, 1, None));
    b.push(
        "198.51.100.1".parse().unwrap(),
        Entry::new(3, 5, Some(NOW - 1)),
    );
    b.push("2001:db8::/32".parse().unwrap(), Entry::new(4, 3, None));
    b.push("127.0.0.0/8".parse().unwrap(), Entry::new(5, 0, None));
    b.build()
}

fn query(name: &str, qtype: RecordType) -> Message {
    let mut m = Message::new(4242, MessageType::Query, OpCode::Query);
    m.metadata.recursion_desired = true;
    m.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    m
}

fn ask_with(msg: &Message, transport: Transport) -> Message {
    let z = zone();
    let s = snapshot();
    let ctx = Context {
        zone: &z,
        snapshot: &s,
        serial: 77,
        now: NOW,
        transport,
    };
    match respond(&ctx, &msg.to_vec().unwrap()) {
        Reply::Send(bytes, _) => Message::from_vec(&bytes).unwrap(),
        other => panic!("no answer: {other:?}"),
    }
}

fn ask(name: &str, qtype: RecordType) -> Message {
    ask_with(&query(name, qtype), Transport::Udp)
}

fn a_of(m: &Message) -> Vec<Ipv4Addr> {
    m.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::A(a) => Some(a.0),
            _ => None,
        })
        .collect()
}

fn txt_of(m: &Message) -> String {
    m.answers
        .iter()
        .filter_map(|r| match &r.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}

fn name_of(ip: &str) -> String {
    format!(
        "{}.",
        ip_name(ip.parse::<IpAddr>().unwrap(), "bl.example.net")
    )
}

#[test]
fn the_most_specific_listing_answers_with_its_reason_code_and_text() {
    let m = ask(&name_of("203.0.113.7"), RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NoError);
    assert!(m.metadata.authoritative && !m.metadata.recursion_available);
    assert!(m.metadata.recursion_desired, "RD is copied");
    assert_eq!(a_of(&m), vec![Ipv4Addr::new(127, 0, 0, 3)]);
    assert_eq!(m.answers[0].ttl, 300);
    let m = ask(&name_of("203.0.113.8"), RecordType::TXT);
    assert_eq!(
        txt_of(&m),
        "listed by our postmasters (5.7.606); delist: https://sender.example.net/delist?ip=203.0.113.8"
    );
    let m = ask(&name_of("2001:db8::25"), RecordType::A);
    assert_eq!(a_of(&m), vec![Ipv4Addr::new(127, 0, 0, 5)]);
}

#[test]
fn an_unlisted_or_expired_address_is_nxdomain_with_the_soa() {
    for ip in ["192.0.2.1", "198.51.100.1", "2001:db9::1"] {
        let m = ask(&name_of(ip), RecordType::A);
        assert_eq!(m.metadata.response_code, ResponseCode::NXDomain, "{ip}");
        assert!(m.answers.is_empty());
        let RData::SOA(soa) = &m.authorities[0].data else {
            panic!("no SOA for {ip}")
        };
        assert_eq!(soa.serial, 77);
        assert_eq!(soa.minimum, 60);
        assert_eq!(m.authorities[0].ttl, 60);
    }
}

#[test]
fn rfc5782_test_points_are_always_listed_and_localhost_never() {
    let m = ask(&name_of("127.0.0.2"), RecordType::A);
    assert_eq!(a_of(&m), vec![Ipv4Addr::new(127, 0, 0, 2)]);
    let m = ask(&name_of("::ffff:7f00:2"), RecordType::A);
    assert_eq!(a_of(&m), vec![Ipv4Addr::new(127, 0, 0, 2)]);
    let m = ask(&name_of("127.0.0.2"), RecordType::TXT);
    assert!(txt_of(&m).contains("test point"));
    // 127.0.0.0/8 is listed in the data, yet 127.0.0.1 must never be.
    let m = ask(&name_of("127.0.0.1"), RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
    let m = ask(&name_of("::1"), RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
}

#[test]
fn the_apex_has_soa_and_ns_and_any_is_answered_minimally() {
    let m = ask("bl.example.net.", RecordType::SOA);
    assert_eq!(m.answers.len(), 1);
    assert!(matches!(&m.answers[0].data, RData::SOA(s) if s.serial == 77));
    let m = ask("BL.EXAMPLE.NET.", RecordType::NS);
    assert!(matches!(&m.answers[0].data, RData::NS(ns) if ns.0.to_ascii() == "ns.bl.example.net."));
    let m = ask("bl.example.net.", RecordType::ANY);
    assert_eq!(m.answers.len(), 1);
    let m = ask(&name_of("203.0.113.7"), RecordType::ANY);
    assert_eq!(a_of(&m).len(), 1);
    assert_eq!(m.answers.len(), 1);
}

#[test]
fn names_outside_the_zone_are_refused_and_inside_ones_get_nodata_or_nxdomain() {
    let m = ask("www.example.com.", RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::Refused);
    assert!(m.answers.is_empty() && m.authorities.is_empty());
    let m = ask("113.0.203.bl.example.net.", RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NoError);
    assert!(m.answers.is_empty());
    let m = ask("mail.bl.example.net.", RecordType::A);
    assert_eq!(m.metadata.response_code, ResponseCode::NXDomain);
    let m = ask(&name_of("203.0.113.7"), RecordType::MX);
    assert_eq!(m.metadata.response_code, ResponseCode::NoError);
    assert!(m.answers.is_empty());
}

#[test]
fn edns_is_echoed_and_unknown_versions_get_badvers() {
    let mut q = query(&name_of("203.0.113.7"), RecordType::A);
    let mut edns = Edns::new();
    edns.set_max_payload(4096);
    q.set_edns(edns.clone());
    let m = ask_with(&q, Transport::Udp);
    assert_eq!(m.edns.as_ref().unwrap().max_payload(), MAX_UDP_PAYLOAD);
    edns.set_version(1);
    q.set_edns(edns);
    let m = ask_with(&q, Transport::Udp);
    // Code 16 is BADVERS in an OPT context (hickory decodes it under its TSIG name, BADSIG).
    assert_eq!(u16::from(m.metadata.response_code), 16);
    assert_eq!(m.edns.as_ref().unwrap().rcode_high(), 1);
}

#[test]
fn an_answer_too_big_for_udp_is_truncated_but_not_over_tcp() {
    let mut z = zone();
    z.reasons[1].txt = "x".repeat(700);
    let s = snapshot();
    let q = query(&name_of("203.0.113.7"), RecordType::TXT)
        .to_vec()
        .unwrap();
    let ctx = |transport| Context {
        zone: &z,
        snapshot: &s,
        serial: 1,
        now: NOW,
        transport,
    };
    let Reply::Send(bytes, outcome) = respond(&ctx(Transport::Udp), &q) else {
        panic!()
    };
    assert_eq!(outcome, Outcome::Truncated);
    let m = Message::from_vec(&bytes).unwrap();
    assert!(m.metadata.truncation && m.answers.is_empty());
    let Reply::Send(bytes, _) = respond(&ctx(Transport::Tcp), &q) else {
        panic!()
    };
    assert_eq!(txt_of(&Message::from_vec(&bytes).unwrap()).len(), 700);
}

#[test]
fn malformed_queries_get_formerr_or_are_dropped() {
    let z = zone();
    let s = snapshot();
    let ctx = Context {
        zone: &z,
        snapshot: &s,
        serial: 1,
        now: NOW,
        transport: Transport::Udp,
    };
    assert!(matches!(respond(&ctx, &[]), Reply::Drop));
    assert!(matches!(respond(&ctx, &[1, 2, 3]), Reply::Drop));
    let mut garbage = query(&name_of("203.0.113.7"), RecordType::A)
        .to_vec()
        .unwrap();
    garbage.truncate(20);
    let Reply::Send(bytes, Outcome::FormErr) = respond(&ctx, &garbage) else {
        panic!("no FORMERR")
    };
    assert_eq!(&bytes[..2], &4242u16.to_be_bytes());
    let mut two = query(&name_of("203.0.113.7"), RecordType::A);
    two.add_query(Query::query(
        Name::from_ascii("x.bl.example.net.").unwrap(),
        RecordType::A,
    ));
    let m = ask_with(&two, Transport::Udp);
    assert_eq!(m.metadata.response_code, ResponseCode::FormErr);
    let mut resp = query(&name_of("203.0.113.7"), RecordType::A);
    resp.metadata.message_type = MessageType::Response;
    assert!(matches!(
        respond(&ctx, &resp.to_vec().unwrap()),
        Reply::Drop
    ));
}

#[test]
fn other_classes_and_opcodes_are_refused_or_not_implemented() {
    let mut q = query(&name_of("203.0.113.7"), RecordType::A);
    q.queries[0].set_query_class(DNSClass::CH);
    assert_eq!(
        ask_with(&q, Transport::Udp).metadata.response_code,
        ResponseCode::Refused
    );
    let mut q = query("bl.example.net.", RecordType::SOA);
    q.metadata.op_code = OpCode::Update;
    assert_eq!(
        ask_with(&q, Transport::Udp).metadata.response_code,
        ResponseCode::NotImp
    );
    let q = query("bl.example.net.", RecordType::AXFR);
    assert_eq!(
        ask_with(&q, Transport::Udp).metadata.response_code,
        ResponseCode::FormErr
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    let z = zone();
    let s = snapshot();
    let ctx = Context {
        zone: &z,
        snapshot: &s,
        serial: 1,
        now: NOW,
        transport: Transport::Udp,
    };
    let base = query(&name_of("203.0.113.7"), RecordType::A)
        .to_vec()
        .unwrap();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut packet = base.clone();
        let flips = (x % 6) as usize;
        for k in 0..=flips {
            let pos = ((x >> (8 * k)) as usize) % packet.len();
            packet[pos] ^= (x >> (3 * k)) as u8;
        }
        packet.truncate((x as usize >> 20) % (packet.len() + 8));
        let _ = respond(&ctx, &packet);
    }
}
