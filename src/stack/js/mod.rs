//! JavaScript lockfiles other than npm's own: pnpm, yarn and bun.

pub(super) mod bun;
pub(super) mod pnpm;
pub(super) mod yarn;
