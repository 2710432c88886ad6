//! Mail out: [`Mailer`] sends an [`OutgoingMail`] (plain text with an HTML alternative) through
//! the configured SMTP relay with lettre, or, with no relay, writes it as an `.eml` file into
//! the outbox folder so the whole product works on a laptop. It reports exactly what happened
//! as a [`Delivery`]; retrying is the caller's choice, because only the caller knows how long a
//! message stays useful.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::io::AsyncWriteExt;

/// How long one attempt to hand a message to the relay may take.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("[mail] relay {relay:?} is not usable: {detail}")]
    Relay { relay: String, detail: String },
    #[error(
        "[mail] from {from:?} is not a mailbox such as \"senderdesk <postmaster@example.net>\": {detail}"
    )]
    From { from: String, detail: String },
    #[error("cannot address mail to {to:?}: {detail}")]
    Recipient { to: String, detail: String },
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("the relay did not take the message: {0}")]
    Send(String),
    #[error("cannot write to the outbox {path}: {source}")]
    Outbox {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where mail goes and who it is from.
#[derive(Debug, Clone)]
pub struct MailerSettings {
    /// `smtp://[user:pass@]host[:port]` (STARTTLS when offered; `?tls=required` insists),
    /// or `smtps://…` (TLS from the start). `None`: write to `outbox`.
    pub relay: Option<String>,
    /// The From mailbox.
    pub from: String,
    /// The folder `.eml` files are written to without a relay.
    pub outbox: PathBuf,
}

/// One message to one recipient.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A name for the outbox file, such as the request reference.
    pub tag: String,
    /// The sender's display name in the recipient's language; used instead of the
    /// configured one only while that is still [`DEFAULT_FROM_NAME`], so an operator's own
    /// name is never replaced.
    pub from_name: Option<String>,
    /// Where replies go, when not to the sender (a ticket's `ticket+TAG@…` address).
    pub reply_to: Option<String>,
}

/// The display name of the shipped `[mail] from`.
pub const DEFAULT_FROM_NAME: &str = "Sender services";

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The relay accepted it.
    Relayed,
    /// Written to this file in the outbox.
    Outbox(PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    route: Route,
}

#[derive(Clone)]
enum Route {
    Relay(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(PathBuf),
}

impl Mailer {
    pub fn new(settings: &MailerSettings) -> Result<Mailer, MailerError> {
        let from: Mailbox = settings.from.parse().map_err(|e| MailerError::From {
            from: settings.from.clone(),
            detail: format!("{e}"),
        })?;
        let route = match &settings.relay {
            None => Route::Outbox(settings.outbox.clone()),
            Some(relay) => {
                let bad = |detail: String| MailerError::Relay {
                    relay: redact(relay),
                    detail,
                };
                // STARTTLS whenever the relay offers it, unless the URL says otherwise.
                let url = if relay.starts_with("smtp://") && !relay.contains("tls=") {
                    let sep = if relay.contains('?') { '&' } else { '?' };
                    format!("{relay}{sep}tls=opportunistic")
                } else {
                    relay.clone()
                };
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(bad("it must start with smtp:// or smtps://".into()));
                }
                if has_credentials(relay) && !insists_on_tls(&url) {
                    return Err(bad(
                        "it has a user name and password, which opportunistic STARTTLS would send in clear text to anyone between us and the relay who strips the offer; use smtps:// or add ?tls=required".into(),
                    ));
                }
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
                    .map_err(|e| bad(e.to_string()))?
                    .timeout(Some(SEND_TIMEOUT))
                    .build();
                Route::Relay(transport)
            }
        };
        Ok(Mailer { from, route })
    }

    /// True when mail goes to the outbox folder rather than a relay.
    pub fn is_outbox(&self) -> bool {
        matches!(self.route, Route::Outbox(_))
    }

    /// Builds the RFC 5322 message: Date, a Message-ID at the From domain, UTF-8 subject
    /// encoded per RFC 2047, and bodies transfer-encoded so no line exceeds 998 octets.
    pub fn build(&self, mail: &OutgoingMail) -> Result<Message, MailerError> {
        let to: Mailbox = mail.to.parse().map_err(|e| MailerError::Recipient {
            to: mail.to.clone(),
            detail: format!("{e}"),
        })?;
        let mut random = [0u8; 12];
        getrandom::fill(&mut random).map_err(|e| MailerError::Build(e.to_string()))?;
        let id: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let message_id = format!("<{}.{id}@{}>", mail.tag, self.from.email.domain());
        let from = match (&mail.from_name, self.from.name.as_deref()) {
            (Some(name), Some(DEFAULT_FROM_NAME)) => {
                Mailbox::new(Some(name.clone()), self.from.email.clone())
            }
            _ => self.from.clone(),
        };
        let mut builder = Message::builder().from(from).to(to);
        if let Some(reply_to) = &mail.reply_to {
            let mailbox: Mailbox = reply_to.parse().map_err(|e| MailerError::Recipient {
                to: reply_to.clone(),
                detail: format!("reply-to: {e}"),
            })?;
            builder = builder.reply_to(mailbox);
        }
        builder
            .subject(mail.subject.clone())
            .message_id(Some(message_id))
            .date_now()
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html.clone()),
                    ),
            )
            .map_err(|e| MailerError::Build(e.to_string()))
    }

    /// One attempt to deliver `mail`.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<Delivery, MailerError> {
        let message = self.build(mail)?;
        match &self.route {
            Route::Relay(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|e| MailerError::Send(e.to_string()))?;
                Ok(Delivery::Relayed)
            }
            Route::Outbox(dir) => write_outbox(dir, &mail.tag, &message.formatted()).await,
        }
    }
}

/// Whether the URL's authority carries `user[:password]@`.
fn has_credentials(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority.contains('@')
}

/// TLS from the start (`smtps://`) or STARTTLS required (`tls=required`), never in clear.
fn insists_on_tls(url: &str) -> bool {
    url.starts_with("smtps://")
        || url
            .split_once('?')
            .is_some_and(|(_, query)| query.split('&').any(|kv| kv == "tls=required"))
}

/// Writes the message next to its final name and renames it, so a reader of the outbox
/// never sees half a message.
async fn write_outbox(dir: &Path, tag: &str, bytes: &[u8]) -> Result<Delivery, MailerError> {
    let io = |path: &Path, source| MailerError::Outbox {
        path: path.to_path_buf(),
        source,
    };
    // Only senderdesk's user may read the outbox: its mails hold working delist links.
    tokio::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .await
        .map_err(|e| io(dir, e))?;
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    let safe: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let path = dir.join(format!("{stamp}-{safe}.eml"));
    let partial = dir.join(format!(".{stamp}-{safe}.eml.partial"));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .await
        .map_err(|e| io(&partial, e))?;
    file.write_all(bytes).await.map_err(|e| io(&partial, e))?;
    file.flush().await.map_err(|e| io(&partial, e))?;
    drop(file);
    tokio::fs::rename(&partial, &path)
        .await
        .map_err(|e| io(&path, e))?;
    Ok(Delivery::Outbox(path))
}

/// The relay URL without its password, for error messages and logs.
pub fn redact(relay: &str) -> String {
    match (relay.find("://"), relay.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &relay[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &relay[..scheme + 3], &relay[at..])
        }
        _ => relay.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox_mailer(dir: &Path) -> Mailer {
        Mailer::new(&MailerSettings {
            relay: None,
            from: "senderdesk <postmaster@example.net>".into(),
            outbox: dir.to_path_buf(),
        })
        .unwrap()
    }

    #[tokio::test]
    async fn outbox_messages_are_well_formed_rfc5322() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = outbox_mailer(dir.path());
        let long_line = "x".repeat(3000);
        let mail = OutgoingMail {
            to: "postmaster@sender.example".into(),
            subject: "确认删除 — conferma la rimozione".into(),
            text: format!("Link: http://127.0.0.1/delist/confirm/abc\n{long_line}\n"),
            html: format!("<p>{long_line}</p>"),
            tag: "DL-7KQ2-M9XD".into(),
            from_name: None,
            reply_to: None,
        };
        let Delivery::Outbox(path) = mailer.send(&mail).await.unwrap() else {
            panic!("no relay configured, so the outbox is used");
        };
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        for header in [
            "Date: ",
            "Message-ID: <DL-7KQ2-M9XD.",
            "From: senderdesk <postmaster@example.net>",
            "MIME-Version: 1.0",
            "multipart/alternative",
        ] {
            assert!(text.contains(header), "{header} missing in\n{text}");
        }
        assert!(
            text.contains("Subject: =?utf-8?"),
            "UTF-8 subject is encoded: {text}"
        );
        assert!(bytes.is_ascii(), "8-bit text is transfer-encoded");
        assert!(
            text.split("\r\n").all(|l| l.len() <= 998),
            "no line over 998 octets"
        );
        assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| {
            !e.unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial")
        }));
    }

    #[test]
    fn a_relay_with_credentials_must_insist_on_tls() {
        let dir = tempfile::tempdir().unwrap();
        let relay = |url: &str| {
            Mailer::new(&MailerSettings {
                relay: Some(url.into()),
                from: "a@b.example".into(),
                outbox: dir.path().into(),
            })
        };
        for clear in [
            "smtp://bob:secret@relay.example:587",
            "smtp://bob:secret@relay.example:587?tls=opportunistic",
            "smtp://bob@relay.example:25",
        ] {
            let err = relay(clear).err().expect(clear).to_string();
            assert!(
                err.contains("tls=required") && err.contains("smtps://"),
                "{err}"
            );
            assert!(!err.contains("secret"), "{err}");
        }
        for fine in [
            "smtp://bob:secret@relay.example:587?tls=required",
            "smtps://bob:secret@relay.example:465",
            "smtp://relay.example:25",
        ] {
            assert!(relay(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn the_default_from_name_is_said_in_the_recipients_language_and_an_operators_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mail = OutgoingMail {
            to: "owner@example.org".into(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            tag: "x".into(),
            from_name: Some("Servizi per i mittenti".into()),
            reply_to: None,
        };
        let from = |configured: &str| {
            let mailer = Mailer::new(&MailerSettings {
                relay: None,
                from: configured.into(),
                outbox: dir.path().to_path_buf(),
            })
            .unwrap();
            let formatted = mailer.build(&mail).unwrap().formatted();
            String::from_utf8_lossy(&formatted)
                .lines()
                .find(|l| l.starts_with("From: "))
                .unwrap()
                .to_string()
        };
        assert!(
            from("Sender services <postmaster@example.net>").contains("Servizi per i mittenti"),
            "the shipped name is translated"
        );
        assert_eq!(
            from("Acme Mail Desk <postmaster@example.net>"),
            "From: \"Acme Mail Desk\" <postmaster@example.net>",
            "an operator's own name is kept"
        );
    }

    #[tokio::test]
    async fn outbox_mail_is_readable_only_by_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("outbox");
        let mailer = outbox_mailer(&outbox);
        let mail = OutgoingMail {
            to: "pm@sender.example".into(),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
            tag: "DL-0000-0000".into(),
            from_name: None,
            reply_to: None,
        };
        let Delivery::Outbox(path) = mailer.send(&mail).await.unwrap() else {
            panic!("the outbox is used");
        };
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&outbox), 0o700);
    }

    #[test]
    fn bad_settings_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = Mailer::new(&MailerSettings {
            relay: Some("http://x".into()),
            from: "a@b.c".into(),
            outbox: dir.path().into(),
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("smtp://"), "{err}");
        let err = Mailer::new(&MailerSettings {
            relay: None,
            from: "not a mailbox".into(),
            outbox: dir.path().into(),
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("[mail] from"), "{err}");
        assert_eq!(
            redact("smtp://bob:secret@relay:25"),
            "smtp://bob:***@relay:25"
        );
        assert_eq!(redact("smtp://relay:25"), "smtp://relay:25");
    }
}
