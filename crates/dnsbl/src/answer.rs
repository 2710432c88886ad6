//! The answer to one DNS query, with no I/O: bytes in, bytes out. The server loops and the
//! tests share this, and the fuzz target drives it directly.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use hickory_proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::rdata::{A, NS, SOA, TXT};
use hickory_proto::rr::{DNSClass, RData, Record, RecordType};
use lookup::Snapshot;

use crate::zone::{Target, Zone};

/// The largest UDP answer we send; the EDNS buffer size everybody agreed on in 2020
/// (DNS flag day) to avoid IP fragmentation.
pub const MAX_UDP_PAYLOAD: u16 = 1232;

/// RFC 5782's test entries: always listed, so clients can check a list works.
pub const TEST_V4: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 2);
pub const TEST_V6: Ipv6Addr = Ipv6Addr::new(0, 0, 0, 0, 0, 0xffff, 0x7f00, 2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Udp,
    Tcp,
}

/// What happened, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Listed,
    NotListed,
    NoData,
    Apex,
    Refused,
    FormErr,
    NotImp,
    Truncated,
}

#[derive(Debug)]
pub enum Reply {
    Send(Vec<u8>, Outcome),
    /// A zone transfer request (TCP only); the server checks the ACL and streams it.
    Transfer(Box<Message>),
    /// Not a query we answer at all (a response, garbage shorter than a header).
    Drop,
}

/// What a query needs besides its bytes.
pub struct Context<'a> {
    pub zone: &'a Zone,
    pub snapshot: &'a Snapshot,
    pub serial: u32,
    /// Unix seconds; listings past their expiry are not answered.
    pub now: i64,
    pub transport: Transport,
}

pub fn respond(ctx: &Context<'_>, request: &[u8]) -> Reply {
    let msg = match Message::from_vec(request) {
        Ok(m) => m,
        Err(_) => return formerr_from_header(request),
    };
    if msg.metadata.message_type != MessageType::Query {
        return Reply::Drop;
    }
    let mut resp = Message::response(msg.metadata.id, msg.metadata.op_code);
    resp.metadata.recursion_desired = msg.metadata.recursion_desired;
    resp.metadata.recursion_available = false;
    resp.metadata.checking_disabled = msg.metadata.checking_disabled;
    resp.add_queries(msg.queries.iter().cloned());

    let limit = match (&msg.edns, ctx.transport) {
        (_, Transport::Tcp) => u16::MAX,
        (Some(edns), Transport::Udp) => edns.max_payload().clamp(512, MAX_UDP_PAYLOAD),
        (None, Transport::Udp) => 512,
    };
    if let Some(edns) = &msg.edns {
        let mut ours = Edns::new();
        ours.set_max_payload(MAX_UDP_PAYLOAD);
        ours.set_version(0);
        resp.set_edns(ours);
        if edns.version() > 0 {
            resp.metadata.response_code = ResponseCode::BADVERS;
            return finish(resp, limit, Outcome::FormErr);
        }
    }
    if msg.metadata.op_code != OpCode::Query {
        resp.metadata.response_code = ResponseCode::NotImp;
        return finish(resp, limit, Outcome::NotImp);
    }
    let [query] = msg.queries.as_slice() else {
        resp.metadata.response_code = ResponseCode::FormErr;
        return finish(resp, limit, Outcome::FormErr);
    };
    if !matches!(query.query_class(), DNSClass::IN | DNSClass::ANY) {
        resp.metadata.response_code = ResponseCode::Refused;
        return finish(resp, limit, Outcome::Refused);
    }
    let qtype = query.query_type();
    if matches!(qtype, RecordType::AXFR | RecordType::IXFR) {
        if ctx.transport == Transport::Tcp && ctx.zone.target(query.name()) == Target::Apex {
            return Reply::Transfer(Box::new(msg));
        }
        resp.metadata.response_code = if ctx.transport == Transport::Udp {
            ResponseCode::FormErr
        } else {
            ResponseCode::Refused
        };
        return finish(resp, limit, Outcome::Refused);
    }
    let outcome = answer_query(ctx, query, &mut resp);
    finish(resp, limit, outcome)
}

fn answer_query(ctx: &Context<'_>, query: &Query, resp: &mut Message) -> Outcome {
    let zone = ctx.zone;
    let name = query.name().clone();
    let qtype = query.query_type();
    match zone.target(&name) {
        Target::Outside => {
            resp.metadata.response_code = ResponseCode::Refused;
            Outcome::Refused
        }
        Target::Apex => {
            resp.metadata.authoritative = true;
            match qtype {
                // RFC 8482: answer ANY with one RRset rather than everything.
                RecordType::SOA | RecordType::ANY => {
                    resp.add_answer(soa(ctx, zone.ttl));
                }
                RecordType::NS => {
                    for ns in &zone.ns {
                        resp.add_answer(Record::from_rdata(
                            zone.apex.clone(),
                            zone.ttl,
                            RData::NS(NS(ns.clone())),
                        ));
                    }
                }
                _ => {
                    resp.add_authority(soa(ctx, zone.negative_ttl));
                    return Outcome::NoData;
                }
            }
            Outcome::Apex
        }
        Target::Intermediate => {
            resp.metadata.authoritative = true;
            resp.add_authority(soa(ctx, zone.negative_ttl));
            Outcome::NoData
        }
        Target::Absent => nxdomain(ctx, resp),
        Target::Ip(ip) => {
            resp.metadata.authoritative = true;
            let Some((a, txt)) = listed(ctx, ip) else {
                return nxdomain(ctx, resp);
            };
            match qtype {
                RecordType::A | RecordType::ANY => {
                    resp.add_answer(Record::from_rdata(name, zone.ttl, RData::A(A(a))));
                }
                RecordType::TXT => {
                    resp.add_answer(Record::from_rdata(
                        name,
                        zone.ttl,
                        RData::TXT(txt_rdata(&txt)),
                    ));
                }
                _ => {
                    resp.add_authority(soa(ctx, zone.negative_ttl));
                    return Outcome::NoData;
                }
            }
            Outcome::Listed
        }
    }
}

/// The A value and TXT text when `ip` is listed (or is a test point), `None` otherwise.
fn listed(ctx: &Context<'_>, ip: IpAddr) -> Option<(Ipv4Addr, String)> {
    let (a, reason) = lookup(ctx, ip)?;
    let txt = match reason {
        Some(r) => ctx.zone.txt_for(r, ip),
        None => ctx.zone.test_txt.clone(),
    };
    Some((a, txt))
}

/// The A value and reason index when `ip` is listed; the reason is `None` for the RFC 5782
/// test points. Shared by both answer paths so they can never disagree.
pub(crate) fn lookup(ctx: &Context<'_>, ip: IpAddr) -> Option<(Ipv4Addr, Option<u16>)> {
    match ip {
        IpAddr::V4(v4) if v4 == TEST_V4 => return Some((TEST_V4, None)),
        IpAddr::V6(v6) if v6 == TEST_V6 => return Some((TEST_V4, None)),
        // RFC 5782: 127.0.0.1 and ::1 must never be listed, whatever the data says, so that
        // clients can detect a list that has gone wrong and lists everything.
        IpAddr::V4(v4) if v4 == Ipv4Addr::LOCALHOST => return None,
        IpAddr::V6(v6) if v6 == Ipv6Addr::LOCALHOST => return None,
        _ => {}
    }
    let hit = ctx.snapshot.most_specific(ip, ctx.now)?;
    let reason = hit.entry.reason();
    Some((ctx.zone.a_for(reason), Some(reason)))
}

fn nxdomain(ctx: &Context<'_>, resp: &mut Message) -> Outcome {
    resp.metadata.authoritative = true;
    resp.metadata.response_code = ResponseCode::NXDomain;
    resp.add_authority(soa(ctx, ctx.zone.negative_ttl));
    Outcome::NotListed
}

pub(crate) fn soa(ctx: &Context<'_>, ttl: u32) -> Record {
    let z = ctx.zone;
    Record::from_rdata(
        z.apex.clone(),
        ttl,
        RData::SOA(SOA::new(
            z.ns[0].clone(),
            z.hostmaster.clone(),
            ctx.serial,
            z.refresh,
            z.retry,
            z.expire,
            z.negative_ttl,
        )),
    )
}

/// TXT strings are at most 255 bytes each; longer text is split on character boundaries.
pub(crate) fn txt_rdata(text: &str) -> TXT {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > 255 {
        let mut cut = 255;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        parts.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    parts.push(rest.to_string());
    TXT::new(parts)
}

/// Encodes, or when the answer does not fit the client's UDP buffer, sends the header and
/// question with TC set so the client retries over TCP.
fn finish(resp: Message, limit: u16, outcome: Outcome) -> Reply {
    match resp.to_vec() {
        Ok(bytes) if bytes.len() <= usize::from(limit) => Reply::Send(bytes, outcome),
        Ok(_) => match resp.truncate().to_vec() {
            Ok(bytes) => Reply::Send(bytes, Outcome::Truncated),
            Err(_) => Reply::Drop,
        },
        Err(_) => Reply::Drop,
    }
}

/// A request we cannot parse but whose header we can read gets FORMERR with its id and
/// opcode; anything shorter than a header is dropped.
fn formerr_from_header(request: &[u8]) -> Reply {
    if request.len() < 12 || request[2] & 0x80 != 0 {
        return Reply::Drop;
    }
    let id = u16::from_be_bytes([request[0], request[1]]);
    let op_code = OpCode::from_u8((request[2] >> 3) & 0x0f);
    let mut resp = Message::response(id, op_code);
    resp.metadata.response_code = ResponseCode::FormErr;
    match resp.to_vec() {
        Ok(bytes) => Reply::Send(bytes, Outcome::FormErr),
        Err(_) => Reply::Drop,
    }
}

#[cfg(test)]
#[path = "answer_tests.rs"]
mod tests;
