//! JVM build files: gradle.lockfile and pom.xml (Maven ecosystem).

pub(super) mod gradle;
pub(super) mod pom;
