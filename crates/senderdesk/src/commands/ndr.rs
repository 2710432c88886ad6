//! `senderdesk ndr explain`: the NDR explainer on the command line.

use std::io::Read;

use ndr::{Catalog, Owner, scan};

pub fn explain(args: &[String], portal: &str) -> anyhow::Result<()> {
    let text = if args.len() == 1 && args[0] == "-" {
        let mut t = String::new();
        std::io::stdin()
            .lock()
            .take(1 << 20)
            .read_to_string(&mut t)?;
        t
    } else {
        args.join(" ")
    };
    let found = scan(&text);
    if found.codes.is_empty() {
        anyhow::bail!(
            "no enhanced status code (such as 5.7.606 or 4.7.500) in the text; paste the whole bounce, including the line with the server's reply"
        );
    }
    let catalog = Catalog::builtin();
    let ip = found.ips.first();
    if let Some(ip) = ip {
        println!("IP address in the bounce: {ip}");
    }
    for e in catalog.explain_all(&found) {
        println!("\n{}  {}", e.code, e.title);
        println!("  {}", e.meaning);
        let owner = match e.owner {
            Some(Owner::Sender) => "the sender",
            Some(Owner::SenderAdmin) => "the sender's mail administrator",
            Some(Owner::RecipientAdmin) => "the recipient's mail administrator",
            None => "depends on the text that follows the code",
        };
        println!("  whose move: {owner}");
        for step in &e.steps {
            println!("  - {step}");
        }
        for link in &e.links {
            if let Some(path) = ndr::link_path(link, ip.copied()) {
                println!("  see: {portal}{path}");
            }
        }
    }
    Ok(())
}
