//! The radar's shape: which quadrants and rings it has, in what order, and
//! which ring the hold rules move to (radar.toml `[radar]`).
//!
//! Owns `Ring` and `Quadrant` (re-exported by `model`), the validated
//! `Shape`, and the process's active shape that entry files and stack.toml
//! are parsed against. Holds no I/O and no rules: the score rules ask the
//! shape for positions ("one ring out", "the hold ring"), renderers ask it
//! for slices and labels.
//!
//! Why an active shape instead of a parameter: ring and quadrant slugs are
//! read by serde in a dozen file formats (entry front matter, history,
//! decisions, stack.toml, exports). Resolving them while parsing is what
//! lets an unknown slug fail with the file and line the parser already
//! knows. The binary installs the shape once, when it loads radar.toml;
//! tests that need another shape scope it to their thread.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use thiserror::Error;

pub const MIN_QUADRANTS: usize = 2;
pub const MAX_QUADRANTS: usize = 8;
pub const MIN_RINGS: usize = 2;
pub const MAX_RINGS: usize = 6;

/// A radar ring: its position (0 = innermost), slug and title.
///
/// Ordered by position, so sorting rings sorts them inside out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ring {
    pos: u8,
    slug: &'static str,
    title: &'static str,
}

/// A radar quadrant (a slice; there may be 2–8): position in drawing order,
/// slug and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quadrant {
    pos: u8,
    slug: &'static str,
    title: &'static str,
}

// The default (Thoughtworks) shape keeps the names the enums had, so code
// and tests written against the four-by-four radar read as before.
#[allow(non_upper_case_globals)]
impl Ring {
    pub const Adopt: Ring = Ring::fixed(0, "adopt", "Adopt");
    pub const Trial: Ring = Ring::fixed(1, "trial", "Trial");
    pub const Assess: Ring = Ring::fixed(2, "assess", "Assess");
    pub const Hold: Ring = Ring::fixed(3, "hold", "Hold");
    /// The default shape's rings; a configured radar may have others: use
    /// [`Shape::rings`].
    pub const ALL: [Ring; 4] = [Ring::Adopt, Ring::Trial, Ring::Assess, Ring::Hold];

    const fn fixed(pos: u8, slug: &'static str, title: &'static str) -> Ring {
        Ring { pos, slug, title }
    }

    pub fn as_str(self) -> &'static str {
        self.slug
    }

    pub fn title(self) -> &'static str {
        self.title
    }

    /// 0 for the innermost ring.
    pub fn position(self) -> usize {
        usize::from(self.pos)
    }
}

#[allow(non_upper_case_globals)]
impl Quadrant {
    pub const Techniques: Quadrant = Quadrant::fixed(0, "techniques", "Techniques");
    pub const Tools: Quadrant = Quadrant::fixed(1, "tools", "Tools");
    pub const Platforms: Quadrant = Quadrant::fixed(2, "platforms", "Platforms");
    pub const LanguagesAndFrameworks: Quadrant =
        Quadrant::fixed(3, "languages-and-frameworks", "Languages & Frameworks");
    /// The default shape's quadrants; see [`Shape::quadrants`].
    pub const ALL: [Quadrant; 4] = [
        Quadrant::Techniques,
        Quadrant::Tools,
        Quadrant::Platforms,
        Quadrant::LanguagesAndFrameworks,
    ];

    const fn fixed(pos: u8, slug: &'static str, title: &'static str) -> Quadrant {
        Quadrant { pos, slug, title }
    }

    pub fn as_str(self) -> &'static str {
        self.slug
    }

    pub fn title(self) -> &'static str {
        self.title
    }

    /// Drawing order, from 0.
    pub fn position(self) -> usize {
        usize::from(self.pos)
    }
}

impl fmt::Display for Ring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug)
    }
}

impl fmt::Display for Quadrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug)
    }
}

impl Serialize for Ring {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug)
    }
}

impl Serialize for Quadrant {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug)
    }
}

impl<'de> Deserialize<'de> for Ring {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Ring, D::Error> {
        let text = String::deserialize(d)?;
        let shape = active();
        shape.ring(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown ring {text:?}{}; the configured rings are: {} (radar.toml [radar] rings)",
                did_you_mean(&text, shape.rings.iter().map(|r| r.slug)),
                shape.ring_list()
            ))
        })
    }
}

impl<'de> Deserialize<'de> for Quadrant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quadrant, D::Error> {
        let text = String::deserialize(d)?;
        let shape = active();
        shape.quadrant(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown quadrant {text:?}{}; the configured quadrants are: {} (radar.toml [radar] quadrants)",
                did_you_mean(&text, shape.quadrants.iter().map(|q| q.slug)),
                shape.quadrant_list()
            ))
        })
    }
}

#[derive(Debug, Error, PartialEq)]
pub enum ShapeError {
    #[error(
        "[radar] quadrants: {count} given; a radar has {MIN_QUADRANTS} to {MAX_QUADRANTS} quadrants"
    )]
    QuadrantCount { count: usize },
    #[error("[radar] rings: {count} given; a radar has {MIN_RINGS} to {MAX_RINGS} rings")]
    RingCount { count: usize },
    #[error("[radar] {key}: {name:?} has no letters or digits; give it a name, e.g. \"Data & AI\"")]
    Empty { key: &'static str, name: String },
    #[error(
        "[radar] {key}: {first:?} and {second:?} both become {slug:?} in files; rename one of them"
    )]
    Duplicate {
        key: &'static str,
        first: String,
        second: String,
        slug: String,
    },
    #[error("[radar] hold = {hold:?} is not one of the rings: {valid}")]
    UnknownHold { hold: String, valid: String },
    #[error(
        "[radar] hold = {hold:?} is the innermost ring; hold must be further out, e.g. the outermost ring"
    )]
    HoldInnermost { hold: String },
}

/// A validated shape. The default is the Thoughtworks four and four.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    quadrants: Vec<Quadrant>,
    rings: Vec<Ring>,
    hold: usize,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape {
            quadrants: Quadrant::ALL.to_vec(),
            rings: Ring::ALL.to_vec(),
            hold: 3,
        }
    }
}

impl Shape {
    /// Builds a shape from `[radar]`: quadrants in drawing order, rings
    /// inside out, `hold` by name or slug (default: a ring named Hold, else
    /// the outermost).
    pub fn new<Q: AsRef<str>, R: AsRef<str>>(
        quadrants: &[Q],
        rings: &[R],
        hold: Option<&str>,
    ) -> Result<Shape, ShapeError> {
        if !(MIN_QUADRANTS..=MAX_QUADRANTS).contains(&quadrants.len()) {
            return Err(ShapeError::QuadrantCount {
                count: quadrants.len(),
            });
        }
        if !(MIN_RINGS..=MAX_RINGS).contains(&rings.len()) {
            return Err(ShapeError::RingCount { count: rings.len() });
        }
        let quadrants = named("quadrants", quadrants)?
            .into_iter()
            .enumerate()
            .map(|(i, (slug, title))| Quadrant {
                pos: i as u8,
                slug,
                title,
            })
            .collect();
        let rings: Vec<Ring> = named("rings", rings)?
            .into_iter()
            .enumerate()
            .map(|(i, (slug, title))| Ring {
                pos: i as u8,
                slug,
                title,
            })
            .collect();
        let hold = match hold {
            Some(h) => {
                let want = slug(h);
                rings.iter().position(|r| r.slug == want).ok_or_else(|| {
                    ShapeError::UnknownHold {
                        hold: h.to_string(),
                        valid: list(rings.iter().map(|r| r.title)),
                    }
                })?
            }
            None => rings
                .iter()
                .position(|r| r.slug == "hold")
                .unwrap_or(rings.len() - 1),
        };
        if hold == 0 {
            return Err(ShapeError::HoldInnermost {
                hold: rings[0].title.to_string(),
            });
        }
        Ok(Shape {
            quadrants,
            rings,
            hold,
        })
    }

    pub fn quadrants(&self) -> &[Quadrant] {
        &self.quadrants
    }

    pub fn rings(&self) -> &[Ring] {
        &self.rings
    }

    pub fn is_default(&self) -> bool {
        *self == Shape::default()
    }

    /// The configured ring whose slug (or name) is `text`.
    pub fn ring(&self, text: &str) -> Option<Ring> {
        let text = text.trim();
        self.rings
            .iter()
            .find(|r| r.slug == text)
            .or_else(|| {
                let want = slug(text);
                self.rings.iter().find(|r| r.slug == want)
            })
            .copied()
    }

    /// The configured quadrant whose slug (or name) is `text`.
    pub fn quadrant(&self, text: &str) -> Option<Quadrant> {
        let text = text.trim();
        self.quadrants
            .iter()
            .find(|q| q.slug == text)
            .or_else(|| {
                let want = slug(text);
                self.quadrants.iter().find(|q| q.slug == want)
            })
            .copied()
    }

    /// The ring at a position, if the shape has one there.
    pub fn ring_at(&self, pos: usize) -> Option<Ring> {
        self.rings.get(pos).copied()
    }

    pub fn quadrant_at(&self, pos: usize) -> Option<Quadrant> {
        self.quadrants.get(pos).copied()
    }

    /// Whether `r` is this shape's ring (same slug at the same position).
    pub fn has_ring(&self, r: Ring) -> bool {
        self.rings.contains(&r)
    }

    pub fn has_quadrant(&self, q: Quadrant) -> bool {
        self.quadrants.contains(&q)
    }

    /// The ring the hold rules move to.
    pub fn hold(&self) -> Ring {
        self.rings[self.hold]
    }

    pub fn innermost(&self) -> Ring {
        self.rings[0]
    }

    /// Where a technology not yet on the radar enters: the ring just inside
    /// hold, never the innermost (in the default shape: assess).
    pub fn entry_ring(&self) -> Ring {
        self.rings[(self.hold - 1).clamp(1, self.hold)]
    }

    /// One ring out, stopping at hold: rings past hold are a lead's call.
    pub fn outward(&self, r: Ring) -> Ring {
        if r.position() < self.hold {
            self.rings[r.position() + 1]
        } else {
            r
        }
    }

    /// One ring in, never into the innermost ring.
    pub fn inward(&self, r: Ring) -> Ring {
        if r.position() >= 2 && r.position() < self.rings.len() {
            self.rings[r.position() - 1]
        } else {
            r
        }
    }

    /// "adopt, trial, assess, hold": for error messages.
    pub fn ring_list(&self) -> String {
        list(self.rings.iter().map(|r| r.slug))
    }

    pub fn quadrant_list(&self) -> String {
        list(self.quadrants.iter().map(|q| q.slug))
    }
}

fn list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// The slug in `valid` nearest to `text` (Jaro-Winkler on slugs), if any is
/// close enough to be a plausible typo or rename.
pub fn closest<'a>(text: &str, valid: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let text = slug(text);
    valid
        .map(|v| (strsim::jaro_winkler(&text, v), v))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, v)| v)
}

/// " (did you mean \"tools\"?)" or nothing.
fn did_you_mean<'a>(text: &str, valid: impl Iterator<Item = &'a str>) -> String {
    closest(text, valid)
        .map(|c| format!(" (did you mean {c:?}?)"))
        .unwrap_or_default()
}

/// Validates names and interns (slug, title) pairs.
fn named<S: AsRef<str>>(
    key: &'static str,
    names: &[S],
) -> Result<Vec<(&'static str, &'static str)>, ShapeError> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::with_capacity(names.len());
    for n in names {
        let title = n.as_ref().trim();
        let s = slug(title);
        if s.is_empty() {
            return Err(ShapeError::Empty {
                key,
                name: title.to_string(),
            });
        }
        if let Some((_, first)) = out.iter().find(|(other, _)| *other == s) {
            return Err(ShapeError::Duplicate {
                key,
                first: first.to_string(),
                second: title.to_string(),
                slug: s,
            });
        }
        out.push((intern(s), intern(title.to_string())));
    }
    Ok(out)
}

/// The slug files use for a quadrant or ring name: lower case ASCII words
/// joined by `-`, `&` read as "and" (`Languages & Frameworks` →
/// `languages-and-frameworks`, `Data & AI` → `data-and-ai`).
pub fn slug(name: &str) -> String {
    let ascii = deunicode::deunicode(&name.replace('&', " and "));
    let mut out = String::with_capacity(ascii.len());
    for word in ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

// Shapes are loaded a handful of times per process (the scheduler reloads
// radar.toml per job); interning keeps `Ring`/`Quadrant` `Copy` and bounds
// the memory to the distinct names ever configured.
fn intern(s: String) -> &'static str {
    static SEEN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut guard = match SEEN.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let set = guard.get_or_insert_with(HashSet::new);
    if let Some(existing) = set.get(s.as_str()) {
        return existing;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    set.insert(leaked);
    leaked
}

static ACTIVE: RwLock<Option<Arc<Shape>>> = RwLock::new(None);

thread_local! {
    static SCOPED: RefCell<Option<Arc<Shape>>> = const { RefCell::new(None) };
}

/// The shape files are parsed against: this thread's scoped shape, else the
/// installed one, else the default.
pub fn active() -> Arc<Shape> {
    if let Some(s) = SCOPED.with(|s| s.borrow().clone()) {
        return s;
    }
    let guard = match ACTIVE.read() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    guard.clone().unwrap_or_else(|| Arc::new(Shape::default()))
}

/// Makes `shape` the process's shape (the binary, once radar.toml is read).
pub fn install(shape: &Shape) {
    let mut guard = match ACTIVE.write() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if guard.as_deref() != Some(shape) {
        *guard = Some(Arc::new(shape.clone()));
    }
}

/// Uses `shape` on this thread until the guard drops (tests, and code that
/// parses one radar's files while another is installed).
pub fn scoped(shape: &Shape) -> ScopedShape {
    let previous = SCOPED.with(|s| s.replace(Some(Arc::new(shape.clone()))));
    ScopedShape { previous }
}

pub struct ScopedShape {
    previous: Option<Arc<Shape>>,
}

impl Drop for ScopedShape {
    fn drop(&mut self) {
        let previous = self.previous.take();
        SCOPED.with(|s| *s.borrow_mut() = previous);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn five() -> Shape {
        Shape::new(
            &[
                "Techniques",
                "Tools",
                "Platforms",
                "Languages & Frameworks",
                "Data & AI",
            ],
            &["Adopt", "Trial", "Assess", "Hold", "Retire"],
            None,
        )
        .unwrap()
    }

    #[test]
    fn default_shape_is_the_thoughtworks_four_and_four() {
        let names = ["Techniques", "Tools", "Platforms", "Languages & Frameworks"];
        let rings = ["Adopt", "Trial", "Assess", "Hold"];
        assert_eq!(Shape::new(&names, &rings, None).unwrap(), Shape::default());
        assert!(Shape::default().is_default());
        assert_eq!(Shape::default().hold(), Ring::Hold);
    }

    #[test]
    fn slugs_read_ampersands_and_drop_punctuation() {
        assert_eq!(slug("Data & AI"), "data-and-ai");
        assert_eq!(slug("Languages & Frameworks"), "languages-and-frameworks");
        assert_eq!(slug("  Café / Ops "), "cafe-ops");
    }

    #[test]
    fn counts_duplicates_and_hold_are_checked() {
        let r4 = ["a", "b", "c", "d"];
        assert_eq!(
            Shape::new(&["one"], &r4, None),
            Err(ShapeError::QuadrantCount { count: 1 })
        );
        let nine: Vec<String> = (0..9).map(|i| format!("q{i}")).collect();
        assert!(matches!(
            Shape::new(&nine, &r4, None),
            Err(ShapeError::QuadrantCount { count: 9 })
        ));
        assert!(matches!(
            Shape::new(&["x", "y"], &["only"], None),
            Err(ShapeError::RingCount { count: 1 })
        ));
        let e = Shape::new(&["Data & AI", "data and ai"], &r4, None).unwrap_err();
        assert!(e.to_string().contains("both become \"data-and-ai\""), "{e}");
        let e = Shape::new(&["x", "y"], &r4, Some("Retire")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[radar] hold = \"Retire\" is not one of the rings: a, b, c, d"
        );
        assert!(matches!(
            Shape::new(&["x", "y"], &r4, Some("a")),
            Err(ShapeError::HoldInnermost { .. })
        ));
        assert!(matches!(
            Shape::new(&["x", "?"], &r4, None),
            Err(ShapeError::Empty { .. })
        ));
    }

    #[test]
    fn hold_defaults_to_a_ring_named_hold_else_the_outermost() {
        assert_eq!(five().hold().as_str(), "hold");
        let s = Shape::new(&["x", "y"], &["Use", "Try", "Stop"], None).unwrap();
        assert_eq!(s.hold().as_str(), "stop");
        let s = Shape::new(&["x", "y"], &["Use", "Try", "Stop"], Some("try")).unwrap();
        assert_eq!(s.hold().as_str(), "try");
    }

    #[test]
    fn moves_are_by_position_and_stop_at_hold() {
        let s = five();
        let r = |slug: &str| s.ring(slug).unwrap();
        assert_eq!(s.outward(r("adopt")), r("trial"));
        assert_eq!(s.outward(r("assess")), r("hold"));
        assert_eq!(s.outward(r("hold")), r("hold"), "never proposed past hold");
        assert_eq!(s.outward(r("retire")), r("retire"));
        assert_eq!(s.inward(r("retire")), r("hold"));
        assert_eq!(s.inward(r("trial")), r("trial"), "never into the innermost");
        assert_eq!(s.inward(r("adopt")), r("adopt"));
        assert_eq!(s.entry_ring(), r("assess"));
        let two = Shape::new(&["x", "y"], &["Use", "Stop"], None).unwrap();
        assert_eq!(two.entry_ring().as_str(), "stop");
        assert_eq!(two.inward(two.hold()).as_str(), "stop");
    }

    #[test]
    fn files_parse_against_the_scoped_shape_and_name_the_valid_values() {
        #[derive(Deserialize, Debug)]
        struct F {
            quadrant: Quadrant,
            ring: Ring,
        }
        let f: F = toml::from_str("quadrant = \"tools\"\nring = \"hold\"").unwrap();
        assert_eq!((f.quadrant, f.ring), (Quadrant::Tools, Ring::Hold));
        let e = toml::from_str::<F>("quadrant = \"data-and-ai\"\nring = \"hold\"").unwrap_err();
        assert!(
            e.to_string().contains("unknown quadrant \"data-and-ai\"; the configured quadrants are: techniques, tools, platforms, languages-and-frameworks"),
            "{e}"
        );
        let shape = five();
        let _scope = scoped(&shape);
        let f: F = toml::from_str("quadrant = \"data-and-ai\"\nring = \"retire\"").unwrap();
        assert_eq!(f.quadrant.title(), "Data & AI");
        assert_eq!(f.ring.position(), 4);
        assert_eq!(serde_json::to_string(&f.ring).unwrap(), "\"retire\"");
    }
}
