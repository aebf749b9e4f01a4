#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = techradar::sources::rustsec::parse_rustsec(&techradar_fuzz::ctx(), data);
});
