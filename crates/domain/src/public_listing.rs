//! What the public is told about an address: which listing is shown, whether its owner can
//! remove it on the portal, and in which words. The portal's lookup page, its JSON API, the
//! diagnostics page and `senderdesk diagnose` all ask [`PublicListing::find`], so they cannot
//! give an address two answers.

use time::OffsetDateTime;

use crate::{DelistRefusal, Listing, Reason, ReasonCatalog, assess_self_delist};

/// Words for the reader, and whether they are English standing in for the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    pub text: String,
    pub english_fallback: bool,
}

impl Words {
    pub(crate) fn new(text: String, english_fallback: bool) -> Words {
        Words {
            text,
            english_fallback,
        }
    }
}

/// The listing shown for an address, with its reason and the self-delist verdict.
#[derive(Clone, Copy, Debug)]
pub struct PublicListing<'a> {
    /// The most specific listing in force; a wider one behind it is not shown, but it still
    /// decides `removal` (only support removes a range).
    pub listing: &'a Listing,
    /// The listing's reason as the current catalog has it; `None` when the catalog no longer
    /// knows the slug.
    pub reason: Option<&'a Reason>,
    /// `Ok` when the owner may remove it on the portal now, else why not.
    pub removal: Result<(), DelistRefusal>,
}

impl<'a> PublicListing<'a> {
    /// `covering` is every listing whose range holds the address, in any state and any
    /// order; `recent` is how many self-delists of the address fall within the window.
    /// `None` when no listing covering it is in force at `now`.
    pub fn find(
        covering: &'a [Listing],
        recent: u32,
        max_in_window: u32,
        catalog: &'a ReasonCatalog,
        now: OffsetDateTime,
    ) -> Option<Self> {
        let listing = covering
            .iter()
            .filter(|l| l.is_effective(now))
            .max_by_key(|l| l.range.prefix_len())?;
        let removal = assess_self_delist(
            covering,
            recent,
            max_in_window,
            |slug| catalog.get(slug.as_str()).is_ok_and(|r| r.self_delist),
            now,
        )
        .map(|_| ());
        Some(PublicListing {
            listing,
            reason: catalog.get(listing.reason.as_str()).ok(),
            removal,
        })
    }

    pub fn self_removable(&self) -> bool {
        self.removal.is_ok()
    }

    /// The reason in words, in the language `tag` where the catalog has it: a shipped
    /// reason's translation (`translate` is asked for the key `reason-SLUG`; this crate knows
    /// no language), else the operator's summary in that language, else the English one,
    /// marked as such so the page can say it; a slug the catalog lost is shown as it is.
    pub fn public_reason(
        &self,
        tag: &str,
        translate: impl FnOnce(&str) -> Option<String>,
    ) -> Words {
        let slug = self.listing.reason.as_str();
        match self.reason {
            Some(reason) => reason.words(tag, translate),
            None => Words::new(slug.to_string(), false),
        }
    }

    /// The operator's own text for this listing (`list add --public-text`), shown beside the
    /// reason, never instead of it: it is written once, in English, so readers of another
    /// language are told so.
    pub fn note(&self, tag: &str) -> Option<Words> {
        let text = self.listing.public_text.as_deref()?.trim();
        (!text.is_empty()).then(|| Words::new(text.to_string(), !tag.eq_ignore_ascii_case("en")))
    }

    /// The enhanced status code of the rejection, or empty for a reason no longer known.
    pub fn smtp_code(&self) -> &'a str {
        self.reason.map_or("", |r| r.smtp_code.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ListingSource, ListingState, ReasonSlug};

    fn listing(id: i64, range: &str, reason: &str) -> Listing {
        Listing {
            id,
            range: range.parse().unwrap(),
            reason: ReasonSlug::parse(reason).unwrap(),
            note: None,
            public_text: None,
            self_delist: true,
            self_delist_count: 0,
            source: ListingSource::Operator,
            state: ListingState::Active,
            created_at: OffsetDateTime::UNIX_EPOCH,
            expires_at: None,
            changed_seq: id,
        }
    }

    #[test]
    fn the_most_specific_listing_in_force_is_shown_whatever_the_order() {
        let catalog = ReasonCatalog::defaults();
        let now = OffsetDateTime::now_utc();
        let mut old = listing(3, "192.0.2.7", "spamtrap");
        old.state = ListingState::Delisted;
        let covering = [
            listing(1, "192.0.2.0/24", "policy"),
            old,
            listing(2, "192.0.2.7", "complaints"),
        ];
        let shown = PublicListing::find(&covering, 0, 3, &catalog, now).unwrap();
        assert_eq!(shown.listing.id, 2);
        assert_eq!(shown.smtp_code(), "5.7.607");
        // The range behind it keeps the owner from removing it alone.
        assert_eq!(shown.removal, Err(DelistRefusal::CoveredByRange));
        assert!(PublicListing::find(&covering[1..2], 0, 3, &catalog, now).is_none());
    }

    #[test]
    fn a_host_listing_is_self_removable_until_the_window_is_full() {
        let catalog = ReasonCatalog::defaults();
        let now = OffsetDateTime::now_utc();
        let covering = [listing(1, "192.0.2.7", "manual")];
        let shown = PublicListing::find(&covering, 2, 3, &catalog, now).unwrap();
        assert!(shown.self_removable());
        let shown = PublicListing::find(&covering, 3, 3, &catalog, now).unwrap();
        assert_eq!(shown.removal, Err(DelistRefusal::TooMany));
        let hard = [listing(1, "192.0.2.7", "hard")];
        let shown = PublicListing::find(&hard, 0, 3, &catalog, now).unwrap();
        assert_eq!(shown.removal, Err(DelistRefusal::NotSelfRemovable));
    }

    #[test]
    fn the_reason_is_in_the_readers_language_and_the_listings_own_text_stands_beside_it() {
        let catalog = ReasonCatalog::defaults();
        let now = OffsetDateTime::now_utc();
        let mut own = listing(1, "192.0.2.7", "manual");
        own.public_text = Some("ticket 42".into());
        let covering = [own];
        let shown = PublicListing::find(&covering, 0, 3, &catalog, now).unwrap();
        let asked = shown.public_reason("it", |key| Some(format!("text of {key}")));
        assert_eq!(asked, Words::new("text of reason-manual".into(), false));
        assert_eq!(shown.note("it"), Some(Words::new("ticket 42".into(), true)));
        assert_eq!(
            shown.note("en"),
            Some(Words::new("ticket 42".into(), false))
        );
        // A translation missing everywhere: the English summary, said to be English.
        let summary = catalog.get("manual").unwrap().summary.clone();
        assert_eq!(
            shown.public_reason("it", |_| None),
            Words::new(summary, true)
        );
    }

    #[test]
    fn an_operators_reason_is_shown_in_the_language_they_wrote_else_in_english_said_so() {
        let texts = [("en", "forged bounces"), ("pt-BR", "retornos forjados")];
        let config = crate::ReasonConfig {
            smtp_code: "5.7.612".into(),
            dnsbl_a: std::net::Ipv4Addr::new(127, 0, 0, 12),
            summary: crate::ReasonText::ByLanguage(
                texts
                    .iter()
                    .map(|(t, s)| (t.to_string(), s.to_string()))
                    .collect(),
            ),
            self_delist: true,
        };
        let extra = std::collections::BTreeMap::from([("manual".to_string(), config)]);
        let catalog = ReasonCatalog::with_config(&extra).unwrap();
        let now = OffsetDateTime::now_utc();
        let covering = [listing(1, "192.0.2.7", "manual")];
        let shown = PublicListing::find(&covering, 0, 3, &catalog, now).unwrap();
        // The shipped translation of "manual" no longer fits the operator's words.
        let never = |_: &str| -> Option<String> { panic!("asked for a shipped translation") };
        let pt = shown.public_reason("pt-BR", never);
        assert_eq!(pt, Words::new("retornos forjados".into(), false));
        let it = shown.public_reason("it", never);
        assert_eq!(it, Words::new("forged bounces".into(), true));
        assert_eq!(shown.note("it"), None);
    }
}
