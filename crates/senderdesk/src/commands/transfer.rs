//! `senderdesk list import|export`: whole lists in and out, in the formats other tools speak.

use std::io::{BufWriter, IsTerminal, Write};

use actions::Actions;
use anyhow::{Context as _, bail};
use domain::{ListingTtl, ReasonCatalog};
use listfile::{ExportContext, ExportFormat, Exporter, Family, ImportFormat};
use store::Store;
use time::OffsetDateTime;

use crate::cli::{ExportArgs, ExportFormatArg, FamilyArg, ImportArgs, ImportFormatArg};
use crate::commands::{list::read_input, who};
use crate::configuration::Config;

/// How many invalid lines are printed before the rest are only counted.
const SHOW_BAD: usize = 50;

pub async fn import(
    actions: &Actions,
    catalog: &ReasonCatalog,
    args: &ImportArgs,
) -> anyhow::Result<()> {
    let default_reason = catalog.get(&args.reason)?.slug.clone();
    let default_ttl = match &args.expires {
        Some(text) => Some(text.parse::<ListingTtl>()?),
        None => None,
    };
    let input = read_input(&args.file)?;
    let format = match args.format {
        ImportFormatArg::Plain => ImportFormat::Plain,
        ImportFormatArg::Rbldnsd => ImportFormat::Rbldnsd,
        ImportFormatArg::Csv => ImportFormat::Csv,
    };
    let parsed = listfile::parse(format, &input, catalog);
    drop(input);
    let name = args.file.display();
    let now = OffsetDateTime::now_utc();
    let defaults = listfile::Defaults {
        reason: default_reason,
        ttl: default_ttl,
    };
    let plan = listfile::plan(parsed, catalog, &defaults, now);
    if !plan.bad.is_empty() {
        let mut err = std::io::stderr().lock();
        for bad in plan.bad.iter().take(SHOW_BAD) {
            writeln!(err, "{name}:{}: {}: {}", bad.line, bad.value, bad.why)?;
        }
        if plan.bad.len() > SHOW_BAD {
            writeln!(
                err,
                "… and {} more invalid lines",
                plan.bad.len() - SHOW_BAD
            )?;
        }
        if !args.skip_invalid {
            bail!(
                "{} invalid line(s) in {name}; nothing was imported (fix them, or pass --skip-invalid to import the {} valid ones)",
                plan.bad.len(),
                plan.listings.len()
            );
        }
    }
    let listings = plan.listings;
    let bar = progress_bar(listings.len() as u64);
    let source = name.to_string();
    let out = actions
        .import_listings(&who(), &listings, &source, now, |done| {
            bar.set_position(done)
        })
        .await?;
    bar.finish_and_clear();
    println!(
        "imported {name}: {} added, {} already listed (left unchanged), {} duplicate lines, {} invalid lines skipped",
        out.added,
        out.already_listed,
        plan.duplicates,
        plan.bad.len()
    );
    Ok(())
}

fn progress_bar(len: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} importing [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

pub async fn export(store: &Store, config: &Config, args: &ExportArgs) -> anyhow::Result<()> {
    let catalog = config.catalog()?;
    let format = match args.format {
        ExportFormatArg::Plain => ExportFormat::Plain,
        ExportFormatArg::Rbldnsd => ExportFormat::Rbldnsd,
        ExportFormatArg::Bind => ExportFormat::Bind,
        ExportFormatArg::Json => ExportFormat::Json,
    };
    let family = match args.family {
        FamilyArg::All => Family::All,
        FamilyArg::V4 => Family::V4,
        FamilyArg::V6 => Family::V6,
    };
    let ctx = ExportContext {
        catalog: &catalog,
        zone: config.dnsbl.zone.to_string(),
        serial: store.change_seq().await?,
        portal_base_url: config.portal_base_url(config.listen.http),
        family,
        generated_at: OffsetDateTime::now_utc(),
    };
    let sink: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let mut exporter = Exporter::new(format, ctx, BufWriter::with_capacity(1 << 16, sink));
    exporter.begin()?;
    store
        .for_each_active::<anyhow::Error, _>(|l| Ok(exporter.listing(&l)?))
        .await?;
    let count = exporter.count();
    exporter.finish()?.flush()?;
    if let Some(path) = &args.output {
        eprintln!("exported {count} listings to {}", path.display());
    }
    Ok(())
}
