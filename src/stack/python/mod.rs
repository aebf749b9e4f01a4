//! Python lockfiles: poetry, uv, Pipfile and pdm (requirements.txt is
//! `pip.rs`). Every name is PEP 503-normalised as it is read.

pub(super) mod pdm;
pub(super) mod pipfile;
pub(super) mod poetry;
pub(super) mod uv;
