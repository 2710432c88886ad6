//! What the public is told about an address: which listing is shown, whether its owner can
//! remove it on the portal, and in which words. The portal's lookup page, its JSON API, the
//! diagnostics page and `senderdesk diagnose` all ask [`PublicListing::find`], so they cannot
//! give an address two answers.

use time::OffsetDateTime;

use crate::{DelistRefusal, Listing, Reason, ReasonCatalog, assess_self_delist};

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

    /// The reason in words: the operator's public text for this listing, else the reason's
    /// text in the reader's language (`translate` is asked for the key `reason-SLUG`; this
    /// crate knows no language), else the catalog's summary, else the slug itself.
    pub fn public_reason(&self, translate: impl FnOnce(&str) -> Option<String>) -> String {
        let slug = self.listing.reason.as_str();
        self.listing
            .public_text
            .clone()
            .or_else(|| translate(&format!("reason-{slug}")))
            .or_else(|| self.reason.map(|r| r.summary.clone()))
            .unwrap_or_else(|| slug.to_string())
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
    fn the_reason_text_prefers_the_listing_then_the_language_then_the_catalog() {
        let catalog = ReasonCatalog::defaults();
        let now = OffsetDateTime::now_utc();
        let mut own = listing(1, "192.0.2.7", "manual");
        own.public_text = Some("ticket 42".into());
        let covering = [own];
        let shown = PublicListing::find(&covering, 0, 3, &catalog, now).unwrap();
        assert_eq!(shown.public_reason(|_| Some("x".into())), "ticket 42");
        let covering = [listing(1, "192.0.2.7", "manual")];
        let shown = PublicListing::find(&covering, 0, 3, &catalog, now).unwrap();
        let asked = shown.public_reason(|key| Some(format!("text of {key}")));
        assert_eq!(asked, "text of reason-manual");
        let summary = &catalog.get("manual").unwrap().summary;
        assert_eq!(&shown.public_reason(|_| None), summary);
    }
}
