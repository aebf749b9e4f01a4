//! Where ring labels go, for any shape, and the boxes text occupies.
//!
//! Owns the ring labels' position, direction and size, and the estimate of
//! how much room a line of text takes (font size × characters), so that
//! the renderer, the blip layout and the tests agree on it. Pure: asks
//! [`Geometry`] for radii and edges, never draws SVG or knows about blips.
//!
//! A ring's label runs *along* the slice edge (radially) when it fits in
//! the ring's width at the normal size: that is the historical picture,
//! kept byte for byte. With five or six equal-area rings the outer rings
//! are ~35 units wide and a word like RETIRE does not fit, so such a
//! label turns a quarter *across* the edge, where it only needs the ring's
//! width for its height; the blip layout then keeps blips off its box.

use super::geometry::{CENTER, Geometry};

/// Ring label font size, and the smallest it shrinks to.
pub const RING_FONT: f64 = 12.0;
pub const RING_FONT_MIN: f64 = 9.0;
/// Extra space between letters of a ring label.
pub const RING_SPACING: f64 = 1.0;
/// Slice title font size.
pub const TITLE_FONT: f64 = 17.0;
/// Average advance of a bold capital, in ems: on the wide side, so an
/// estimated box holds the real text.
const EM_PER_CHAR: f64 = 0.72;
/// Above and below the baseline, in ems (caps and descenders).
const ASCENT: f64 = 0.8;
const DESCENT: f64 = 0.25;
/// The white halo drawn around ring labels (stroke-width 3).
const HALO: f64 = 1.5;

/// An axis-aligned box in picture coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelBox {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl LabelBox {
    pub fn overlaps(&self, o: &LabelBox) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    /// Distance from (x, y) to the nearest point of the box (0 inside).
    pub fn distance(&self, x: f64, y: f64) -> f64 {
        let dx = (self.x0 - x).max(x - self.x1).max(0.0);
        let dy = (self.y0 - y).max(y - self.y1).max(0.0);
        dx.hypot(dy)
    }

    /// Whether the box lies in the annulus between `inner` and `outer`
    /// around the picture's centre.
    pub fn within_band(&self, inner: f64, outer: f64) -> bool {
        let far = [self.x0, self.x1]
            .iter()
            .flat_map(|x| [self.y0, self.y1].map(|y| (x - CENTER).hypot(y - CENTER)))
            .fold(0.0, f64::max);
        far <= outer && self.distance(CENTER, CENTER) >= inner
    }
}

/// One ring label as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct RingLabel {
    pub ring: usize,
    /// Baseline point (text-anchor middle).
    pub x: f64,
    pub y: f64,
    /// Turned a quarter anticlockwise (reads bottom to top).
    pub vertical: bool,
    pub font: f64,
    /// Whether it runs along the edge (the historical placement).
    pub radial: bool,
    /// What the text covers, halo included.
    pub bbox: LabelBox,
}

/// Estimated advance of `chars` characters.
pub fn text_width(chars: usize, font: f64, spacing: f64) -> f64 {
    chars as f64 * (font * EM_PER_CHAR + spacing)
}

/// Box of a text line with its baseline point at (x, y), anchored at
/// `anchor` ("start", "middle", "end"), horizontal or turned -90°.
fn text_box(x: f64, y: f64, width: f64, font: f64, anchor: &str, vertical: bool) -> LabelBox {
    let (before, after) = match anchor {
        "start" => (0.0, width),
        "end" => (width, 0.0),
        _ => (width / 2.0, width / 2.0),
    };
    let (up, down) = (ASCENT * font, DESCENT * font);
    if vertical {
        // Reading upwards: the text runs towards smaller y, its top is
        // towards smaller x.
        LabelBox {
            x0: x - up,
            y0: y - after,
            x1: x + down,
            y1: y + before,
        }
    } else {
        LabelBox {
            x0: x - before,
            y0: y - up,
            x1: x + after,
            y1: y + down,
        }
    }
}

fn grow(b: LabelBox, by: f64) -> LabelBox {
    LabelBox {
        x0: b.x0 - by,
        y0: b.y0 - by,
        x1: b.x1 + by,
        y1: b.y1 + by,
    }
}

/// The ring labels for `titles` (as drawn, innermost first): two per ring
/// on the quartered layout (left and right of the centre), one otherwise
/// (on the twelve o'clock edge).
pub fn ring_labels(g: &Geometry, titles: &[String]) -> Vec<RingLabel> {
    let mut out = Vec::new();
    for (ring, title) in titles.iter().enumerate() {
        let (inner, outer) = g.ring_bounds(ring);
        let mid = (inner + outer) / 2.0;
        let chars = title.chars().count();
        // Unit vectors along the edge (outwards) for each label of the ring.
        let dirs: &[(f64, f64)] = if g.quartered() {
            &[(-1.0, 0.0), (1.0, 0.0)]
        } else {
            &[(0.0, -1.0)]
        };
        for &(ux, uy) in dirs {
            let (cx, cy) = (CENTER + ux * mid, CENTER + uy * mid);
            // Along the edge: the historical coordinates (baseline 4 off
            // the edge centres the capitals on it).
            let along_vertical = !g.quartered();
            let (x, y) = if along_vertical {
                (CENTER + 4.0, round1(cy))
            } else {
                (round1(cx), CENTER + 4.0)
            };
            let w = text_width(chars, RING_FONT, RING_SPACING);
            let bbox = grow(text_box(x, y, w, RING_FONT, "middle", along_vertical), HALO);
            if bbox.within_band(inner, outer) {
                out.push(RingLabel {
                    ring,
                    x,
                    y,
                    vertical: along_vertical,
                    font: RING_FONT,
                    radial: true,
                    bbox,
                });
                continue;
            }
            // Across the edge, shrinking until it fits the ring.
            let mut font = RING_FONT;
            loop {
                let shift = round1((ASCENT - DESCENT) / 2.0 * font);
                let vertical = !along_vertical;
                let (x, y) = if vertical {
                    (round1(cx + shift), round1(cy))
                } else {
                    (round1(cx), round1(cy + shift))
                };
                let w = text_width(chars, font, RING_SPACING);
                let bbox = grow(text_box(x, y, w, font, "middle", vertical), HALO);
                if bbox.within_band(inner, outer) || font <= RING_FONT_MIN {
                    out.push(RingLabel {
                        ring,
                        x,
                        y,
                        vertical,
                        font,
                        radial: false,
                        bbox,
                    });
                    break;
                }
                font -= 0.5;
            }
        }
    }
    out
}

/// The box a slice title covers.
pub fn title_box(g: &Geometry, pos: usize, title: &str) -> LabelBox {
    let (x, y, anchor) = g.label_anchor(pos);
    let w = text_width(title.chars().count(), TITLE_FONT, 0.0);
    text_box(x, y, w, TITLE_FONT, anchor, false)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::Shape;

    /// Ring names a team might use: the defaults, a fifth and sixth, and
    /// a long one in the outermost ring.
    const RINGS: [&str; 6] = ["Adopt", "Trial", "Assess", "Hold", "Retire", "Deprecated"];

    fn shape(n: usize, m: usize) -> Shape {
        let qs: Vec<String> = [
            "Techniques",
            "Tools",
            "Platforms",
            "Languages & Frameworks",
            "Data & AI",
            "Observability",
            "Security",
            "Mobile",
        ][..n]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut rs: Vec<String> = RINGS[..m].iter().map(|s| s.to_string()).collect();
        if m < 6 {
            // The last ring is the long one whatever the count.
            rs[m - 1] = "Deprecated".to_string();
        }
        Shape::new(&qs, &rs, None).unwrap()
    }

    fn titles(s: &Shape) -> Vec<String> {
        s.rings().iter().map(|r| r.title().to_uppercase()).collect()
    }

    #[test]
    fn ring_labels_fit_their_ring_and_clear_each_other_and_titles() {
        for n in 2..=8 {
            for m in 2..=6 {
                let s = shape(n, m);
                let g = Geometry::of(&s);
                let labels = ring_labels(&g, &titles(&s));
                let per_ring = if n == 4 { 2 } else { 1 };
                assert_eq!(labels.len(), m * per_ring, "{n}×{m}");
                for l in &labels {
                    let (inner, outer) = g.ring_bounds(l.ring);
                    assert!(
                        l.bbox.within_band(inner, outer),
                        "{n}×{m}: ring {} label leaves its ring: {l:?} ({inner}–{outer})",
                        l.ring
                    );
                    assert!(l.font >= RING_FONT_MIN, "{n}×{m}: {l:?}");
                    for q in s.quadrants() {
                        let t = title_box(&g, q.position(), q.title());
                        assert!(!l.bbox.overlaps(&t), "{n}×{m}: {l:?} hits title {t:?}");
                    }
                }
                for (i, a) in labels.iter().enumerate() {
                    for b in &labels[i + 1..] {
                        assert!(!a.bbox.overlaps(&b.bbox), "{n}×{m}: {a:?} and {b:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn narrow_outer_rings_turn_their_label_across_the_edge() {
        // The defect: RETIRE did not fit the fifth of five equal-area rings.
        let s = shape(5, 5);
        let g = Geometry::of(&s);
        let labels = ring_labels(&g, &titles(&s));
        assert!(labels[0].radial, "{:?}", labels[0]);
        let last = &labels[4];
        assert!(!last.radial && !last.vertical, "{last:?}");
        assert_eq!(last.font, RING_FONT, "across the edge it fits at full size");
    }

    #[test]
    fn the_default_shape_keeps_every_label_along_the_edge() {
        let s = Shape::default();
        let g = Geometry::of(&s);
        let labels = ring_labels(&g, &titles(&s));
        assert_eq!(labels.len(), 8);
        assert!(labels.iter().all(|l| l.radial && l.font == RING_FONT));
    }

    #[test]
    fn boxes_measure_what_they_should() {
        let b = text_box(100.0, 50.0, 40.0, 10.0, "middle", false);
        assert_eq!((b.x0, b.x1, b.y0, b.y1), (80.0, 120.0, 42.0, 52.5));
        let v = text_box(100.0, 50.0, 40.0, 10.0, "middle", true);
        assert_eq!((v.x0, v.x1, v.y0, v.y1), (92.0, 102.5, 30.0, 70.0));
        assert!(b.overlaps(&v));
        assert_eq!(b.distance(100.0, 50.0), 0.0);
        assert_eq!(b.distance(123.0, 56.5), 5.0);
        let far = LabelBox {
            x0: 0.0,
            y0: 0.0,
            x1: 1.0,
            y1: 1.0,
        };
        assert!(!b.overlaps(&far));
    }
}
