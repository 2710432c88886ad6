//! The abuse desk's pipeline, shared by every channel: parse, attribute each reported
//! message to a tenant and sender of ours, store the evidence and the reports durably, and
//! act: past the threshold within the window, restrict the sender (the policy service then
//! answers 5.1.8) and open a case. Only complaints that count move a sender toward the
//! threshold: from a trusted source ([`crate::trust`]), or confirmed by a person at the desk.

use domain::{PolicyKind, ReportDecision, policy_key};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actions::{ActionError, ReportDecided};
use store::{Actor, NewPolicyEntry, NewReport, NewSubmission, Recorded, Store, StoreError, Tenant};
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};

use crate::attribute::{Attribution, attribute, source_ip, tenant_domain};
use crate::dkim::Verifier;
use crate::extract::OurSide;
use crate::model::{Feedback, ReportedMessage};
use crate::parse::{Limits, ParseError, parse_report};
use crate::trust::{FeedbackLoop, Origin, standing};

#[derive(Debug, Clone)]
pub struct DeskSettings {
    pub ours: OurSide,
    pub limits: Limits,
    /// Distinct complaints about one sender within `window` that restrict it.
    pub restrict_after: u32,
    pub window: Duration,
    /// Feedback loops whose DKIM-signed reports are trusted.
    pub feedback_loops: Vec<FeedbackLoop>,
    /// Checks DKIM signatures (feedback loops', tenants'); without one nothing is verified,
    /// so no report by mail is trusted.
    pub verifier: Option<Arc<Verifier>>,
}

/// How a report reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Smtp,
    Pipe,
    Api,
    Web,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Smtp => "smtp",
            Channel::Pipe => "pipe",
            Channel::Api => "api",
            Channel::Web => "web",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error("the report could not be stored: {0}")]
    Store(#[from] StoreError),
    #[error("the report could not be stored: {0}")]
    Unstored(String),
}

impl IngestError {
    /// True when trying again later may work (the store was unavailable), false when the
    /// input itself is the problem (it cannot be read, or the database refuses it).
    pub fn is_temporary(&self) -> bool {
        match self {
            IngestError::Parse(_) => false,
            IngestError::Store(e) => e.is_temporary(),
            IngestError::Unstored(_) => true,
        }
    }
}

/// What happened to one reported message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReceipt {
    pub id: i64,
    pub duplicate_of: Option<i64>,
    pub ours: bool,
    pub tenant: Option<String>,
    pub sender: Option<String>,
}

/// What an ingest stored and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub submission_id: i64,
    pub format: String,
    /// Whose word the report is (`token`, `fbl`, `operator`, `anonymous`) and why.
    pub trust: String,
    pub trust_evidence: String,
    pub reports: Vec<ReportReceipt>,
    pub warnings: Vec<String>,
    /// Senders restricted because of this submission.
    pub restricted: Vec<String>,
    /// Cases opened because of this submission.
    pub cases: Vec<i64>,
}

#[derive(Serialize)]
struct Details<'a> {
    format: &'a str,
    feedback: Option<&'a Feedback>,
    message: &'a ReportedMessage,
    attribution: &'a Attribution,
}

/// Reports waiting for the writer, each with where to send its outcome.
struct Pending {
    submission: NewSubmission,
    now: OffsetDateTime,
    reply: oneshot::Sender<Result<Recorded, StoreError>>,
}

/// Most submissions committed in one transaction.
const MAX_BATCH: usize = 256;
/// How long the tenant list is reused before it is read again.
const TENANT_CACHE: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Clone)]
pub struct Desk {
    inner: Arc<Inner>,
}

/// A sender restricted by the desk, for whoever must hear of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    pub sender: String,
    pub tenant: Option<String>,
    /// The tenant's contact address, when it has one.
    pub contact: Option<String>,
    /// The language the contact reads notices in.
    pub lang: String,
    pub complaints: u32,
    pub case: i64,
}

/// Told of every restriction the desk makes (the binary queues a mail to the tenant's
/// contact). Awaited after the restriction is committed and before the report is answered,
/// so a notice is queued durably whenever a restriction is.
pub trait Notify: Send + Sync {
    fn restricted(&self, restriction: Restriction) -> NotifyFuture<'_>;
}

pub type NotifyFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

struct Inner {
    store: Store,
    settings: DeskSettings,
    notify: Option<Arc<dyn Notify>>,
    tenants: Mutex<Option<(Instant, Arc<Vec<Tenant>>)>>,
    writer: mpsc::Sender<Pending>,
    /// Parses allowed at once, one per core: more would only queue on the blocking pool.
    parsers: Arc<tokio::sync::Semaphore>,
}

fn parsers() -> Arc<tokio::sync::Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(tokio::sync::Semaphore::new(cores))
}

impl Desk {
    /// The store the desk writes to.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Starts the desk's writer: it commits whatever reports are waiting in one
    /// transaction (a group commit), so concurrent channels share one disk flush, and
    /// answers each only after that commit. Must be called inside a tokio runtime.
    pub fn new(store: Store, settings: DeskSettings) -> Desk {
        let (writer, mut queue) = mpsc::channel::<Pending>(4 * MAX_BATCH);
        let writer_store = store.clone();
        let window = settings.window;
        let cap = settings.restrict_after;
        tokio::spawn(async move {
            while let Some(first) = queue.recv().await {
                let mut batch = vec![first];
                while batch.len() < MAX_BATCH {
                    match queue.try_recv() {
                        Ok(p) => batch.push(p),
                        Err(_) => break,
                    }
                }
                let now = batch[0].now;
                let window_start = now - window;
                let (submissions, replies): (Vec<_>, Vec<_>) =
                    batch.into_iter().map(|p| (p.submission, p.reply)).unzip();
                match writer_store
                    .record_submissions(&submissions, window_start, cap, now)
                    .await
                {
                    Ok(recorded) => {
                        for (reply, r) in replies.into_iter().zip(recorded) {
                            let _ = reply.send(Ok(r));
                        }
                    }
                    // One report the database refuses (a NUL byte PostgreSQL will not store)
                    // must not fail the others waiting with it: each is tried alone, and
                    // each hears its own outcome.
                    Err(e) if replies.len() > 1 => {
                        tracing::warn!(error = %e, reports = replies.len(), "a batch of reports failed; storing each alone");
                        for (submission, reply) in submissions.iter().zip(replies) {
                            let one = writer_store
                                .record_submissions(
                                    std::slice::from_ref(submission),
                                    window_start,
                                    cap,
                                    now,
                                )
                                .await
                                .map(|mut r| r.remove(0));
                            if let Err(e) = &one {
                                tracing::error!(error = %e, "report not stored");
                            }
                            let _ = reply.send(one);
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "report not stored");
                        if let Some(reply) = replies.into_iter().next() {
                            let _ = reply.send(Err(e));
                        }
                    }
                }
            }
        });
        Desk {
            inner: Arc::new(Inner {
                store,
                settings,
                notify: None,
                tenants: Mutex::new(None),
                writer,
                parsers: parsers(),
            }),
        }
    }

    /// Tells `notify` of each restriction from now on.
    pub fn with_notify(self, notify: Arc<dyn Notify>) -> Desk {
        let inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            store: shared.store.clone(),
            settings: shared.settings.clone(),
            notify: None,
            tenants: Mutex::new(None),
            writer: shared.writer.clone(),
            parsers: shared.parsers.clone(),
        });
        Desk {
            inner: Arc::new(Inner {
                notify: Some(notify),
                ..inner
            }),
        }
    }

    async fn tenants(&self) -> Result<Arc<Vec<Tenant>>, StoreError> {
        if let Some((at, t)) = &*self.inner.tenants.lock().unwrap_or_else(|p| p.into_inner())
            && at.elapsed() < TENANT_CACHE
        {
            return Ok(t.clone());
        }
        let fresh = Arc::new(self.inner.store.tenants().await?);
        *self.inner.tenants.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    pub fn settings(&self) -> &DeskSettings {
        &self.inner.settings
    }

    /// Takes one report. `origin` says how it came and who the channel says sent it (the
    /// SMTP envelope sender, the API token); without a reporter, the report's From. Returns
    /// only after the report is durably stored.
    pub async fn ingest(
        &self,
        raw: &[u8],
        origin: &Origin,
        now: OffsetDateTime,
    ) -> Result<Receipt, IngestError> {
        let settings = &self.inner.settings;
        let parsed = self.parse(raw).await?;
        let tenants = self.tenants().await?;
        let verifier = settings.verifier.as_deref();
        let standing = standing(raw, origin, &settings.feedback_loops, verifier).await;
        let reporter = standing
            .reporter
            .clone()
            .or_else(|| origin.reporter.clone())
            .or_else(|| parsed.reporter.clone())
            .unwrap_or_else(|| "unknown".into())
            .to_lowercase();
        let format = parsed.format.as_str().to_string();
        let feedback_type = parsed
            .feedback
            .as_ref()
            .map_or("abuse", |f| f.feedback_type.as_str())
            .to_string();
        let mut attributions: Vec<Attribution> = Vec::with_capacity(parsed.messages.len());
        for m in &parsed.messages {
            // Only signatures of our tenants' domains are checked: proof the mail was ours.
            let dkim = match (&m.signed, verifier) {
                (Some(signed), Some(v)) => {
                    v.check(signed, |d| tenants.iter().any(|t| tenant_domain(t, d)))
                        .await
                }
                _ => Vec::new(),
            };
            attributions.push(attribute(
                m,
                parsed.feedback.as_ref(),
                &tenants,
                &settings.ours,
                dkim,
                standing.trust.counts(),
            ));
        }
        let reports: Vec<NewReport> = parsed
            .messages
            .iter()
            .zip(&attributions)
            .map(|(m, a)| NewReport {
                feedback_type: feedback_type.clone(),
                dedup_key: dedup_key(m),
                ours: a.ours,
                tenant_id: a.tenant_id,
                sender: a.sender.clone(),
                source_ip: source_ip(m, parsed.feedback.as_ref()).map(|ip| ip.to_string()),
                subject: m.subject.clone(),
                details: serde_json::to_string(&Details {
                    format: &format,
                    feedback: parsed.feedback.as_ref(),
                    message: m,
                    attribution: a,
                })
                .unwrap_or_default(),
            })
            .collect();
        let submission = NewSubmission {
            channel: origin.channel.as_str(),
            reporter,
            trust: standing.trust,
            trust_evidence: standing.evidence.clone(),
            format: format.clone(),
            raw_compressed: compress(raw),
            raw_size: raw.len(),
            warnings: serde_json::to_string(&parsed.warnings).unwrap_or_else(|_| "[]".into()),
            reports,
        };
        let (reply, outcome) = oneshot::channel();
        let stopped = || IngestError::Unstored("the intake is shutting down".into());
        self.inner
            .writer
            .send(Pending {
                submission,
                now,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        let recorded = outcome.await.map_err(|_| stopped())??;
        let mut receipt = Receipt {
            submission_id: recorded.submission_id,
            format,
            trust: standing.trust.as_str().to_string(),
            trust_evidence: standing.evidence,
            reports: recorded
                .reports
                .iter()
                .zip(&attributions)
                .map(|((id, duplicate_of), a)| ReportReceipt {
                    id: *id,
                    duplicate_of: *duplicate_of,
                    ours: a.ours,
                    tenant: a.tenant.clone(),
                    sender: a.sender.clone(),
                })
                .collect(),
            warnings: parsed.warnings.clone(),
            restricted: Vec::new(),
            cases: Vec::new(),
        };
        for (sender, count) in &recorded.complaints {
            let tenant_id = attributions
                .iter()
                .find(|a| a.sender.as_deref() == Some(sender))
                .and_then(|a| a.tenant_id);
            // Nobody decided this one: the threshold did, so the restriction is the system's.
            let (restricted, case) = self
                .act(sender, tenant_id, *count, &tenants, &Actor::system(), now)
                .await?;
            receipt.restricted.extend(restricted);
            receipt.cases.extend(case);
        }
        Ok(receipt)
    }

    /// Parses on tokio's blocking pool, at most [`Inner::parsers`] at once: a report may take
    /// a core for a while, and the async workers also serve the portal, DNS over TCP and the
    /// index updater. The parser's byte caps bound each run, since nothing can stop it once
    /// started.
    async fn parse(&self, raw: &[u8]) -> Result<crate::model::ParsedReport, IngestError> {
        let max = self.inner.settings.limits.max_bytes;
        if raw.len() > max {
            return Err(ParseError::TooLarge {
                size: raw.len(),
                max,
            }
            .into());
        }
        let _permit = self
            .inner
            .parsers
            .acquire()
            .await
            .map_err(|_| IngestError::Unstored("the intake is shutting down".into()))?;
        let (owned, settings) = (raw.to_vec(), self.inner.settings.clone());
        tokio::task::spawn_blocking(move || parse_report(&owned, &settings.ours, &settings.limits))
            .await
            .map_err(|e| IngestError::Unstored(format!("the parser stopped: {e}")))?
            .map_err(IngestError::from)
    }

    /// Restricts `sender` when its count (taken in the commit that added the complaint)
    /// reached the threshold, and opens a case for it. Returns the restriction, if new, and
    /// the case, if opened. `actor` is whose change the restriction is: the system's when a
    /// report alone brought the sender there, the person's whose confirmation did.
    async fn act(
        &self,
        sender: &str,
        tenant_id: Option<i64>,
        count: u32,
        tenants: &[Tenant],
        actor: &Actor,
        now: OffsetDateTime,
    ) -> Result<(Option<String>, Option<i64>), StoreError> {
        let settings = &self.inner.settings;
        if count < settings.restrict_after {
            return Ok((None, None));
        }
        let Ok(key) = policy_key(PolicyKind::Restriction, sender) else {
            return Ok((None, None));
        };
        let note = format!(
            "{count} complaints within {} (threshold {})",
            describe(settings.window),
            settings.restrict_after
        );
        let (_, added) = self
            .inner
            .store
            .add_policy_entry(
                &NewPolicyEntry {
                    kind: PolicyKind::Restriction,
                    key: &key,
                    reason: None,
                    note: Some(&note),
                    source: "reports",
                },
                actor,
                now,
            )
            .await?;
        let (case, opened) = self
            .inner
            .store
            .open_case(&key, tenant_id, count, now)
            .await?;
        let mut restricted = None;
        if added {
            tracing::warn!(sender = %key, count, case, "sender restricted after complaints");
            if let Some(notify) = &self.inner.notify {
                let tenant = tenant_id.and_then(|id| tenants.iter().find(|t| t.id == id));
                notify
                    .restricted(Restriction {
                        sender: key.clone(),
                        tenant: tenant.map(|t| t.name.clone()),
                        contact: tenant.and_then(|t| t.contact.clone()),
                        lang: tenant.map_or_else(|| "en".into(), |t| t.lang.clone()),
                        complaints: count,
                        case,
                    })
                    .await;
            }
            restricted = Some(key);
        }
        Ok((restricted, opened.then_some(case)))
    }
}

/// The same reported message from the same reporter counts once: its Message-ID, else a
/// hash of its body, else of its headers' identity fields.
fn dedup_key(m: &ReportedMessage) -> String {
    if let Some(id) = &m.message_id {
        return format!("mid:{}", id.to_lowercase());
    }
    if let Some(hash) = &m.body_sha256 {
        return format!("body:{hash}");
    }
    format!(
        "hdr:{}|{}|{}",
        m.from.as_deref().unwrap_or(""),
        m.date.as_deref().unwrap_or(""),
        m.subject.as_deref().unwrap_or("")
    )
}

/// Evidence is kept LZ4-compressed (block format, length first): a report compresses to
/// about a third, at a cost small next to parsing it.
pub(crate) fn compress(raw: &[u8]) -> Vec<u8> {
    lz4_flex::compress_prepend_size(raw)
}

/// Decompresses stored evidence.
pub fn decompress(stored: &[u8]) -> Result<Vec<u8>, lz4_flex::block::DecompressError> {
    lz4_flex::decompress_size_prepended(stored)
}

fn describe(d: Duration) -> String {
    let s = d.whole_seconds();
    match s {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// The desk is how the action service decides reports: it keeps the threshold's rules.
impl actions::ReportDesk for Desk {
    /// Records a person's decision on report `id`: confirmed, it counts (and may restrict its
    /// sender at once, recorded as the same person's change); dismissed, it never counts.
    /// Refuses, changing nothing, an unknown report, one already decided, or a repeat of
    /// another. People reach this through `actions::Actions`, which checks their role first.
    async fn decide(
        &self,
        id: i64,
        decision: ReportDecision,
        actor: &Actor,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<ReportDecided, ActionError> {
        let window_start = now - self.inner.settings.window;
        let counting = store::Counting {
            since: window_start,
            cap: self.inner.settings.restrict_after,
        };
        let decided = self
            .inner
            .store
            .decide_report(id, decision, actor, note, counting, now)
            .await
            .map_err(|e| match e {
                StoreError::Missing { .. } => {
                    ActionError::Refused(format!("there is no report #{id}; nothing changed"))
                }
                StoreError::Conflict { what } => ActionError::Refused(what),
                other => ActionError::Store(other),
            })?;
        let mut restricted = Vec::new();
        if let (Some(sender), Some(count)) = (&decided.sender, decided.complaints) {
            let tenants = self.tenants().await?;
            let (r, _) = self
                .act(sender, decided.tenant_id, count, &tenants, actor, now)
                .await?;
            restricted.extend(r);
        }
        Ok(ReportDecided {
            decided,
            restricted,
        })
    }
}
