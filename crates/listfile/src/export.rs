//! Writing listings out: plain, rbldnsd and JSON stream one listing at a time; the BIND zone
//! is collected and written by `finish` because wildcards depend on every listing.

use std::io::{self, BufWriter, Write};
use std::net::Ipv4Addr;

use domain::{Listing, ReasonCatalog};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::bind::ZoneBuilder;
use crate::{ExportFormat, Family};

/// What an export needs besides the listings.
#[derive(Clone, Debug)]
pub struct ExportContext<'a> {
    pub catalog: &'a ReasonCatalog,
    /// The DNSBL zone, e.g. `bl.senderdesk.localhost` (a trailing dot is accepted).
    pub zone: String,
    /// The store's change sequence; becomes the SOA serial (modulo 2^32, as DNS serials wrap).
    pub serial: i64,
    /// Where senders delist themselves, e.g. `http://127.0.0.1:8080`.
    pub portal_base_url: String,
    pub family: Family,
    pub generated_at: OffsetDateTime,
}

/// Writes one export. Call [`Exporter::begin`] (optional: the first listing or `finish` calls
/// it), [`Exporter::listing`] for each listing, then [`Exporter::finish`] to get the writer
/// back. Output is buffered internally, so a plain `File` is fine as the writer.
///
/// Every listing given is written (if of the chosen family): choosing which ones (say, only
/// effective listings for a DNS zone) is the caller's decision.
pub struct Exporter<'a, W: Write> {
    format: ExportFormat,
    ctx: ExportContext<'a>,
    out: BufWriter<W>,
    begun: bool,
    count: usize,
    zone: ZoneBuilder,
}

impl<'a, W: Write> Exporter<'a, W> {
    pub fn new(format: ExportFormat, ctx: ExportContext<'a>, writer: W) -> Self {
        Exporter {
            format,
            ctx,
            out: BufWriter::with_capacity(64 * 1024, writer),
            begun: false,
            count: 0,
            zone: ZoneBuilder::default(),
        }
    }

    /// Writes the header. Refuses a zone or portal URL that would corrupt the file.
    pub fn begin(&mut self) -> io::Result<()> {
        if self.begun {
            return Ok(());
        }
        // Checked on every call until it passes, so a refused context never writes anything.
        let needs_dns = matches!(self.format, ExportFormat::Rbldnsd | ExportFormat::Bind);
        if needs_dns {
            check_zone(&self.ctx.zone)?;
            check_url(&self.ctx.portal_base_url)?;
        }
        let ctx = &self.ctx;
        let zone = zone_name(&ctx.zone);
        let generated = rfc3339(ctx.generated_at)?;
        self.begun = true;
        let (serial, soa_serial) = (ctx.serial, dns_serial(ctx.serial));
        let family = ctx.family;
        match self.format {
            ExportFormat::Plain => writeln!(
                self.out,
                "# senderdesk export of {zone}, serial {serial}, family {family}, generated \
                 {generated}\n# one IP or CIDR per line"
            ),
            ExportFormat::Rbldnsd => writeln!(
                self.out,
                "# senderdesk export of {zone}, serial {serial}, family {family}, generated \
                 {generated}\n\
                 # rbldnsd loads IPv4 data as an ip4set dataset and IPv6 data as an ip6trie \
                 dataset,\n# so export one family per file, e.g. \
                 rbldnsd ... {zone}:ip4set:v4.txt {zone}:ip6trie:v6.txt\n\
                 $SOA 3600 ns.{zone}. hostmaster.{zone}. {soa_serial} 3600 600 86400 60\n\
                 $NS 3600 ns.{zone}."
            ),
            ExportFormat::Json => self.out.write_all(b"["),
            // The zone header is written by `finish`, with the records.
            ExportFormat::Bind => Ok(()),
        }
    }

    /// Writes (or, for BIND, collects) one listing; listings of the other family are skipped.
    pub fn listing(&mut self, l: &Listing) -> io::Result<()> {
        self.begin()?;
        if !self.ctx.family.includes(l.range.is_ipv4()) {
            return Ok(());
        }
        match self.format {
            ExportFormat::Plain => writeln!(self.out, "{}", l.range)?,
            ExportFormat::Rbldnsd => {
                let (a, text) = answer(self.ctx.catalog, l)?;
                let base = portal(&self.ctx.portal_base_url);
                // rbldnsd replaces `$` with the queried address.
                writeln!(
                    self.out,
                    "{} :{a}:{text} - delist: {base}/delist?ip=$",
                    l.range
                )?;
            }
            ExportFormat::Json => {
                self.out
                    .write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, &json_listing(l)?)?;
            }
            ExportFormat::Bind => {
                let (a, text) = answer(self.ctx.catalog, l)?;
                let base = portal(&self.ctx.portal_base_url);
                self.zone
                    .add(l.range, a, &format!("{text} - delist: {base}/delist?ip="));
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Listings written so far (after the family filter).
    pub fn count(&self) -> usize {
        self.count
    }

    /// Writes what remains (the whole zone for BIND), flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.begin()?;
        match self.format {
            ExportFormat::Json => self.out.write_all(b"\n]\n")?,
            ExportFormat::Bind => {
                let zone = std::mem::take(&mut self.zone);
                zone.write(&mut self.out, &self.ctx)?;
            }
            ExportFormat::Plain | ExportFormat::Rbldnsd => {}
        }
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// The A record and public text of a listing. A listing whose reason left the catalog is an
/// error rather than a guess: answering with the wrong code misinforms every receiver.
pub(crate) fn answer(catalog: &ReasonCatalog, l: &Listing) -> io::Result<(Ipv4Addr, String)> {
    let reason = catalog.get(l.reason.as_str()).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("listing {} ({}): {e}", l.id, l.range),
        )
    })?;
    let text = match l.public_text.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t,
        _ => reason.summary.as_str(),
    };
    // One listing is one line in rbldnsd data: line breaks and other controls become spaces.
    let text = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    Ok((reason.dnsbl_a, text))
}

pub(crate) fn zone_name(zone: &str) -> &str {
    zone.strip_suffix('.').unwrap_or(zone)
}

pub(crate) fn portal(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// DNS serials are 32-bit and compared with wrap-around (RFC 1982), so the change sequence
/// is reduced modulo 2^32 rather than refused once it grows past it.
pub(crate) fn dns_serial(serial: i64) -> i64 {
    serial.rem_euclid(1 << 32)
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> io::Result<String> {
    t.format(&Rfc3339)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn check_zone(zone: &str) -> io::Result<()> {
    let name = zone_name(zone);
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.is_empty() || name.len() > 253 || !name.split('.').all(label_ok) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("zone {zone:?} is not a DNS name (like bl.example.org)"),
        ));
    }
    Ok(())
}

fn check_url(url: &str) -> io::Result<()> {
    if url.is_empty()
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("portal URL {url:?} is empty or has spaces, quotes or control characters"),
        ));
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct JsonListing<'l> {
    id: i64,
    range: &'l domain::IpRange,
    reason: &'l str,
    public_text: Option<&'l str>,
    note: Option<&'l str>,
    source: &'static str,
    state: &'static str,
    created_at: String,
    expires_at: Option<String>,
    self_delist: bool,
    self_delist_count: u32,
}

fn json_listing(l: &Listing) -> io::Result<JsonListing<'_>> {
    Ok(JsonListing {
        id: l.id,
        range: &l.range,
        reason: l.reason.as_str(),
        public_text: l.public_text.as_deref(),
        note: l.note.as_deref(),
        source: l.source.as_str(),
        state: l.state.as_str(),
        created_at: rfc3339(l.created_at)?,
        expires_at: l.expires_at.map(rfc3339).transpose()?,
        self_delist: l.self_delist,
        self_delist_count: l.self_delist_count,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{ImportFormat, parse};
    use domain::{IpRange, ListingSource, ListingState, ReasonSlug};
    use time::macros::datetime;

    pub(crate) fn listing(id: i64, range: &str, reason: &str) -> Listing {
        Listing {
            id,
            range: range.parse::<IpRange>().unwrap(),
            reason: ReasonSlug::parse(reason).unwrap(),
            public_text: None,
            note: None,
            source: ListingSource::Operator,
            state: ListingState::Active,
            created_at: datetime!(2025-01-02 03:04:05 UTC),
            expires_at: None,
            self_delist: true,
            self_delist_count: 0,
            changed_seq: id,
        }
    }

    pub(crate) fn context(catalog: &ReasonCatalog, family: Family) -> ExportContext<'_> {
        ExportContext {
            catalog,
            zone: "bl.senderdesk.localhost".into(),
            serial: 42,
            portal_base_url: "http://127.0.0.1:8080/".into(),
            family,
            generated_at: datetime!(2025-06-01 12:00:00 UTC),
        }
    }

    pub(crate) fn export(format: ExportFormat, family: Family, listings: &[Listing]) -> String {
        export_with(
            format,
            &context(&ReasonCatalog::defaults(), family),
            listings,
        )
    }

    pub(crate) fn export_with(
        format: ExportFormat,
        ctx: &ExportContext<'_>,
        listings: &[Listing],
    ) -> String {
        let mut ex = Exporter::new(format, ctx.clone(), Vec::new());
        ex.begin().unwrap();
        for l in listings {
            ex.listing(l).unwrap();
        }
        String::from_utf8(ex.finish().unwrap()).unwrap()
    }

    fn sample() -> Vec<Listing> {
        let mut with_text = listing(2, "198.51.100.0/24", "spamtrap");
        with_text.public_text = Some("trap hits\nfrom this network".into());
        vec![
            listing(1, "192.0.2.1", "manual"),
            with_text,
            listing(3, "2001:db8::/32", "hard"),
        ]
    }

    #[test]
    fn plain_export_is_a_commented_list_of_ranges() {
        let out = export(ExportFormat::Plain, Family::All, &sample());
        assert_eq!(
            out,
            "# senderdesk export of bl.senderdesk.localhost, serial 42, family all, generated \
             2025-06-01T12:00:00Z\n# one IP or CIDR per line\n\
             192.0.2.1\n198.51.100.0/24\n2001:db8::/32\n"
        );
    }

    #[test]
    fn plain_export_re_imports_to_the_same_ranges() {
        let out = export(ExportFormat::Plain, Family::All, &sample());
        let p = parse(
            ImportFormat::Plain,
            out.as_bytes(),
            &ReasonCatalog::defaults(),
        );
        assert!(p.bad.is_empty());
        let got: Vec<IpRange> = p.entries.iter().map(|e| e.range).collect();
        let want: Vec<IpRange> = sample().iter().map(|l| l.range).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn rbldnsd_export_has_soa_ns_and_one_value_per_listing() {
        let out = export(ExportFormat::Rbldnsd, Family::V4, &sample());
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[1].contains("ip4set") && lines[1].contains("ip6trie"),
            "{out}"
        );
        assert_eq!(
            &lines[3..],
            [
                "$SOA 3600 ns.bl.senderdesk.localhost. hostmaster.bl.senderdesk.localhost. 42 \
                 3600 600 86400 60",
                "$NS 3600 ns.bl.senderdesk.localhost.",
                "192.0.2.1 :127.0.0.2:listed by our postmasters - delist: \
                 http://127.0.0.1:8080/delist?ip=$",
                "198.51.100.0/24 :127.0.0.4:trap hits from this network - delist: \
                 http://127.0.0.1:8080/delist?ip=$",
            ]
        );
    }

    #[test]
    fn rbldnsd_export_re_imports_to_the_same_ranges_and_reasons() {
        let listings = sample();
        let out = export(ExportFormat::Rbldnsd, Family::All, &listings);
        let p = parse(
            ImportFormat::Rbldnsd,
            out.as_bytes(),
            &ReasonCatalog::defaults(),
        );
        assert!(p.bad.is_empty(), "{:?}", p.bad);
        let got: Vec<(IpRange, Option<ReasonSlug>)> = p
            .entries
            .iter()
            .map(|e| (e.range, e.reason.clone()))
            .collect();
        let want: Vec<(IpRange, Option<ReasonSlug>)> = listings
            .iter()
            .map(|l| (l.range, Some(l.reason.clone())))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_family_filter_skips_the_other_family_and_is_not_counted() {
        let ctx_catalog = ReasonCatalog::defaults();
        let mut ex = Exporter::new(
            ExportFormat::Plain,
            context(&ctx_catalog, Family::V6),
            Vec::new(),
        );
        for l in sample() {
            ex.listing(&l).unwrap();
        }
        assert_eq!(ex.count(), 1);
        let out = String::from_utf8(ex.finish().unwrap()).unwrap();
        assert!(out.ends_with("\n2001:db8::/32\n"), "{out}");
        assert!(!out.contains("192.0.2.1"), "{out}");
    }

    #[test]
    fn json_export_is_one_object_per_line_and_valid_even_when_empty() {
        assert_eq!(export(ExportFormat::Json, Family::All, &[]), "[\n]\n");
        let empty: serde_json::Value =
            serde_json::from_str(&export(ExportFormat::Json, Family::All, &[])).unwrap();
        assert_eq!(empty, serde_json::json!([]));

        let mut listings = sample();
        listings[0].note = Some("ticket 7".into());
        listings[0].expires_at = Some(datetime!(2025-07-01 00:00:00 UTC));
        listings[0].state = ListingState::Delisted;
        let out = export(ExportFormat::Json, Family::All, &listings);
        assert_eq!(out.lines().count(), 5, "{out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v[0],
            serde_json::json!({
                "id": 1, "range": "192.0.2.1", "reason": "manual", "public_text": null,
                "note": "ticket 7", "source": "operator", "state": "delisted",
                "created_at": "2025-01-02T03:04:05Z", "expires_at": "2025-07-01T00:00:00Z",
                "self_delist": true, "self_delist_count": 0
            })
        );
        assert_eq!(v[1]["public_text"], "trap hits\nfrom this network");
        assert_eq!(v[2]["range"], "2001:db8::/32");
        assert_eq!(v[2]["expires_at"], serde_json::Value::Null);
    }

    #[test]
    fn a_listing_whose_reason_left_the_catalog_is_an_error_not_a_guess() {
        let catalog = ReasonCatalog::defaults();
        let mut ex = Exporter::new(
            ExportFormat::Rbldnsd,
            context(&catalog, Family::All),
            Vec::new(),
        );
        let err = ex.listing(&listing(9, "192.0.2.1", "retired")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains("listing 9 (192.0.2.1)"), "{err}");
        assert!(
            err.to_string().contains("unknown reason \"retired\""),
            "{err}"
        );
    }

    #[test]
    fn a_zone_or_url_that_would_corrupt_the_file_is_refused() {
        let catalog = ReasonCatalog::defaults();
        for (zone, url) in [
            ("bl example", "http://x"),
            ("bl..example", "http://x"),
            ("", "http://x"),
            ("bl.example", "http://x\n$NS evil."),
            ("bl.example", ""),
        ] {
            let mut ctx = context(&catalog, Family::All);
            ctx.zone = zone.into();
            ctx.portal_base_url = url.into();
            for format in [ExportFormat::Rbldnsd, ExportFormat::Bind] {
                let mut ex = Exporter::new(format, ctx.clone(), Vec::new());
                assert_eq!(ex.begin().unwrap_err().kind(), io::ErrorKind::InvalidInput);
                let again = ex.listing(&listing(1, "192.0.2.1", "manual"));
                assert_eq!(again.unwrap_err().kind(), io::ErrorKind::InvalidInput);
            }
        }
        let mut ctx = context(&catalog, Family::All);
        ctx.zone = "bl.example.".into();
        assert!(
            Exporter::new(ExportFormat::Bind, ctx, Vec::new())
                .begin()
                .is_ok()
        );
    }

    #[test]
    fn serials_wrap_like_dns_serials() {
        assert_eq!(dns_serial(42), 42);
        assert_eq!(dns_serial((1 << 32) + 5), 5);
        assert_eq!(dns_serial(-1), (1 << 32) - 1);
    }
}
