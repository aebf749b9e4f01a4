//! The radar picture: N slices × M rings (the radar's shape) as an SVG we
//! draw ourselves, on the coordinates `geometry` owns.
//!
//! Layout is deterministic and collision-free by construction. Each segment
//! (one quadrant × one ring) gets a set of candidate slots on concentric
//! arcs: arcs are at least one blip diameter plus a gap apart, and slots on
//! an arc are at least that far apart as a chord, so no two slots can
//! overlap; every slot keeps a margin from the segment's four edges, so no
//! blip leaves its segment. Each blip then takes the slot its name hashes to
//! (FNV-1a, stable across platforms and releases), probing forward when it
//! is taken. Same input → same bytes, and adding one entry moves only
//! entries that collide with it. A segment too crowded for the default blip
//! size gets smaller blips in that segment only.
//!
//! Blip numbers come from [`number`] (quadrant, ring, name order), which the
//! HTML legend uses too. Names are escaped; nothing else from a source is
//! drawn.

use std::fmt::Write as _;

use super::geometry::{self, Geometry, round1};
use super::labels::{self, LabelBox};
use super::model::{Blip, Movement};
use super::sanitize;
use crate::model::{Quadrant, Ring};
use crate::shape::{self, Shape};

/// Outer radius of each ring of the four-ring radar, innermost first.
pub use super::geometry::RING_OUTER;
pub use super::geometry::{AXIS_MARGIN, CENTER, RING_MARGIN, SIZE};
/// Blip radius when a segment has room for it.
pub const BLIP_RADIUS: f64 = 14.0;
/// Smallest blip radius before the layout gives up.
pub const MIN_BLIP_RADIUS: f64 = 1.5;

/// Inner and outer radius of a ring in the active shape's picture.
pub fn ring_bounds(ring: Ring) -> (f64, f64) {
    Geometry::of(&shape::active()).ring_bounds(ring.position())
}

/// Direction of a quadrant of the four-quadrant radar from the centre as
/// (x sign, y sign) in SVG coordinates (y grows downwards): techniques top
/// left, tools top right, platforms bottom left, languages & frameworks
/// bottom right, so the reading order matches the legend. Other counts are
/// slices clockwise from twelve o'clock: see [`Geometry`].
pub fn quadrant_signs(q: Quadrant) -> (f64, f64) {
    geometry::quarter_signs(q.position())
}

pub fn quadrant_title(q: Quadrant) -> &'static str {
    q.title()
}

/// Fill colour per quadrant (contrast ≥ 4.5:1 against the white numbers).
pub fn quadrant_color(q: Quadrant) -> &'static str {
    geometry::quadrant_color(q)
}

/// Blips in legend order with their numbers (1-based): by quadrant, ring,
/// then name (case-insensitive, ties by exact name).
pub fn number(blips: &[Blip]) -> Vec<(u32, &Blip)> {
    let mut sorted: Vec<&Blip> = blips.iter().collect();
    sorted.sort_by(|a, b| {
        (a.quadrant, a.ring, a.name.to_lowercase(), &a.name).cmp(&(
            b.quadrant,
            b.ring,
            b.name.to_lowercase(),
            &b.name,
        ))
    });
    sorted
        .into_iter()
        .enumerate()
        .map(|(i, b)| (i as u32 + 1, b))
        .collect()
}

/// Where one blip is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub number: u32,
    pub quadrant: Quadrant,
    pub ring: Ring,
    pub movement: Movement,
    /// Centre, in picture coordinates, rounded to what the SVG prints.
    pub x: f64,
    pub y: f64,
    /// Radius of the blip (everything drawn for it stays within).
    pub r: f64,
}

/// Places every blip; `None` when a segment holds more blips than fit even
/// at [`MIN_BLIP_RADIUS`] (hundreds in one segment). Result is in number order.
pub fn layout(blips: &[Blip]) -> Option<Vec<Placed>> {
    layout_in(&shape::active(), blips)
}

/// [`layout`] for a given shape.
pub fn layout_in(shape: &Shape, blips: &[Blip]) -> Option<Vec<Placed>> {
    let g = Geometry::of(shape);
    // Labels along an edge sit in the gutter every blip keeps; only those
    // turned across it take room blips must avoid.
    let across: Vec<LabelBox> = labels::ring_labels(&g, &ring_titles(shape))
        .into_iter()
        .filter(|l| !l.radial)
        .map(|l| l.bbox)
        .collect();
    let numbered = number(blips);
    let mut placed = Vec::with_capacity(numbered.len());
    // `numbered` is grouped by segment already.
    let mut start = 0;
    while start < numbered.len() {
        let (q, r) = (numbered[start].1.quadrant, numbered[start].1.ring);
        let end = numbered[start..]
            .iter()
            .position(|(_, b)| (b.quadrant, b.ring) != (q, r))
            .map_or(numbered.len(), |n| start + n);
        placed.extend(layout_segment(&g, &across, q, r, &numbered[start..end])?);
        start = end;
    }
    Some(placed)
}

/// Ring titles as drawn, innermost first.
fn ring_titles(shape: &Shape) -> Vec<String> {
    shape
        .rings()
        .iter()
        .map(|r| r.title().to_uppercase())
        .collect()
}

fn layout_segment(
    g: &Geometry,
    keep_off: &[LabelBox],
    q: Quadrant,
    ring: Ring,
    blips: &[(u32, &Blip)],
) -> Option<Vec<Placed>> {
    let mut radius = BLIP_RADIUS;
    let slots = loop {
        let mut slots = g.slots(ring.position(), radius);
        if !keep_off.is_empty() {
            slots.retain(|&(rho, t)| {
                let (x, y) = g.to_picture(q.position(), rho, t);
                let (x, y) = (round1(x), round1(y));
                keep_off.iter().all(|b| b.distance(x, y) > radius + 1.0)
            });
        }
        if slots.len() >= blips.len() {
            break slots;
        }
        radius *= 0.9;
        if radius < MIN_BLIP_RADIUS {
            return None;
        }
    };
    let mut taken = vec![false; slots.len()];
    let mut out = Vec::with_capacity(blips.len());
    for &(n, b) in blips {
        let mut i = (fnv1a(b.name.as_bytes()) % slots.len() as u64) as usize;
        while taken[i] {
            i = (i + 1) % slots.len();
        }
        taken[i] = true;
        let (rho, t) = slots[i];
        let (x, y) = g.to_picture(q.position(), rho, t);
        out.push(Placed {
            number: n,
            quadrant: q,
            ring,
            movement: b.movement,
            x: round1(x),
            y: round1(y),
            r: round1(radius),
        });
    }
    Some(out)
}

/// FNV-1a, 64 bit: a stable seed from a name (std's hasher may change).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The radar as a standalone `<svg>` element (inline it in HTML, or save it
/// with an XML prolog as a file). Each blip is a `<g class="blip">` with a
/// `<title>` naming the entry, for hover and screen readers.
pub fn render(blips: &[Blip]) -> String {
    render_in(&shape::active(), blips)
}

/// [`render`] for a given shape.
pub fn render_in(shape: &Shape, blips: &[Blip]) -> String {
    let g = Geometry::of(shape);
    let mut s = String::with_capacity(4096 + blips.len() * 400);
    let total = blips.len();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="{}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif" role="img" aria-labelledby="radar-title"><title id="radar-title">Technology radar, {total} entries</title>"##,
        g.view_box()
    );
    // Rings, outermost first so inner ones paint over.
    for i in (0..g.ring_count()).rev() {
        let _ = write!(
            s,
            r##"<circle cx="{CENTER}" cy="{CENTER}" r="{}" fill="{}" stroke="#c3cad3" stroke-width="1.5"/>"##,
            g.ring_outer()[i],
            g.ring_fill(i)
        );
    }
    let outermost = g.ring_outer()[g.ring_count() - 1];
    if g.quartered() {
        let (lo, hi) = (CENTER - outermost, CENTER + outermost);
        let _ = write!(
            s,
            r##"<path d="M{lo} {CENTER}H{hi}M{CENTER} {lo}V{hi}" stroke="#9aa5b1" stroke-width="1.5"/>"##
        );
    } else {
        s.push_str(r##"<path d=""##);
        for pos in 0..g.quadrant_count() {
            let a = g.start_angle(pos);
            let _ = write!(
                s,
                "M{CENTER} {CENTER}L{} {}",
                round1(CENTER + outermost * a.cos()),
                round1(CENTER + outermost * a.sin())
            );
        }
        s.push_str(r##"" stroke="#9aa5b1" stroke-width="1.5"/>"##);
    }
    // Ring names on an edge: both sides of the horizontal axis for quarters,
    // up the twelve o'clock edge (where slice 1 starts) otherwise; turned
    // across the edge where a ring is too narrow (see `labels`).
    s.push_str(r##"<g class="ring-labels" font-size="12" font-weight="600" fill="#5b6673" text-anchor="middle" letter-spacing="1">"##);
    let titles = ring_titles(shape);
    for l in labels::ring_labels(&g, &titles) {
        let label = sanitize::escape_html(&titles[l.ring]);
        let (x, y) = (l.x, l.y);
        let rotate = if l.vertical {
            format!(r##" transform="rotate(-90 {x} {y})""##)
        } else {
            String::new()
        };
        let size = if l.font == labels::RING_FONT {
            String::new()
        } else {
            format!(r##" font-size="{}""##, l.font)
        };
        let _ = write!(
            s,
            r##"<text x="{x}" y="{y}"{rotate}{size} paint-order="stroke" stroke="#fff" stroke-width="3">{label}</text>"##
        );
    }
    s.push_str("</g>");
    // Quadrant names outside the circle: the corners for quarters, beyond
    // each slice's middle otherwise.
    s.push_str(r##"<g class="quadrant-labels" font-size="17" font-weight="700">"##);
    for &q in shape.quadrants() {
        let (x, y, anchor) = g.label_anchor(q.position());
        let _ = write!(
            s,
            r##"<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{}">{}</text>"##,
            quadrant_color(q),
            sanitize::escape_html(quadrant_title(q))
        );
    }
    s.push_str("</g>");
    match layout_in(shape, blips) {
        Some(placed) => {
            let names = number(blips);
            s.push_str(r##"<g class="blips" font-weight="700" text-anchor="middle" fill="#fff">"##);
            for (p, (_, b)) in placed.iter().zip(names) {
                blip(&mut s, p, &b.name);
            }
            s.push_str("</g>");
        }
        None => {
            let _ = write!(
                s,
                r##"<text x="{CENTER}" y="{CENTER}" text-anchor="middle" font-size="18">Too many entries to draw ({total}); see the list.</text>"##
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn blip(s: &mut String, p: &Placed, name: &str) {
    let color = quadrant_color(p.quadrant);
    let body = round1(p.r * 0.74);
    let mark_r = round1(p.r * 0.89);
    let mark_w = round1(p.r * 0.2);
    let digits = p.number.to_string().len();
    let font = round1(body * if digits >= 3 { 0.95 } else { 1.2 });
    let label = match p.movement {
        Movement::Unchanged => String::new(),
        m => format!(" ({})", m.label()),
    };
    let _ = write!(
        s,
        r##"<g class="blip" data-n="{n}" data-movement="{mv}" transform="translate({x} {y})"><title>{n}. {name}{label}</title><circle r="{body}" fill="{color}"/>"##,
        n = p.number,
        mv = movement_class(p.movement),
        x = p.x,
        y = p.y,
        name = sanitize::html(name),
    );
    match p.movement {
        Movement::Unchanged => {}
        Movement::New => {
            let _ = write!(
                s,
                r##"<circle r="{mark_r}" fill="none" stroke="{color}" stroke-width="{mark_w}"/>"##
            );
        }
        Movement::MovedIn | Movement::MovedOut => {
            // An arc on the side facing the centre (moved in) or the rim
            // (moved out), 120° wide.
            let towards_centre = (CENTER - p.y).atan2(CENTER - p.x);
            let phi = if p.movement == Movement::MovedIn {
                towards_centre
            } else {
                towards_centre + std::f64::consts::PI
            };
            let half = std::f64::consts::PI / 3.0;
            let (x0, y0) = (
                round1(mark_r * (phi - half).cos()),
                round1(mark_r * (phi - half).sin()),
            );
            let (x1, y1) = (
                round1(mark_r * (phi + half).cos()),
                round1(mark_r * (phi + half).sin()),
            );
            let _ = write!(
                s,
                r##"<path d="M{x0} {y0}A{mark_r} {mark_r} 0 0 1 {x1} {y1}" fill="none" stroke="{color}" stroke-width="{mark_w}" stroke-linecap="butt"/>"##
            );
        }
    }
    let _ = write!(
        s,
        r##"<text y="{}" font-size="{font}">{}</text></g>"##,
        round1(font * 0.36),
        p.number
    );
}

pub fn movement_class(m: Movement) -> &'static str {
    match m {
        Movement::New => "new",
        Movement::MovedIn => "moved-in",
        Movement::MovedOut => "moved-out",
        Movement::Unchanged => "unchanged",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blip(name: &str, quadrant: Quadrant, ring: Ring) -> Blip {
        Blip {
            name: name.into(),
            quadrant,
            ring,
            movement: Movement::Unchanged,
        }
    }

    #[test]
    fn numbers_follow_quadrant_ring_name() {
        let blips = vec![
            blip("zig", Quadrant::Tools, Ring::Adopt),
            blip("Axum", Quadrant::Techniques, Ring::Hold),
            blip("actix", Quadrant::Techniques, Ring::Hold),
            blip("tdd", Quadrant::Techniques, Ring::Adopt),
        ];
        let order: Vec<(u32, &str)> = number(&blips)
            .into_iter()
            .map(|(n, b)| (n, b.name.as_str()))
            .collect();
        assert_eq!(order, [(1, "tdd"), (2, "actix"), (3, "Axum"), (4, "zig")]);
    }

    #[test]
    fn every_segment_has_room_for_a_realistic_share() {
        let g = Geometry::of(&Shape::default());
        for ring in Ring::ALL {
            let n = g.slots(ring.position(), BLIP_RADIUS).len();
            assert!(n >= 8, "{ring}: only {n} slots at the default size");
        }
    }

    #[test]
    fn a_crowded_segment_shrinks_its_blips_only() {
        let mut blips: Vec<Blip> = (0..120)
            .map(|i| blip(&format!("t{i}"), Quadrant::Tools, Ring::Adopt))
            .collect();
        blips.push(blip("lonely", Quadrant::Platforms, Ring::Hold));
        let placed = layout(&blips).unwrap();
        let lonely = placed.iter().find(|p| p.ring == Ring::Hold).unwrap();
        let crowded = placed.iter().find(|p| p.ring == Ring::Adopt).unwrap();
        assert_eq!(lonely.r, BLIP_RADIUS);
        assert!(crowded.r < BLIP_RADIUS);
    }

    #[test]
    fn absurd_crowding_gives_up_instead_of_overlapping() {
        let blips: Vec<Blip> = (0..5000)
            .map(|i| blip(&format!("t{i}"), Quadrant::Tools, Ring::Adopt))
            .collect();
        assert!(layout(&blips).is_none());
        assert!(render(&blips).contains("Too many entries to draw"));
    }
}
