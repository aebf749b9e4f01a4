#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = techradar::sources::feed::parse_feed(&techradar_fuzz::ctx(), data);
});
