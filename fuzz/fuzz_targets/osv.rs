#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = techradar::sources::osv::parse_osv(&techradar_fuzz::ctx(), data);
});
