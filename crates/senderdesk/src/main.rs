//! `senderdesk`: one binary for every sender service. This file only parses the command line
//! and dispatches; `startup` runs the server, `commands` the management commands.

mod abuse;
mod chores;
mod cli;
mod commands;
mod configuration;
mod context;
mod portal;
mod sampler;
mod startup;
mod telemetry;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::cli::{
    AllowCommand, Cli, Command, ListCommand, NdrCommand, ReportCommand, SenderCommand,
    TenantCommand, TokenCommand, UserCommand,
};
use crate::context::Context;
use actions::Actions;
use domain::PolicyKind;

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let exit = e.downcast_ref::<commands::report::Exit>();
            // An exit status whose report is already printed needs no message.
            if exit.is_none_or(|x| !x.message.is_empty()) {
                eprintln!("error: {e:#}");
            }
            match exit {
                Some(exit) => ExitCode::from(exit.code),
                None => ExitCode::FAILURE,
            }
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let creates = matches!(cli.command, Command::Serve(_) | Command::Init);
    let ctx = Context::resolve(&cli.global, creates)?;
    // Management commands print their results; their logs stay quiet unless asked for.
    let level = match cli.command {
        Command::Serve(_) => ctx.config.log.level.as_str(),
        _ => "warn,sqlx=error",
    };
    telemetry::init(ctx.config.log.format, level);
    if !matches!(cli.command, Command::Serve(_)) {
        restore_sigpipe();
    }
    match &cli.command {
        Command::Serve(args) => {
            let stop = startup::Stop::install();
            let app = startup::Application::build(&ctx, args, &stop).await?;
            app.run(stop.requested()).await
        }
        Command::Init => {
            let store = ctx.open_store().await?;
            println!(
                "initialised {}: config {}, database {}",
                ctx.data.display(),
                ctx.config_file
                    .as_ref()
                    .map_or("(none)".into(), |p| p.display().to_string()),
                store.location()
            );
            store.close().await;
            Ok(())
        }
        Command::List(cmd) => {
            let catalog = ctx.config.catalog()?;
            let store = ctx.open_store().await?;
            // Every change goes through the action service, which records it.
            let actions = Actions::new(store.clone());
            let result = match cmd {
                ListCommand::Add(a) => commands::list::add(&actions, &catalog, a).await,
                ListCommand::Remove(a) => commands::list::remove(&actions, a).await,
                ListCommand::Show(a) => commands::list::show(&store, &catalog, a).await,
                ListCommand::Import(a) => commands::transfer::import(&actions, &catalog, a).await,
                ListCommand::Export(a) => commands::transfer::export(&store, &ctx.config, a).await,
                ListCommand::AddSender(a) => {
                    commands::policy::add_sender(&actions, &catalog, a).await
                }
                ListCommand::RemoveSender(a) => {
                    let kind = PolicyKind::SenderBan;
                    commands::policy::remove(&actions, kind, a, "lifted the ban on").await
                }
            };
            store.close().await;
            result
        }
        Command::Allow(cmd) => {
            let store = ctx.open_store().await?;
            let actions = Actions::new(store.clone());
            let kind = PolicyKind::Allow;
            let result = match cmd {
                AllowCommand::Add(a) => {
                    commands::policy::add(&actions, kind, a, "allowlisted").await
                }
                AllowCommand::Remove(a) => {
                    commands::policy::remove(&actions, kind, a, "removed from the allowlist").await
                }
                AllowCommand::List => commands::policy::list(&store, kind).await,
            };
            store.close().await;
            result
        }
        Command::Sender(cmd) => {
            let store = ctx.open_store().await?;
            let actions = Actions::new(store.clone());
            let kind = PolicyKind::Restriction;
            let result = match cmd {
                SenderCommand::Restrict(a) => {
                    commands::policy::add(&actions, kind, a, "restricted").await
                }
                SenderCommand::Release(a) => {
                    commands::policy::remove(&actions, kind, a, "released").await
                }
                SenderCommand::List => commands::policy::list(&store, kind).await,
            };
            store.close().await;
            result
        }
        Command::Report(cmd) => {
            let store = match ctx.open_store().await {
                Ok(s) => s,
                // The pipe transport keeps the mail and retries on 75.
                Err(e) if matches!(cmd, ReportCommand::Ingest(_)) => {
                    return Err(commands::report::Exit {
                        code: commands::report::EX_TEMPFAIL,
                        message: format!("{e:#}"),
                    }
                    .into());
                }
                Err(e) => return Err(e),
            };
            let result = match cmd {
                ReportCommand::Ingest(a) => {
                    let desk = abuse::desk(&ctx.config, store.clone())?;
                    commands::report::ingest(&desk, a).await
                }
                ReportCommand::List { limit } => commands::report::list(&store, *limit).await,
                ReportCommand::Show { id, raw } => commands::report::show(&store, *id, *raw).await,
                ReportCommand::Cases => commands::report::cases(&store).await,
                ReportCommand::Confirm(a) | ReportCommand::Dismiss(a) => {
                    let decision = match cmd {
                        ReportCommand::Confirm(_) => domain::ReportDecision::Confirmed,
                        _ => domain::ReportDecision::Dismissed,
                    };
                    // A restriction's notice is queued; a running `serve` sends it.
                    let notice = Arc::new(abuse::TenantNotice::new(
                        mailqueue::MailQueue::new(store.clone(), portal::mailer(&ctx)?),
                        portal::templates(&ctx)?,
                        &ctx.config.portal_base_url(ctx.config.listen.http),
                        &ctx.config,
                    ));
                    let desk = abuse::desk(&ctx.config, store.clone())?.with_notify(notice.clone());
                    let actions = Actions::new(store.clone());
                    commands::report::decide(&actions, &desk, a, decision, &notice).await
                }
            };
            store.close().await;
            result
        }
        Command::Diagnose(args) => {
            let store = ctx.open_store().await?;
            let result = commands::diagnose::run(&ctx, &store, args).await;
            store.close().await;
            result
        }
        Command::Ndr(NdrCommand::Explain { text }) => {
            let base = ctx.config.portal_base_url(ctx.config.listen.http);
            commands::ndr::explain(text, &base)
        }
        Command::User(cmd) => {
            let store = ctx.open_store().await?;
            let actions = Actions::new(store.clone());
            let result = match cmd {
                UserCommand::List => commands::user::list(&store).await,
                UserCommand::Disable { email } => commands::user::disable(&actions, email).await,
                UserCommand::Add(a) => {
                    let mail = commands::user::LinkMail::new(&ctx, store.clone())?;
                    commands::user::add(&actions, &mail, a).await
                }
                UserCommand::Reset { email, lang } => {
                    let mail = commands::user::LinkMail::new(&ctx, store.clone())?;
                    commands::user::reset(&store, &actions, &mail, email, lang).await
                }
            };
            store.close().await;
            result
        }
        Command::Token(cmd) => {
            let store = ctx.open_store().await?;
            let actions = Actions::new(store.clone());
            let result = match cmd {
                TokenCommand::Add(args) => commands::token::add(&actions, args).await,
                TokenCommand::List => commands::token::list(&store).await,
                TokenCommand::Revoke { name } => commands::token::revoke(&actions, name).await,
            };
            store.close().await;
            result
        }
        Command::Audit(args) => {
            let store = ctx.open_store().await?;
            let result = commands::audit::show(&store, args).await;
            store.close().await;
            result
        }
        Command::Tenant(cmd) => {
            let store = ctx.open_store().await?;
            let actions = Actions::new(store.clone());
            let result = match cmd {
                TenantCommand::Add(a) => commands::report::add_tenant(&actions, a).await,
                TenantCommand::List => commands::report::list_tenants(&store).await,
            };
            store.close().await;
            result
        }
    }
}

/// glibc raises its mmap threshold each time a large block is freed, so after loading a
/// million listings in chunks, later chunks land in the heap arenas and leave ~25 MB of
/// freed but unreturnable memory behind (measured: 68 MB resident instead of 45 MB). A fixed
/// threshold keeps large transient buffers in their own mappings, returned on free; two
/// arenas are plenty for two cores and cap per-thread arena growth.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        const M_ARENA_MAX: std::ffi::c_int = -8;
        unsafe extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: mallopt only changes allocator tuning; it is called once, before any
        // other thread exists.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 128 * 1024);
            mallopt(M_ARENA_MAX, 2);
        }
    }
}

/// Management commands print for pipes such as `| head`; like other Unix tools they end
/// quietly when the reader goes away, instead of panicking on a failed write. (Rust ignores
/// SIGPIPE by default, which `serve` keeps: its sockets must see EPIPE, not die.)
fn restore_sigpipe() {
    #[cfg(unix)]
    {
        const SIGPIPE: std::ffi::c_int = 13;
        const SIG_DFL: usize = 0;
        unsafe extern "C" {
            fn signal(signum: std::ffi::c_int, handler: usize) -> usize;
        }
        // SAFETY: restores the default disposition of one signal before any output.
        unsafe {
            signal(SIGPIPE, SIG_DFL);
        }
    }
}
