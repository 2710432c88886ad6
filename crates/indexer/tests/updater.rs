//! The updater against a real store: SQLite always, PostgreSQL too when
//! `SENDERDESK_TEST_POSTGRES` holds a URL. Each refresh is called directly, with the clock
//! as an argument, so no test waits on a poll interval except the one for the running loop,
//! which waits for its result up to a deadline.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;
use domain::{IpRange, ListingState, PolicyEntry, PolicyKind, ReasonCatalog, ReasonSlug};
use indexer::{Limits, Listings, Refreshed, Source, Updater};
use lookup::{IndexBuilder, LookupIndex};
use policy::PolicyView;
use store::{IndexRow, NewPolicyEntry, Store, StoreError};
use time::OffsetDateTime;

// The store's helpers (every backend at hand, fresh PostgreSQL databases, builders), shared
// by path rather than copied.
#[path = "../../store/tests/common/mod.rs"]
mod common;
use common::{backends, by, ip, new_listing, now};

struct Views<S: Source> {
    updater: Updater<S>,
    index: Arc<LookupIndex>,
    policy: Arc<ArcSwap<PolicyView>>,
}

/// An updater on `source` with everything it finds loaded.
async fn loaded<S: Source>(source: S, max_incremental: i64) -> Views<S> {
    let index = Arc::new(LookupIndex::new(IndexBuilder::new().build(), 0));
    let policy = Arc::new(ArcSwap::from_pointee(PolicyView::default()));
    let mut updater = Updater::new(
        source,
        index.clone(),
        policy.clone(),
        Arc::new(ReasonCatalog::defaults()),
        Limits { max_incremental },
    );
    updater.load().await.unwrap();
    Views {
        updater,
        index,
        policy,
    }
}

async fn list(store: &Store, range: &str, reason: &str) {
    store
        .add_listing(&new_listing(range, reason), &by("test"), now())
        .await
        .unwrap();
}

async fn delist(store: &Store, range: &str) {
    store
        .remove_listing(&range.parse().unwrap(), &by("test"), None, now())
        .await
        .unwrap();
}

async fn add_policy(store: &Store, kind: PolicyKind, text: &str) {
    let key = domain::policy_key(kind, text).unwrap();
    let manual = ReasonSlug::parse("manual").unwrap();
    let entry = NewPolicyEntry {
        kind,
        key: &key,
        reason: (kind == PolicyKind::SenderBan).then_some(&manual),
        note: None,
        source: "operator",
    };
    store
        .add_policy_entry(&entry, &by("test"), now())
        .await
        .unwrap();
}

/// Every (range, listing id) the index holds.
fn indexed(index: &LookupIndex) -> BTreeSet<(String, i64)> {
    index
        .snapshot()
        .iter()
        .map(|hit| (hit.range.to_string(), hit.entry.listing_id()))
        .collect()
}

/// Every active (range, listing id) in the store.
async fn active(store: &Store) -> BTreeSet<(String, i64)> {
    let mut all = BTreeSet::new();
    store
        .for_each_active(|l| {
            all.insert((l.range.to_string(), l.id));
            Ok::<_, StoreError>(())
        })
        .await
        .unwrap();
    all
}

fn ranges(pairs: &BTreeSet<(String, i64)>) -> BTreeSet<&str> {
    pairs.iter().map(|(r, _)| r.as_str()).collect()
}

fn refreshed(listings: Listings, policy_reloaded: bool) -> Refreshed {
    Refreshed {
        expired: 0,
        policy_reloaded,
        listings,
    }
}

#[tokio::test]
async fn a_few_changes_are_applied_as_a_delta_in_change_order() {
    for b in backends().await {
        let s = &b.store;
        list(s, "203.0.113.0/24", "manual").await;
        list(s, "192.0.2.1", "manual").await;
        let mut v = loaded(s.clone(), Limits::default().max_incremental).await;
        assert_eq!(indexed(&v.index), active(s).await, "{}", b.name);

        list(s, "198.51.100.7", "spamtrap").await;
        // An edit of the listed network, and a host delisted then listed again (a new
        // listing): applied in commit order, it ends up listed under its new id.
        list(s, "203.0.113.0/24", "compromised").await;
        delist(s, "192.0.2.1").await;
        list(s, "192.0.2.1", "complaints").await;

        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(4), false), "{}", b.name);
        assert_eq!(indexed(&v.index), active(s).await, "{}", b.name);
        let catalog = ReasonCatalog::defaults();
        let net = v.index.snapshot().get(&"203.0.113.0/24".parse().unwrap());
        assert_eq!(
            net.map(|e| e.reason()),
            catalog.index_of("compromised"),
            "{}",
            b.name
        );
        assert_eq!(v.index.seq(), s.change_seq().await.unwrap(), "{}", b.name);

        let again = v.updater.refresh(now()).await.unwrap();
        assert_eq!(again, refreshed(Listings::Current, false), "{}", b.name);
    }
}

#[tokio::test]
async fn as_many_changes_as_the_limit_reload_the_whole_index() {
    for b in backends().await {
        let s = &b.store;
        list(s, "192.0.2.1", "manual").await;
        list(s, "192.0.2.2", "manual").await;
        let mut v = loaded(s.clone(), 3).await;

        delist(s, "192.0.2.1").await;
        list(s, "192.0.2.3", "manual").await;
        list(s, "2001:db8::/48", "policy").await;
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Reloaded(3), false), "{}", b.name);
        assert_eq!(indexed(&v.index), active(s).await, "{}", b.name);
        assert_eq!(v.index.seq(), s.change_seq().await.unwrap(), "{}", b.name);

        // Fewer than the limit go back to the delta.
        delist(s, "192.0.2.2").await;
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(1), false), "{}", b.name);
        assert_eq!(indexed(&v.index), active(s).await, "{}", b.name);
    }
}

/// The steps of a refresh at which [`Interleaved`] commits writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// When the changes since the last poll are read: after the policy entries were checked,
    /// before the reload reads its sequence.
    ReadingChanges,
    /// After the reload read its sequence, before it scans the listings.
    BeforeScan,
    /// After the scan, before the reloaded snapshot is published.
    AfterScan,
}

#[derive(Clone, Copy, Debug)]
enum Write {
    List(&'static str),
    Delist(&'static str),
    Ban(&'static str),
}

/// The store, committing planned writes at chosen steps of the updater's next refresh, as
/// another process could at any moment.
struct Interleaved {
    store: Store,
    planned: Arc<Mutex<Vec<(Step, Write)>>>,
}

impl Interleaved {
    async fn commit(&self, step: Step) {
        let due: Vec<Write> = {
            let mut planned = self.planned.lock().unwrap();
            let due = planned.iter().filter(|(s, _)| *s == step).map(|(_, w)| *w);
            let due = due.collect();
            planned.retain(|(s, _)| *s != step);
            due
        };
        for w in due {
            match w {
                Write::List(range) => list(&self.store, range, "manual").await,
                Write::Delist(range) => delist(&self.store, range).await,
                Write::Ban(sender) => add_policy(&self.store, PolicyKind::SenderBan, sender).await,
            }
        }
    }
}

impl Source for Interleaved {
    async fn change_seq(&self) -> Result<i64, StoreError> {
        self.store.change_seq().await
    }

    async fn changes_between(
        &self,
        after: i64,
        upto: i64,
        limit: i64,
    ) -> Result<Vec<IndexRow>, StoreError> {
        let rows = self.store.changes_between(after, upto, limit).await;
        self.commit(Step::ReadingChanges).await;
        rows
    }

    async fn for_each_index_row<F: FnMut(IndexRow) + Send>(&self, f: F) -> Result<(), StoreError> {
        self.commit(Step::BeforeScan).await;
        let scanned = self.store.for_each_index_row(f).await;
        self.commit(Step::AfterScan).await;
        scanned
    }

    async fn expire_due(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        self.store.expire_due(now).await
    }

    async fn policy_changed_since(&self, after: i64) -> Result<bool, StoreError> {
        self.store.policy_changed_since(after).await
    }

    async fn policy_entries(&self) -> Result<Vec<PolicyEntry>, StoreError> {
        self.store.policy_entries(None).await
    }
}

#[tokio::test]
async fn changes_committed_while_a_reload_runs_are_applied_by_the_next_refresh() {
    for b in backends().await {
        let s = &b.store;
        for n in 1..=4 {
            list(s, &format!("192.0.2.{n}"), "manual").await;
        }
        let planned = Arc::new(Mutex::new(Vec::new()));
        let source = Interleaved {
            store: s.clone(),
            planned: planned.clone(),
        };
        let mut v = loaded(source, 5).await;
        for n in 10..15 {
            list(s, &format!("192.0.2.{n}"), "manual").await;
        }
        *planned.lock().unwrap() = vec![
            (Step::ReadingChanges, Write::List("198.51.100.1")),
            (Step::ReadingChanges, Write::Ban("late@spam.example")),
            (Step::BeforeScan, Write::Delist("192.0.2.1")),
            (Step::BeforeScan, Write::List("198.51.100.2")),
            (Step::AfterScan, Write::Delist("192.0.2.2")),
            (Step::AfterScan, Write::List("198.51.100.3")),
        ];
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Reloaded(10), false), "{}", b.name);
        // The last write is not in the published snapshot yet: it came after the scan.
        assert!(
            !ranges(&indexed(&v.index)).contains("198.51.100.3"),
            "{}",
            b.name
        );

        // The four listing writes made after the reload read its sequence come as a delta,
        // and the ban made after the policy check reloads the view.
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(4), true), "{}", b.name);
        assert_eq!(indexed(&v.index), active(s).await, "{}", b.name);
        assert!(
            v.policy.load().banned_senders.contains("late@spam.example"),
            "{}",
            b.name
        );
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Current, false), "{}", b.name);
    }
}

#[tokio::test]
async fn a_listing_past_its_expiry_is_recorded_expired_and_leaves_the_index() {
    for b in backends().await {
        let s = &b.store;
        let t0 = now();
        let mut expiring = new_listing("192.0.2.9", "manual");
        expiring.expires_at = Some(t0 + time::Duration::seconds(30));
        s.add_listing(&expiring, &by("test"), t0).await.unwrap();
        list(s, "192.0.2.10", "manual").await;
        let mut v = loaded(s.clone(), Limits::default().max_incremental).await;

        let done = v.updater.refresh(t0).await.unwrap();
        assert_eq!(done, refreshed(Listings::Current, false), "{}", b.name);
        let later = t0 + time::Duration::seconds(60);
        // Lookups skip it from its expiry on, before the store records anything.
        let snapshot = v.index.snapshot();
        assert!(
            snapshot
                .most_specific(ip("192.0.2.9"), t0.unix_timestamp())
                .is_some()
        );
        assert!(
            snapshot
                .most_specific(ip("192.0.2.9"), later.unix_timestamp())
                .is_none()
        );

        let done = v.updater.refresh(later).await.unwrap();
        let expected = Refreshed {
            expired: 1,
            ..refreshed(Listings::Applied(1), false)
        };
        assert_eq!(done, expected, "{}", b.name);
        assert_eq!(
            ranges(&indexed(&v.index)),
            BTreeSet::from(["192.0.2.10"]),
            "{}",
            b.name
        );
        let found = s.listings_covering(ip("192.0.2.9")).await.unwrap();
        assert_eq!(found[0].state, ListingState::Expired, "{}", b.name);
    }
}

#[tokio::test]
async fn a_policy_change_reloads_the_policy_view_and_a_listing_change_does_not() {
    for b in backends().await {
        let s = &b.store;
        add_policy(s, PolicyKind::Allow, "198.51.100.0/24").await;
        let mut v = loaded(s.clone(), Limits::default().max_incremental).await;
        let allowed: IpRange = "198.51.100.0/24".parse().unwrap();
        assert!(v.policy.load().allow.get(&allowed).is_some(), "{}", b.name);

        add_policy(s, PolicyKind::SenderBan, "spammer@bad.example").await;
        add_policy(s, PolicyKind::Restriction, "tenant@ours.example").await;
        // No listing changed, but the index still moves on to the new sequence.
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(0), true), "{}", b.name);
        let view = v.policy.load_full();
        assert!(view.banned_senders.contains("spammer@bad.example"));
        assert!(view.restricted.contains("tenant@ours.example"));

        list(s, "192.0.2.1", "manual").await;
        s.remove_policy_entry(
            PolicyKind::Allow,
            "198.51.100.0/24",
            &by("test"),
            None,
            now(),
        )
        .await
        .unwrap();
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(1), true), "{}", b.name);
        assert!(v.policy.load().allow.get(&allowed).is_none(), "{}", b.name);

        list(s, "192.0.2.2", "manual").await;
        let done = v.updater.refresh(now()).await.unwrap();
        assert_eq!(done, refreshed(Listings::Applied(1), false), "{}", b.name);
    }
}

#[tokio::test]
async fn the_running_updater_answers_a_change_and_stops_when_asked() {
    for b in backends().await {
        let s = &b.store;
        let v = loaded(s.clone(), Limits::default().max_incremental).await;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let running = tokio::spawn(v.updater.run(Duration::from_millis(10), stopped));

        list(s, "192.0.2.1", "manual").await;
        // Polls every 10 ms; the deadline is only there to end a broken run.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while v
            .index
            .snapshot()
            .get(&"192.0.2.1".parse().unwrap())
            .is_none()
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: the change never reached the index",
                b.name
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }

        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(30), running)
            .await
            .expect("the updater stops when asked")
            .unwrap();
    }
}
