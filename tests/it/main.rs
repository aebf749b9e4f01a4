//! The integration tests: one binary (one link in CI), one module per area,
//! and the harness they share. Modules keep the names of the files they
//! were, so `cargo test --release spine::` runs what `--test spine` did.

#[macro_use]
mod harness;

mod audit_cli;
mod audit_ecosystems;
mod audit_kinds;
mod audit_parity;
mod audit_testcases;
mod crawl_cli;
mod crawl_faults;
mod crawl_lib;
mod deliver;
mod derived_sources;
mod digest_browser;
mod digest_cli;
mod digest_demo;
mod digest_render;
mod digest_svg;
mod entries;
mod eol;
mod examples;
mod init_scan;
mod properties;
mod propose_cli;
mod radar_shape;
mod readers;
mod releases_authority;
mod reliability;
mod scale_cli;
mod schedule_cli;
mod site;
mod spine;
mod stack_cli;
mod stack_readers;
mod stack_sbom;
