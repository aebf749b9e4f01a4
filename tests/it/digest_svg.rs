//! The radar picture's geometry: at 150 entries (and far worse), no two
//! blips overlap, none leaves its segment, and the bytes never change.
//!
//! The checks below re-derive every constraint from the published ring
//! bounds and quadrant directions, and read blip positions back out of the
//! rendered SVG, so they test the picture people see, not just the layout
//! function's own bookkeeping.

use techradar::digest::geometry::Geometry;
use techradar::digest::labels;
use techradar::digest::sample::{many_blips, many_blips_in};
use techradar::digest::svg::{self, CENTER, Placed};
use techradar::digest::{Blip, Movement};
use techradar::model::{Quadrant, Ring};
use techradar::shape::Shape;

fn check_geometry(blips: &[Blip]) -> Vec<Placed> {
    let placed = svg::layout(blips).expect("layout fits");
    assert_eq!(placed.len(), blips.len());
    for p in &placed {
        assert!(
            p.r >= svg::MIN_BLIP_RADIUS,
            "blip {} too small: {}",
            p.number,
            p.r
        );
        let (sx, sy) = svg::quadrant_signs(p.quadrant);
        // Distance from the two axes that bound the quadrant.
        let (u, v) = ((p.x - CENTER) * sx, (p.y - CENTER) * sy);
        assert!(
            u - p.r > 0.0 && v - p.r > 0.0,
            "blip {} crosses an axis: {p:?}",
            p.number
        );
        let rho = u.hypot(v);
        let (inner, outer) = svg::ring_bounds(p.ring);
        assert!(
            rho - p.r > inner,
            "blip {} crosses into the inner ring: {p:?}",
            p.number
        );
        assert!(
            rho + p.r < outer,
            "blip {} crosses into the outer ring: {p:?}",
            p.number
        );
    }
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            let d = (a.x - b.x).hypot(a.y - b.y);
            assert!(
                d > a.r + b.r,
                "blips {} and {} overlap: {a:?} {b:?} at {d}",
                a.number,
                b.number
            );
        }
    }
    placed
}

/// (number, x, y) of every blip, read back from the SVG text.
fn blips_in_svg(svg: &str) -> Vec<(u32, f64, f64)> {
    svg.split(r#"<g class="blip" data-n=""#)
        .skip(1)
        .map(|rest| {
            let n: u32 = rest[..rest.find('"').unwrap()].parse().unwrap();
            let t = rest.find("translate(").unwrap() + "translate(".len();
            let end = t + rest[t..].find(')').unwrap();
            let mut xy = rest[t..end].split(' ').map(|v| v.parse::<f64>().unwrap());
            (n, xy.next().unwrap(), xy.next().unwrap())
        })
        .collect()
}

#[test]
fn one_hundred_fifty_entries_fit_without_overlap() {
    let blips = many_blips(150);
    let placed = check_geometry(&blips);
    // Every segment is used by this distribution, so all 16 were exercised.
    let mut segments: Vec<(Quadrant, Ring)> = placed.iter().map(|p| (p.quadrant, p.ring)).collect();
    segments.sort();
    segments.dedup();
    assert_eq!(segments.len(), 16);

    let picture = svg::render(&blips);
    let drawn = blips_in_svg(&picture);
    assert_eq!(drawn.len(), 150);
    for (p, (n, x, y)) in placed.iter().zip(&drawn) {
        assert_eq!((p.number, p.x, p.y), (*n, *x, *y), "drawn where laid out");
    }
    let mut numbers: Vec<u32> = drawn.iter().map(|d| d.0).collect();
    numbers.sort();
    assert_eq!(
        numbers,
        (1..=150).collect::<Vec<_>>(),
        "numbered 1..=150, once each"
    );
}

#[test]
fn same_input_gives_identical_bytes() {
    let blips = many_blips(150);
    let a = svg::render(&blips);
    let b = svg::render(&blips.clone());
    assert_eq!(a, b);
    let mut reversed = blips.clone();
    reversed.reverse();
    assert_eq!(a, svg::render(&reversed), "input order must not matter");
}

#[test]
fn adding_an_entry_moves_few_others() {
    let mut blips = many_blips(150);
    let before = svg::layout(&blips).unwrap();
    blips.push(Blip {
        name: "zz-newcomer".into(),
        quadrant: Quadrant::Tools,
        ring: Ring::Hold,
        movement: Movement::New,
    });
    let after = svg::layout(&blips).unwrap();
    let moved = before
        .iter()
        .filter(|b| !after.iter().any(|a| (a.x, a.y) == (b.x, b.y)))
        .count();
    assert!(moved <= 1, "{moved} blips moved for one new entry");
}

#[test]
fn all_entries_in_one_segment_still_fit() {
    for q in Quadrant::ALL {
        for r in Ring::ALL {
            let blips: Vec<Blip> = (0..150)
                .map(|i| Blip {
                    name: format!("crowd-{i}"),
                    quadrant: q,
                    ring: r,
                    movement: [
                        Movement::New,
                        Movement::MovedIn,
                        Movement::MovedOut,
                        Movement::Unchanged,
                    ][i % 4],
                })
                .collect();
            check_geometry(&blips);
        }
    }
}

#[test]
fn uneven_pseudo_random_radars_fit() {
    // splitmix64: a fixed sequence, so a failure is reproducible.
    let mut state: u64 = 0x5eed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for round in 0..20 {
        let n = 100 + (next() % 101) as usize;
        let blips: Vec<Blip> = (0..n)
            .map(|i| {
                // Square the draw so some segments get far more than others.
                let q = (next() % 4) as usize;
                let r = ((next() % 16) as f64).sqrt() as usize;
                Blip {
                    name: format!("r{round}-{i}-{}", next() % 1000),
                    quadrant: Quadrant::ALL[q],
                    ring: Ring::ALL[r.min(3)],
                    movement: Movement::Unchanged,
                }
            })
            .collect();
        check_geometry(&blips);
    }
}

/// A shape with `n` quadrants and `m` rings, named q0…, r0….
fn shape(n: usize, m: usize) -> Shape {
    let qs: Vec<String> = (0..n).map(|i| format!("Slice {i}")).collect();
    let rs: Vec<String> = (0..m).map(|i| format!("Ring {i}")).collect();
    Shape::new(&qs, &rs, None).unwrap()
}

/// The geometry checks for any shape, re-derived from the ring bounds and
/// slice edges `Geometry` publishes (and `contains`, tested against them
/// in the library): every blip inside its own segment, clear of the other
/// slices, and no two overlapping. Returns (segments used, smallest blip).
fn check_shaped(shape: &Shape, blips: &[Blip]) -> (usize, f64) {
    let g = Geometry::of(shape);
    let placed = svg::layout_in(shape, blips).expect("layout fits");
    assert_eq!(placed.len(), blips.len());
    let titles: Vec<String> = shape
        .rings()
        .iter()
        .map(|r| r.title().to_uppercase())
        .collect();
    let ring_labels = labels::ring_labels(&g, &titles);
    for p in &placed {
        for l in &ring_labels {
            assert!(
                l.bbox.distance(p.x, p.y) > p.r,
                "blip {} covers the ring label {l:?}",
                p.number
            );
        }
        let (q, r) = (p.quadrant.position(), p.ring.position());
        assert!(
            p.r >= svg::MIN_BLIP_RADIUS,
            "blip {} too small: {p:?}",
            p.number
        );
        assert!(
            g.contains(q, r, p.x, p.y, p.r),
            "blip {} leaves its segment: {p:?}",
            p.number
        );
        let (inner, outer) = g.ring_bounds(r);
        let rho = (p.x - CENTER).hypot(p.y - CENTER);
        assert!(
            rho - p.r > inner && rho + p.r < outer,
            "blip {}: {p:?}",
            p.number
        );
        for other in (0..shape.quadrants().len()).filter(|o| *o != q) {
            assert!(
                !g.contains(other, r, p.x, p.y, 0.0),
                "blip {} in slice {other}",
                p.number
            );
        }
    }
    for (i, a) in placed.iter().enumerate() {
        for b in &placed[i + 1..] {
            let d = (a.x - b.x).hypot(a.y - b.y);
            assert!(
                d > a.r + b.r,
                "blips {} and {} overlap at {d}",
                a.number,
                b.number
            );
        }
    }
    let mut segments: Vec<(usize, usize)> = placed
        .iter()
        .map(|p| (p.quadrant.position(), p.ring.position()))
        .collect();
    segments.sort();
    segments.dedup();
    let smallest = placed.iter().map(|p| p.r).fold(f64::INFINITY, f64::min);
    (segments.len(), smallest)
}

#[test]
fn every_shape_from_two_to_eight_slices_fits_150_entries() {
    let mut report = vec![
        "| N | M | blips | segments used | overlaps | outside segment | smallest blip r |"
            .to_string(),
        "| --- | --- | --- | --- | --- | --- | --- |".to_string(),
    ];
    for n in 2..=8 {
        for m in [4, 5, 6] {
            let s = shape(n, m);
            let blips = many_blips_in(&s, 150);
            let (segments, smallest) = check_shaped(&s, &blips);
            assert_eq!(segments, n * m, "N={n} M={m}: every segment exercised");
            report.push(format!(
                "| {n} | {m} | 150 | {segments}/{} | 0 | 0 | {smallest} |",
                n * m
            ));
            // The picture draws what was laid out: one blip per entry, a
            // label per slice and ring.
            let picture = svg::render_in(&s, &blips);
            assert_eq!(blips_in_svg(&picture).len(), 150);
            for q in s.quadrants() {
                assert!(picture.contains(&format!(">{}</text>", q.title())), "N={n}");
            }
            for r in s.rings() {
                assert!(picture.contains(&format!(">{}</text>", r.title().to_uppercase())));
            }
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn all_150_in_the_narrowest_segment_still_fit() {
    // Eight slices, six rings: the innermost segment is the smallest.
    let s = shape(8, 6);
    for (q, r) in [(0, 0), (7, 5), (3, 2)] {
        let blips: Vec<Blip> = (0..150)
            .map(|i| Blip {
                name: format!("crowd-{i}"),
                quadrant: s.quadrants()[q],
                ring: s.rings()[r],
                movement: Movement::MovedIn,
            })
            .collect();
        let (_, smallest) = check_shaped(&s, &blips);
        println!("8×6, 150 blips in segment ({q}, {r}): smallest r = {smallest}");
    }
}

#[test]
fn the_default_shape_keeps_its_layout() {
    let blips = many_blips(150);
    assert_eq!(
        svg::render_in(&Shape::default(), &blips),
        svg::render(&blips),
        "the active shape of a process without [radar] is the default"
    );
    let (segments, _) = check_shaped(&Shape::default(), &blips);
    assert_eq!(segments, 16);
}
