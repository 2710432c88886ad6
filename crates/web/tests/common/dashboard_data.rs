//! Something for every chart of the console's dashboards to show, for the test that reads
//! every word of every page.

use crate::common::Harness;

/// Something for every chart of the dashboards to name: each series the sampler writes,
/// reports from every channel and of every trust, one naming no tenant and no sender.
pub async fn seed(h: &Harness, now: time::OffsetDateTime) {
    let store = &h.state.store;
    let series = [
        "dns.queries",
        "dns.listed",
        "dns.not_listed",
        "dns.nodata",
        "dns.refused",
        "dns.formerr",
        "dns.notimp",
        "dns.truncated",
        "dns.rate_limited",
        "dns.dropped",
        "dns.transfers",
        "policy.requests",
        "policy.allowlisted",
        "policy.listed",
        "policy.banned_sender",
        "policy.restricted",
        "policy.dunno",
        "policy.without_list",
        "policy.protocol_errors",
    ];
    let deltas: Vec<(&str, i64)> = series.iter().map(|s| (*s, 3)).collect();
    store
        .record_samples("node", now - time::Duration::minutes(2), &deltas)
        .await
        .unwrap();
    let acme = store.tenants().await.unwrap()[0].id;
    let trusts = [
        domain::ReportTrust::Token,
        domain::ReportTrust::Fbl,
        domain::ReportTrust::Operator,
        domain::ReportTrust::Anonymous,
    ];
    let reports: Vec<store::NewSubmission> = ["smtp", "pipe", "api", "web"]
        .into_iter()
        .zip(trusts)
        .enumerate()
        .map(|(i, (channel, trust))| store::NewSubmission {
            channel,
            reporter: "fbl.example".into(),
            trust,
            trust_evidence: String::new(),
            format: "arf".into(),
            raw_compressed: Vec::new(),
            raw_size: 0,
            warnings: "[]".into(),
            reports: vec![store::NewReport {
                feedback_type: "abuse".into(),
                dedup_key: format!("dash-{i}"),
                ours: true,
                tenant_id: (i > 0).then_some(acme),
                sender: (i > 0).then(|| "bulk@acme.example".to_string()),
                source_ip: None,
                subject: None,
                details: "{}".into(),
            }],
        })
        .collect();
    store
        .record_submissions(&reports, now - time::Duration::days(1), 100, now)
        .await
        .unwrap();
}
