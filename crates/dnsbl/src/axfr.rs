//! Zone transfer (AXFR, RFC 5936) as many DNS messages: SOA, every record, SOA again.
//!
//! A DNSBL zone of a million entries is megabytes, far beyond one 64 KiB message, so records
//! are packed into messages of at most [`MESSAGE_BUDGET`] bytes. Networks are laid out as
//! wildcards and expanded names exactly like the BIND export (the `listfile` crate), so a
//! secondary answers every address as we do.

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::rdata::NS;
use hickory_proto::rr::{Name, RData, Record};
use listfile::{Family, ZoneBuilder};

use crate::answer::{Context, soa, txt_rdata};

/// Target size of one transfer message; well under the 65 535-byte TCP limit so a message
/// never has to be split after encoding.
pub const MESSAGE_BUDGET: usize = 16 * 1024;

/// Builds the transfer and hands each encoded message to `send` (which may block: this runs
/// on a blocking thread and feeds the connection through a channel). Returns the number of
/// records sent, or the first error `send` returned.
pub fn transfer<E>(
    ctx: &Context<'_>,
    request: &Message,
    mut send: impl FnMut(Vec<u8>) -> Result<(), E>,
) -> Result<usize, E> {
    let zone = ctx.zone;
    let mut builder = ZoneBuilder::default();
    let mut reasons = Vec::new();
    for hit in ctx.snapshot.iter() {
        if hit.entry.is_live(ctx.now) {
            builder.add(hit.range, zone.a_for(hit.entry.reason()), "");
            reasons.push(hit.entry.reason());
        }
    }
    let query = request.queries.first().cloned();
    let mut packer = Packer::new(request.metadata.id, query);
    let soa_record = soa(ctx, zone.ttl);
    packer.push(soa_record.clone(), &mut send)?;
    for ns in &zone.ns {
        packer.push(
            Record::from_rdata(zone.apex.clone(), zone.ttl, RData::NS(NS(ns.clone()))),
            &mut send,
        )?;
    }
    let mut error = None;
    builder.for_each_record(Family::All, |r| {
        if error.is_some() {
            return;
        }
        let Ok(rel) = Name::from_ascii(r.name) else {
            return;
        };
        let Ok(name) = rel.append_domain(&zone.apex) else {
            return;
        };
        let text = match r.source {
            None => zone.test_txt.clone(),
            Some(i) => zone.txt_for(reasons[i], r.ip_text),
        };
        let a = Record::from_rdata(name.clone(), zone.ttl, RData::A(r.a.into()));
        let txt = Record::from_rdata(name, zone.ttl, RData::TXT(txt_rdata(&text)));
        if let Err(e) = packer
            .push(a, &mut send)
            .and_then(|()| packer.push(txt, &mut send))
        {
            error = Some(e);
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    packer.push(soa_record, &mut send)?;
    packer.flush(&mut send)?;
    Ok(packer.records)
}

struct Packer {
    id: u16,
    query: Option<Query>,
    current: Message,
    size: usize,
    records: usize,
    first: bool,
}

impl Packer {
    fn new(id: u16, query: Option<Query>) -> Packer {
        let mut p = Packer {
            id,
            query,
            current: Message::new(id, MessageType::Response, OpCode::Query),
            size: 12,
            records: 0,
            first: true,
        };
        p.reset();
        p
    }

    fn reset(&mut self) {
        let mut m = Message::new(self.id, MessageType::Response, OpCode::Query);
        m.metadata.authoritative = true;
        // RFC 5936 2.2.1: the question appears in the first message only.
        if self.first
            && let Some(q) = &self.query
        {
            m.add_query(q.clone());
        }
        self.current = m;
        self.size = 12 + 64;
    }

    fn push<E>(
        &mut self,
        record: Record,
        send: &mut impl FnMut(Vec<u8>) -> Result<(), E>,
    ) -> Result<(), E> {
        // A generous estimate (no name compression counted) keeps messages under budget.
        let estimate = record.name.len() + 12 + estimate_rdata(&record.data);
        if self.size + estimate > MESSAGE_BUDGET && !self.current.answers.is_empty() {
            self.flush(send)?;
        }
        self.size += estimate;
        self.records += 1;
        self.current.add_answer(record);
        Ok(())
    }

    fn flush<E>(&mut self, send: &mut impl FnMut(Vec<u8>) -> Result<(), E>) -> Result<(), E> {
        if self.current.answers.is_empty() {
            return Ok(());
        }
        if let Ok(bytes) = self.current.to_vec() {
            send(bytes)?;
        }
        self.first = false;
        self.reset();
        Ok(())
    }
}

fn estimate_rdata(data: &RData) -> usize {
    match data {
        RData::A(_) => 4,
        RData::TXT(t) => t.txt_data.iter().map(|s| s.len() + 1).sum(),
        RData::SOA(_) | RData::NS(_) => 512,
        _ => 512,
    }
}
