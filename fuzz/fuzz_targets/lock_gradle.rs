#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    techradar_fuzz::lockfile(techradar::stack::Format::Gradle, data);
});
