//! What the integration tests share.

#[macro_use]
pub mod audit;
pub mod crawl;
