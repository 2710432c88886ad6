//! Accounts through the real binary: the first admin is made from the CLI, the mailed link
//! (written to the outbox by a running serve) sets the password, and `user list` says so.

use crate::portal::{http, outbox, path_of, within};
use crate::support::*;

/// The set-password link in a mail, with quoted-printable soft breaks and the `=` of its
/// query (`=3D`) undone.
pub(crate) fn account_link_in(mail: &str) -> String {
    mail.replace("=\r\n", "")
        .replace("=3D", "=")
        .split_whitespace()
        .find(|w| w.contains("/account/set-password/"))
        .expect("the mail holds the link")
        .to_string()
}

#[test]
fn an_admin_added_from_the_cli_sets_a_password_through_the_mailed_link() {
    for db in database_args() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        ok(&run(data, &db, &["init"]));
        let server = Server::start(data, &db);

        let added = ok(&run(
            data,
            &db,
            &["user", "add", "root@example.net", "--role", "admin"],
        ));
        assert!(added.contains("added root@example.net (admin)"), "{added}");
        // No relay: the CLI says where the mail went and prints the link.
        assert!(added.contains("no [mail] relay"), "{added}");
        let printed = added
            .lines()
            .find(|l| l.contains("/account/set-password/"))
            .expect("the link is printed")
            .trim()
            .to_string();

        let files = within(10, || Some(outbox(data)).filter(|f| !f.is_empty()))
            .expect("the running serve writes the mail to the outbox");
        let mail = std::fs::read_to_string(&files[0]).unwrap();
        assert!(mail.contains("To: root@example.net"), "{mail}");
        let link = account_link_in(&mail);
        assert_eq!(path_of(&link), path_of(&printed));
        let listed = ok(&run(data, &db, &["user", "list"]));
        assert!(listed.contains("waiting for a password"), "{listed}");

        let path = path_of(&link);
        let (code, page) = http(&server.http, None, "GET", &path, "");
        assert_eq!(code, 200, "{page}");
        let form =
            "password=correct+horse+battery+staple&confirm=correct+horse+battery+staple&lang=en";
        let (code, done) = http(&server.http, None, "POST", &path, form);
        assert_eq!(code, 200, "{done}");
        assert!(done.contains("Password set"), "{done}");
        let (code, _) = http(&server.http, None, "POST", &path, form);
        assert_eq!(code, 410, "the link works once");

        let listed = ok(&run(data, &db, &["user", "list"]));
        assert!(
            listed.contains("root@example.net  admin  tenant -  active"),
            "{listed}"
        );
        ok(&run(data, &db, &["user", "disable", "root@example.net"]));
        let listed = ok(&run(data, &db, &["user", "list"]));
        assert!(listed.contains("disabled since"), "{listed}");
        let refused = fails(&run(data, &db, &["user", "reset", "root@example.net"]));
        assert!(refused.contains("disabled"), "{refused}");
    }
}

#[test]
fn user_commands_refuse_bad_input_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok(&run(data, &[], &["init"]));
    let no_tenant = fails(&run(
        data,
        &[],
        &["user", "add", "ops@acme.example", "--role", "tenant-admin"],
    ));
    assert!(no_tenant.contains("needs a tenant"), "{no_tenant}");
    let bad_role = fails(&run(
        data,
        &[],
        &["user", "add", "a@example.net", "--role", "owner"],
    ));
    assert!(
        bad_role.contains("admin, agent or tenant-admin"),
        "{bad_role}"
    );
    let bad_email = fails(&run(
        data,
        &[],
        &["user", "add", "nobody", "--role", "agent"],
    ));
    assert!(bad_email.contains("no @"), "{bad_email}");
    let unknown = fails(&run(data, &[], &["user", "reset", "who@example.net"]));
    assert!(unknown.contains("no user who@example.net"), "{unknown}");
    ok(&run(
        data,
        &[],
        &["user", "add", "a@example.net", "--role", "agent"],
    ));
    let twice = fails(&run(
        data,
        &[],
        &["user", "add", "A@example.net", "--role", "agent"],
    ));
    assert!(twice.contains("already exists"), "{twice}");
}
