//! Resolving the global options into a loaded config and a database location.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use store::{DatabaseLocation, Store, StoreError};

use crate::cli::GlobalArgs;
use crate::configuration::{self, Config, DATABASE_FILE};

pub struct Context {
    pub data: PathBuf,
    pub config: Config,
    pub config_file: Option<PathBuf>,
    pub location: DatabaseLocation,
}

impl Context {
    /// Loads the configuration. With `create`, a missing data folder and config file are
    /// made first (what `init` and the first `serve` do).
    pub fn resolve(global: &GlobalArgs, create: bool) -> anyhow::Result<Context> {
        let data = global.data.clone();
        let default_config = configuration::config_path(&data);
        if create {
            // Only senderdesk's user may enter it: the config, database and outbox hold
            // secrets, requesters' addresses and working delist links.
            std::os::unix::fs::DirBuilderExt::mode(
                std::fs::DirBuilder::new().recursive(true),
                0o700,
            )
            .create(&data)
            .with_context(|| format!("cannot create the data folder {}", data.display()))?;
            if global.config.is_none() && !default_config.exists() {
                write_private(&default_config, &configuration::initial_config_text()?)?;
            }
        }
        let config_file = match &global.config {
            Some(path) => Some(path.clone()),
            None => default_config.exists().then_some(default_config),
        };
        let env = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        let config = Config::load(config_file.as_deref(), env)?;
        let location = match (&global.database, &config.database.url) {
            (Some(url), _) => DatabaseLocation::parse(url)?,
            (None, Some(url)) => DatabaseLocation::parse(url.expose())?,
            (None, None) => DatabaseLocation::Sqlite(data.join(DATABASE_FILE)),
        };
        Ok(Context {
            data,
            config,
            config_file,
            location,
        })
    }

    pub async fn open_store(&self) -> anyhow::Result<Store> {
        match Store::open(&self.location).await {
            Ok(store) => Ok(store),
            Err(StoreError::Open { .. })
                if matches!(&self.location, DatabaseLocation::Sqlite(_)) && !self.data.is_dir() =>
            {
                bail!(
                    "there is no data folder at {}: run `senderdesk init --data {0}` (or `senderdesk serve`) first, or pass --data or --database",
                    self.data.display()
                )
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Writes a file only its owner can read: the config holds secrets.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
