//! The radar picture as a PNG for mail (mail clients do not draw inline
//! SVG): our own SVG from `digest::svg`, rasterised with resvg. Pure apart
//! from reading the system's fonts.

use resvg::{tiny_skia, usvg};

/// Width and height of the PNG in pixels (the SVG is square).
pub const PNG_SIZE: u32 = 1000;

/// Families tried for the SVG's generic `sans-serif`, in order: usvg's own
/// default (Arial) is often missing on Linux, and text without a font is
/// dropped.
const SANS: [&str; 6] = [
    "Arial",
    "Helvetica",
    "DejaVu Sans",
    "Liberation Sans",
    "Noto Sans",
    "Roboto",
];

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the radar SVG cannot be read: {0}")]
    Svg(String),
    #[error("the radar PNG cannot be encoded: {0}")]
    Encode(String),
}

pub fn render(svg: &str) -> Result<Vec<u8>, PngError> {
    let mut opt = usvg::Options::default();
    let db = opt.fontdb_mut();
    db.load_system_fonts();
    let present = |name: &str| {
        db.faces()
            .any(|f| f.families.iter().any(|(family, _)| family == name))
    };
    if let Some(family) = SANS.into_iter().find(|f| present(f)) {
        db.set_sans_serif_family(family);
    }
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let scale = PNG_SIZE as f32 / size.width().max(size.height());
    let mut pixmap = tiny_skia::Pixmap::new(PNG_SIZE, PNG_SIZE)
        .ok_or_else(|| PngError::Encode("no room for the picture".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{IsoWeek, sample, svg};

    #[test]
    fn the_sample_radar_becomes_a_png_of_the_promised_size() {
        let week = IsoWeek::parse("2026-W47").unwrap();
        let input = sample::sample(week, week.end());
        let png = render(&svg::render(&input.radar)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: width and height, big-endian, right after the chunk header.
        assert_eq!(
            u32::from_be_bytes(png[16..20].try_into().unwrap()),
            PNG_SIZE
        );
        assert_eq!(
            u32::from_be_bytes(png[20..24].try_into().unwrap()),
            PNG_SIZE
        );
        // Not a blank square: the rings and blips compress far worse.
        assert!(png.len() > 10_000, "{} bytes", png.len());
    }
}
