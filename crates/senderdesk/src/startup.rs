//! `senderdesk serve`: opens the store, builds the lookup index, keeps it current, and runs
//! the services until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use arc_swap::ArcSwap;
use domain::ReasonCatalog;
use lookup::{IndexBuilder, LookupIndex};
use store::{DatabaseLocation, Store};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::cli::ServeArgs;
use crate::context::Context;

pub struct Application {
    http: TcpListener,
    http_options: web::ServeOptions,
    policy: policy::PolicyServer,
    dns: dnsbl::DnsServer,
    smtp: intake::SmtpIntake,
    dns_metrics: Arc<dnsbl::DnsMetrics>,
    policy_metrics: Arc<policy::PolicyMetrics>,
    store: Store,
    index: Arc<LookupIndex>,
    updater: indexer::Updater,
    portal: Arc<web::Portal>,
    mail: mailqueue::MailQueue,
    http_reports: Arc<dyn web::ReportSink>,
    /// How long report evidence is kept.
    retention: time::Duration,
    /// A ticket waiting this long for an answer closes by itself.
    ticket_close_after: time::Duration,
    poll: Duration,
}

impl Application {
    /// Opens everything and binds the listeners; a port of 0 picks a free one (tests).
    pub async fn build(
        ctx: &Context,
        args: &ServeArgs,
        stop: &Stop,
    ) -> anyhow::Result<Application> {
        let mut listen = ctx.config.listen.clone();
        listen.http = args.http.unwrap_or(listen.http);
        listen.dns = args.dns.unwrap_or(listen.dns);
        listen.policy = args.policy.unwrap_or(listen.policy);
        listen.smtp = args.smtp.unwrap_or(listen.smtp);
        let catalog = Arc::new(ctx.config.catalog()?);
        // HTTP and the policy service listen before the store is opened: the portal's address
        // goes into DNS TXT answers and policy replies (with `--http 127.0.0.1:0` only the
        // bound socket knows it), and Postfix gets an answer even while PostgreSQL is down.
        let http = TcpListener::bind(listen.http)
            .await
            .with_context(|| format!("cannot listen for HTTP on {}", listen.http))?;
        let portal = ctx.config.portal_base_url(http.local_addr()?);
        let index = Arc::new(LookupIndex::new(IndexBuilder::new().build(), 0));
        let policy_view = Arc::new(ArcSwap::from_pointee(policy::PolicyView::default()));
        let (policy, policy_shared) = start_policy(
            ctx,
            &portal,
            listen.policy,
            &catalog,
            index.clone(),
            policy_view.clone(),
        )
        .await?;

        let store = open_store_patiently(ctx, policy_shared.without_list, stop).await?;
        info!(database = %store.location(), config = ?ctx.config_file, "store open");
        let mut updater = indexer::Updater::new(
            store.clone(),
            index.clone(),
            policy_view,
            catalog.clone(),
            indexer::Limits::default(),
        );
        updater.load().await?;
        policy_shared.ready.store(true, Ordering::Release);

        let mail = mailqueue::MailQueue::new(store.clone(), crate::portal::mailer(ctx)?);
        let web_portal = Arc::new(crate::portal::build(ctx, &portal, &catalog, mail.clone())?);
        let desk = crate::abuse::desk(&ctx.config, store.clone())?.with_notify(Arc::new(
            crate::abuse::TenantNotice::new(
                mail.clone(),
                crate::portal::templates(ctx)?,
                &portal,
                &ctx.config,
            ),
        ));
        let http_reports: Arc<dyn web::ReportSink> =
            Arc::new(crate::abuse::HttpReports(desk.clone()));
        // The portal's key, random per start when unset: the addresses its mail gives out
        // are the ones the intake then takes.
        let tickets = intake::TicketReplies::new(store.clone(), &web_portal.settings.secret_key);
        let smtp_settings = crate::abuse::smtp_settings(&ctx.config, tickets)?;
        let smtp = intake::SmtpIntake::start(listen.smtp, desk, smtp_settings)
            .await
            .with_context(|| format!("cannot listen for SMTP reports on {}", listen.smtp))?;
        let dns_metrics = Arc::new(dnsbl::DnsMetrics::default());
        let dns = start_dns(
            ctx,
            &portal,
            listen.dns,
            &catalog,
            index.clone(),
            dns_metrics.clone(),
        )
        .await?;
        Ok(Application {
            http,
            http_options: web::ServeOptions {
                header_read_timeout: Duration::from_secs(ctx.config.portal.header_read_timeout),
                max_connections: ctx.config.portal.max_connections,
            },
            policy,
            dns,
            smtp,
            dns_metrics,
            policy_metrics: policy_shared.metrics.clone(),
            store,
            index,
            updater,
            portal: web_portal,
            mail,
            http_reports,
            retention: crate::abuse::retention(&ctx.config)?,
            ticket_close_after: ctx.config.portal.ticket_close_after.duration(),
            poll: Duration::from_millis(ctx.config.index.poll_ms),
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` resolves, then closes the store cleanly.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let http_addr = self.http_addr();
        let (stop_tx, stop_rx) = watch::channel(false);
        let updater = tokio::spawn(self.updater.run(self.poll, stop_rx.clone()));
        let retention =
            crate::abuse::spawn_retention(self.store.clone(), self.retention, stop_rx.clone());
        let tickets = crate::chores::spawn_ticket_closer(
            self.store.clone(),
            self.ticket_close_after,
            stop_rx.clone(),
        );
        // The sampler stops after the services, so its last sample holds all they counted.
        let (sampler_stop, sampler_stopped) = watch::channel(false);
        let sampler = crate::sampler::spawn(
            self.store.clone(),
            crate::sampler::node_name(),
            crate::sampler::Counters {
                dns: self.dns_metrics.clone(),
                policy: self.policy_metrics.clone(),
            },
            sampler_stopped,
        );
        // Pending mail, from before a restart too, is tried at once.
        let mail = self.mail.spawn(stop_rx.clone());
        let app = web::router(web::AppState {
            store: self.store.clone(),
            index: self.index.clone(),
            portal: self.portal.clone(),
            reports: Some(self.http_reports.clone()),
        });
        info!(http = %http_addr, "serving");
        let mut http_stop = stop_rx;
        let server = tokio::spawn(web::serve(self.http, app, self.http_options, async move {
            let _ = http_stop.wait_for(|stop| *stop).await;
        }));
        shutdown.await;
        info!("shutting down");
        let _ = stop_tx.send(true);
        let _ = updater.await;
        let _ = retention.await;
        let _ = tickets.await;
        let _ = mail.await;
        server.await.context("HTTP server failed")?;
        self.dns.stop().await;
        self.policy.stop().await;
        self.smtp.stop().await;
        let _ = sampler_stop.send(true);
        let _ = sampler.await;
        let c = self.dns_metrics.counts();
        info!(
            queries = c.queries,
            listed = c.listed,
            not_listed = c.not_listed,
            refused = c.refused,
            rate_limited = c.rate_limited,
            dropped = c.dropped,
            transfers = c.transfers,
            "DNS totals"
        );
        self.store.close().await;
        info!("stopped");
        Ok(())
    }
}

async fn start_dns(
    ctx: &Context,
    portal: &str,
    addr: SocketAddr,
    catalog: &ReasonCatalog,
    index: Arc<LookupIndex>,
    metrics: Arc<dnsbl::DnsMetrics>,
) -> anyhow::Result<dnsbl::DnsServer> {
    let cfg = &ctx.config.dnsbl;
    let zone = dnsbl::Zone::new(
        &dnsbl::ZoneSettings {
            zone: cfg.zone.to_string(),
            ns: cfg.ns.clone(),
            ttl: cfg.ttl,
            negative_ttl: cfg.negative_ttl,
            txt: cfg.txt.clone(),
            portal_base_url: portal.to_string(),
        },
        catalog,
    )?;
    let opts = dnsbl::ServerOptions {
        listen: addr,
        udp_threads: cfg.udp_threads,
        axfr_allow: cfg.axfr_allow.clone(),
        notify: cfg.notify.clone(),
        rrl: dnsbl::RrlSettings {
            responses_per_second: cfg.rrl_responses_per_second,
            slip: cfg.rrl_slip,
            exempt: cfg.rrl_exempt.clone(),
        },
        tcp_idle: Duration::from_secs(10),
        max_tcp_connections: 256,
    };
    dnsbl::DnsServer::start(opts, Arc::new(zone), index, metrics)
        .await
        .with_context(|| format!("cannot listen for DNS on {addr}"))
}

async fn start_policy(
    ctx: &Context,
    portal: &str,
    addr: SocketAddr,
    catalog: &ReasonCatalog,
    index: Arc<LookupIndex>,
    view: Arc<ArcSwap<policy::PolicyView>>,
) -> anyhow::Result<(policy::PolicyServer, Arc<policy::PolicyShared>)> {
    let cfg = &ctx.config.policy;
    let shared = Arc::new(policy::PolicyShared {
        index,
        view,
        replies: policy::Replies::new(catalog, portal, &cfg.sender_ban_instructions),
        metrics: Arc::new(policy::PolicyMetrics::default()),
        ready: AtomicBool::new(false),
        without_list: if cfg.fail_open {
            policy::WithoutList::FailOpen
        } else {
            policy::WithoutList::Defer
        },
    });
    let opts = policy::PolicyOptions {
        listen: addr,
        unix_socket: cfg.unix_socket.clone(),
        idle_timeout: Duration::from_secs(cfg.idle_timeout.max(1)),
        max_connections: cfg.max_connections,
    };
    let server = policy::PolicyServer::start(opts, shared.clone())
        .await
        .with_context(|| format!("cannot listen for policy requests on {addr}"))?;
    Ok((server, shared))
}

/// Opens the store; a PostgreSQL that does not answer yet is retried (1 s, doubling to 30 s)
/// until it does or `serve` is stopped, while the policy service answers without the list.
/// SQLite is a local file: a failure there is a mistake to report, not to wait out.
async fn open_store_patiently(
    ctx: &Context,
    without_list: policy::WithoutList,
    stop: &Stop,
) -> anyhow::Result<Store> {
    let mut delay = Duration::from_secs(1);
    let stop = stop.clone().requested();
    tokio::pin!(stop);
    loop {
        let attempt = tokio::select! {
            attempt = ctx.open_store() => attempt,
            _ = &mut stop => anyhow::bail!("stopped before the database could be reached"),
        };
        match attempt {
            Ok(store) => return Ok(store),
            Err(e) if matches!(ctx.location, DatabaseLocation::Postgres(_)) => {
                warn!(
                    error = %format!("{e:#}"),
                    retry_in_s = delay.as_secs(),
                    policy_answer = without_list.action(),
                    "the database is unreachable; retrying, and the policy service answers without the list meanwhile"
                );
                tokio::select! {
                    _ = tokio::time::sleep(delay) => {}
                    _ = &mut stop => anyhow::bail!("stopped before the database could be reached"),
                }
                delay = (delay * 2).min(Duration::from_secs(30));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
/// Ctrl-C or SIGTERM, caught from the start of `serve` on, for every part that waits: the
/// wait for the database, then the services. (A signal future made later would miss a
/// SIGTERM sent in between: once a handler is installed the default action no longer ends
/// the process.)
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    pub fn install() -> Stop {
        let (tx, rx) = watch::channel(false);
        tokio::spawn(async move {
            shutdown_signal().await;
            let _ = tx.send(true);
        });
        Stop(rx)
    }

    /// Resolves once a stop was asked for.
    pub async fn requested(mut self) {
        let _ = self.0.wait_for(|stopped| *stopped).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
