//! `radar demo`: the whole pipeline on bundled sample data.
pub fn run(_ctx: &crate::cmd::Context, _args: &crate::cli::DemoArgs) -> anyhow::Result<u8> {
    anyhow::bail!("demo: being written")
}
