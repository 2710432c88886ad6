//! Any bytes as an import file, in every format: parsing must not panic.
#![no_main]

use domain::ReasonCatalog;
use libfuzzer_sys::fuzz_target;
use listfile::ImportFormat;

fuzz_target!(|data: &[u8]| {
    let catalog = ReasonCatalog::defaults();
    for format in [ImportFormat::Plain, ImportFormat::Rbldnsd, ImportFormat::Csv] {
        let _ = listfile::parse(format, data, &catalog);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = text.parse::<domain::IpRange>();
    }
});
