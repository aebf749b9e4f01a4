#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = techradar::config::validate_cron(&String::from_utf8_lossy(data));
});
