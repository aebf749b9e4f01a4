//! Where things go on the radar picture, for any shape: N equal slices
//! (2–8 quadrants) × M rings (2–6). Pure geometry, no SVG text.
//!
//! Owns the picture's coordinate system, ring radii, slice angles, the
//! slot grid each segment offers blips, and the slice palette. The SVG
//! renderer (and anything else that draws the radar) asks this module;
//! it must not know about blips, names or numbers.
//!
//! The four-quadrant radar keeps its historical layout (quarters mirrored
//! around the centre: top left, top right, bottom left, bottom right, so
//! reading order matches the legend), which keeps its bytes unchanged;
//! other counts go clockwise from twelve o'clock.

use std::f64::consts::{PI, SQRT_2};

use crate::model::Quadrant;
use crate::shape::Shape;

/// The circle area is `SIZE` × `SIZE` user units.
pub const SIZE: f64 = 800.0;
pub const CENTER: f64 = SIZE / 2.0;
/// Outer radius of the outermost ring.
pub const RADIUS: f64 = 390.0;
/// Outer radius of each ring of the four-ring radar, innermost first.
pub const RING_OUTER: [f64; 4] = [150.0, 242.0, 320.0, RADIUS];
/// Clearance between a blip and a slice edge (room for ring labels).
pub const AXIS_MARGIN: f64 = 10.0;
/// Clearance between a blip and a ring line.
pub const RING_MARGIN: f64 = 3.0;

/// Slice fills, in slice order. Every one keeps white blip numbers at a
/// contrast of at least 4.5:1, and neighbours differ in hue.
pub const PALETTE: [&str; 8] = [
    "#1f6f8b", "#6b4c9a", "#a4481c", "#2c7347", "#9c2f5f", "#5f6a12", "#2a4d9b", "#80591a",
];

/// Ring fills, innermost first (darkest in the middle).
const RING_FILLS: [&str; 6] = [
    "#eef1f4", "#f1f3f6", "#f3f5f7", "#f5f7f9", "#f7f8fa", "#fbfbfc",
];

/// The picture's geometry for one shape.
#[derive(Debug, Clone)]
pub struct Geometry {
    quadrants: usize,
    ring_outer: Vec<f64>,
}

impl Geometry {
    pub fn of(shape: &Shape) -> Geometry {
        let m = shape.rings().len();
        let ring_outer = if m == RING_OUTER.len() {
            RING_OUTER.to_vec()
        } else {
            // Equal areas: every ring has the same room for blips.
            (1..=m)
                .map(|i| round1(RADIUS * (i as f64 / m as f64).sqrt()))
                .collect()
        };
        Geometry {
            quadrants: shape.quadrants().len(),
            ring_outer,
        }
    }

    pub fn quadrant_count(&self) -> usize {
        self.quadrants
    }

    pub fn ring_count(&self) -> usize {
        self.ring_outer.len()
    }

    /// Whether this is the mirrored four-quarter layout.
    pub fn quartered(&self) -> bool {
        self.quadrants == 4
    }

    /// Outer radius per ring, innermost first.
    pub fn ring_outer(&self) -> &[f64] {
        &self.ring_outer
    }

    /// Inner and outer radius of the ring at `pos` (0 = innermost).
    pub fn ring_bounds(&self, pos: usize) -> (f64, f64) {
        let i = pos.min(self.ring_outer.len() - 1);
        let inner = if i == 0 { 0.0 } else { self.ring_outer[i - 1] };
        (inner, self.ring_outer[i])
    }

    /// Angular width of one slice, in radians.
    pub fn span(&self) -> f64 {
        2.0 * PI / self.quadrants as f64
    }

    /// Picture angle (SVG: y grows downwards, angles clockwise from three
    /// o'clock) where slice `pos` starts, for the clockwise layout.
    pub fn start_angle(&self, pos: usize) -> f64 {
        -PI / 2.0 + self.span() * pos as f64
    }

    /// Maps a point in slice-local polar coordinates (distance from the
    /// centre, angle from the slice's first edge) to the picture.
    pub fn to_picture(&self, pos: usize, rho: f64, t: f64) -> (f64, f64) {
        if self.quartered() {
            let (sx, sy) = quarter_signs(pos);
            // The same expressions as the original four-quadrant layout,
            // so its coordinates (and bytes) are unchanged.
            let (u, v) = (rho * t.cos(), rho * t.sin());
            (CENTER + sx * u, CENTER + sy * v)
        } else {
            let a = self.start_angle(pos) + t;
            (CENTER + rho * a.cos(), CENTER + rho * a.sin())
        }
    }

    /// Whether a disc at (x, y) of radius r lies inside segment (slice
    /// `pos`, ring `ring`) with the margins the layout promises.
    pub fn contains(&self, pos: usize, ring: usize, x: f64, y: f64, r: f64) -> bool {
        let (dx, dy) = (x - CENTER, y - CENTER);
        let rho = dx.hypot(dy);
        let (inner, outer) = self.ring_bounds(ring);
        if rho - r <= inner || rho + r >= outer {
            return false;
        }
        let (e0, e1) = self.edges(pos);
        // Angle from the first edge, clockwise, in [0, 2π).
        let t = (dy.atan2(dx) - e0).rem_euclid(2.0 * PI);
        if t > self.span() {
            return false;
        }
        ray_distance(e0, dx, dy) > r && ray_distance(e1, dx, dy) > r
    }

    /// The picture angles of the two rays bounding slice `pos`.
    pub fn edges(&self, pos: usize) -> (f64, f64) {
        if self.quartered() {
            // Quarters: the edges are the axes around the signed corner.
            let (sx, sy) = quarter_signs(pos);
            let a = sy.atan2(sx);
            (a - PI / 4.0, a + PI / 4.0)
        } else {
            let a = self.start_angle(pos);
            (a, a + self.span())
        }
    }

    /// Candidate blip centres for a segment, in slice-local polar
    /// coordinates `(rho, t)`: arcs at least one blip diameter plus a gap
    /// apart, neighbours on an arc at least that far apart as a chord, and
    /// every slot clear of both edges and both ring lines.
    pub fn slots(&self, ring: usize, r: f64) -> Vec<(f64, f64)> {
        // Rounding each coordinate to 0.1 moves a centre by at most 0.071;
        // the gap and margins below leave room for that.
        let gap = (r * 0.3).max(1.0);
        let step = 2.0 * r + gap;
        let edge = r + AXIS_MARGIN;
        let span = self.span();
        let (inner, outer) = self.ring_bounds(ring);
        // The smallest arc that still has an angular range clear of both
        // edges: the slice's middle is `rho·sin(span/2)` from each edge.
        let half = (span / 2.0).min(PI / 2.0);
        let rho_min = if self.quartered() {
            (inner + r + RING_MARGIN).max(edge * SQRT_2)
        } else {
            (inner + r + RING_MARGIN).max(edge / half.sin())
        };
        let rho_max = outer - r - RING_MARGIN;
        if rho_max < rho_min {
            return Vec::new();
        }
        let arcs = ((rho_max - rho_min) / step).floor() as usize + 1;
        let mut out = Vec::new();
        for a in 0..arcs {
            let rho = if arcs == 1 {
                (rho_min + rho_max) / 2.0
            } else {
                rho_min + (rho_max - rho_min) * a as f64 / (arcs - 1) as f64
            };
            let k = (edge / rho).min(1.0);
            let (t_min, t_max) = if self.quartered() {
                (k.asin(), k.acos())
            } else {
                (k.asin(), span - k.asin())
            };
            if t_max < t_min {
                continue;
            }
            // Chord between neighbours ≥ step.
            let dt = 2.0 * (step / (2.0 * rho)).min(1.0).asin();
            let n = ((t_max - t_min) / dt).floor() as usize + 1;
            for j in 0..n {
                let t = if n == 1 {
                    (t_min + t_max) / 2.0
                } else {
                    t_min + (t_max - t_min) * j as f64 / (n - 1) as f64
                };
                out.push((rho, t));
            }
        }
        out
    }

    /// Where a slice's title goes: (x, y, text-anchor).
    pub fn label_anchor(&self, pos: usize) -> (f64, f64, &'static str) {
        if self.quartered() {
            let (sx, sy) = quarter_signs(pos);
            let (x, anchor) = if sx < 0.0 {
                (12.0, "start")
            } else {
                (SIZE - 12.0, "end")
            };
            let y = if sy < 0.0 { 26.0 } else { SIZE - 14.0 };
            return (x, y, anchor);
        }
        let a = self.start_angle(pos) + self.span() / 2.0;
        let rho = RADIUS + 16.0;
        let (c, s) = (a.cos(), a.sin());
        let anchor = if c > 0.25 {
            "start"
        } else if c < -0.25 {
            "end"
        } else {
            "middle"
        };
        // Text hangs below its baseline point on the lower half.
        let dy = if s > 0.25 { 14.0 } else { 0.0 };
        (
            round1(CENTER + rho * c),
            round1(CENTER + rho * s + dy),
            anchor,
        )
    }

    /// The SVG viewBox: the circle plus room for slice titles around it.
    pub fn view_box(&self) -> String {
        if self.quartered() {
            format!("0 0 {SIZE} {SIZE}")
        } else {
            format!("-240 -40 {} {}", SIZE + 480.0, SIZE + 80.0)
        }
    }

    pub fn ring_fill(&self, pos: usize) -> &'static str {
        if self.ring_outer.len() == RING_OUTER.len() {
            ["#eef1f4", "#f3f5f7", "#f7f8fa", "#fbfbfc"][pos.min(3)]
        } else {
            RING_FILLS[pos.min(RING_FILLS.len() - 1)]
        }
    }
}

/// The colour of a slice.
pub fn quadrant_color(q: Quadrant) -> &'static str {
    PALETTE[q.position() % PALETTE.len()]
}

/// The four-quadrant layout's (x sign, y sign) for the quadrant at `pos`.
pub fn quarter_signs(pos: usize) -> (f64, f64) {
    match pos {
        0 => (-1.0, -1.0),
        1 => (1.0, -1.0),
        2 => (-1.0, 1.0),
        _ => (1.0, 1.0),
    }
}

/// Distance from (dx, dy) (relative to the centre) to the ray from the
/// centre at angle `a`.
fn ray_distance(a: f64, dx: f64, dy: f64) -> f64 {
    let (c, s) = (a.cos(), a.sin());
    let along = dx * c + dy * s;
    if along <= 0.0 {
        dx.hypot(dy)
    } else {
        (dx * s - dy * c).abs()
    }
}

pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contrast_on_white(hex: &str) -> f64 {
        let c: Vec<f64> = (0..3)
            .map(|i| {
                let v =
                    f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            })
            .collect();
        let l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        1.05 / (l + 0.05)
    }

    #[test]
    fn palette_keeps_white_numbers_readable() {
        for c in PALETTE {
            assert!(contrast_on_white(c) >= 4.5, "{c}: {}", contrast_on_white(c));
        }
        let mut unique = PALETTE.to_vec();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), PALETTE.len());
    }

    #[test]
    fn slices_tile_the_circle_and_slots_stay_inside() {
        for n in 2..=8 {
            let names: Vec<String> = (0..n).map(|i| format!("q{i}")).collect();
            for m in 2..=6 {
                let rings: Vec<String> = (0..m).map(|i| format!("r{i}")).collect();
                let shape = Shape::new(&names, &rings, None).unwrap();
                let g = Geometry::of(&shape);
                assert_eq!(*g.ring_outer().last().unwrap(), RADIUS);
                for pos in 0..n {
                    for ring in 0..m {
                        let slots = g.slots(ring, 14.0);
                        assert!(!slots.is_empty(), "n={n} m={m} ring {ring}: no room");
                        for (rho, t) in slots {
                            let (x, y) = g.to_picture(pos, rho, t);
                            let (x, y) = (round1(x), round1(y));
                            assert!(g.contains(pos, ring, x, y, 14.0), "n={n} m={m}");
                            for other in (0..n).filter(|o| *o != pos) {
                                assert!(!g.contains(other, ring, x, y, 0.0));
                            }
                        }
                    }
                }
            }
        }
    }
}
