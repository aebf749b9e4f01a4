//! techradar: keeps an engineering team's technology radar alive.
//!
//! The pipeline is visible in the modules: `crawl` fetches, `sources` parse,
//! `index` stores and searches, and the command wiring in `cmd` connects
//! them. The binary (`src/main.rs`) is glue.

pub mod atomic;
pub mod audit;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod crawl;
pub mod deliver;
pub mod demo;
pub mod digest;
pub mod doctor;
pub mod index;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod propose;
pub mod radar;
pub mod scan;
pub mod schedule;
pub mod score;
pub mod settings;
pub mod shape;
pub mod site;
pub mod sources;
pub mod stack;
pub mod terminal;
pub mod trend;
pub mod update;
pub mod versions;
