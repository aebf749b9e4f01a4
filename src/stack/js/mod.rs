//! JavaScript lockfiles other than npm's own: pnpm and yarn.

pub(super) mod pnpm;
pub(super) mod yarn;
