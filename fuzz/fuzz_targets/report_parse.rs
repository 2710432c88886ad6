//! Any bytes through the abuse-report parser: ARF, MIME, inline forwards and extraction must
//! never panic, whatever a reporter sends.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // libfuzzer-sys aborts from its panic hook even on panics the code under test catches.
    // The intake contains mail-parser's panics on purpose, so use a quiet hook: a panic
    // that escapes parse_report still aborts, through libfuzzer-sys's own catch_unwind.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let ours = intake::OurSide {
        relays: vec!["198.51.100.0/24".parse().unwrap(), "10.20.0.0/16".parse().unwrap()],
        ..intake::OurSide::default()
    };
    let limits = intake::Limits { max_bytes: 256 * 1024, ..intake::Limits::default() };
    if let Ok(report) = intake::parse_report(data, &ours, &limits) {
        for m in &report.messages {
            let _ = m.originating_ip;
        }
    }
});
