//! Any bytes as a DNS query: neither answer path may panic, and when the fast path answers,
//! its answer must parse.
#![no_main]

use std::sync::OnceLock;

use dnsbl::{Context, Transport, Zone, ZoneSettings};
use domain::ReasonCatalog;
use libfuzzer_sys::fuzz_target;
use lookup::{Entry, IndexBuilder, Snapshot};

fn fixture() -> &'static (Zone, Snapshot) {
    static F: OnceLock<(Zone, Snapshot)> = OnceLock::new();
    F.get_or_init(|| {
        let zone = Zone::new(
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
        .expect("valid zone");
        let mut b = IndexBuilder::new();
        b.push("203.0.113.0/24".parse().unwrap(), Entry::new(1, 0, None));
        b.push("203.0.113.7".parse().unwrap(), Entry::new(2, 1, None));
        b.push("2001:db8::/32".parse().unwrap(), Entry::new(3, 3, None));
        (zone, b.build())
    })
}

fuzz_target!(|data: &[u8]| {
    let (zone, snapshot) = fixture();
    for transport in [Transport::Udp, Transport::Tcp] {
        let ctx = Context { zone, snapshot, serial: 1, now: 0, transport };
        let _ = dnsbl::respond(&ctx, data);
        let mut out = Vec::new();
        if dnsbl::fast::respond_fast(&ctx, data, &mut out).is_some() {
            assert!(out.len() >= 12);
        }
    }
});
