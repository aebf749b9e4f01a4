//! `radar doctor [--fix]`: prints each finding and each repair.

use anyhow::Result;

use super::print_json;
use crate::cli::DoctorArgs;
use crate::settings::Settings;
use crate::terminal::clean;

pub fn doctor(ctx: &Settings, args: &DoctorArgs) -> Result<u8> {
    let report = crate::doctor::run(ctx, args.fix);
    if args.json {
        print_json(&report)?;
    } else {
        for f in &report.findings {
            let tag = if f.ok { "ok  " } else { "FAIL" };
            outln!("{tag} {:<14} {}", f.check, clean(&f.detail));
            if let Some(fixed) = &f.fixed {
                outln!("     fixed          {}", clean(fixed));
            }
        }
    }
    Ok(if report.healthy() { 0 } else { 1 })
}
