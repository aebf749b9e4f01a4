//! Terms and the word sequences that mention them, over interned words:
//! each distinct lower-cased word of the window is stored once and items
//! keep only `u32` ids. Matching rules live here; which items are counted
//! and how is `counter.rs`'s job.

use rustc_hash::FxHashMap;

use super::word_slices;

/// Lower-cased words seen so far, each with a dense id.
#[derive(Default)]
pub(super) struct Vocab {
    /// Words of at most 8 bytes, packed into a `u64` (see [`packed`]): most
    /// words are that short, and a number hashes and compares in a few
    /// instructions where a string needs a loop and a `memcmp`.
    short: FxHashMap<u64, u32>,
    long: FxHashMap<Box<str>, u32>,
    words: Vec<Box<str>>,
}

/// A word of at most 8 bytes as a number; `None` for longer words. Words
/// never hold a zero byte (they are letters, digits and `.+#-_`), so the
/// zero padding keeps different words different.
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    if bytes.len() > 8 {
        return None;
    }
    let mut buf = [0u8; 8];
    buf[..bytes.len()].copy_from_slice(bytes);
    Some(u64::from_le_bytes(buf))
}

impl Vocab {
    pub(super) fn intern(&mut self, word: &str) -> u32 {
        if let Some(id) = self.get(word) {
            return id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        match packed(word) {
            Some(key) => self.short.insert(key, id),
            None => self.long.insert(word.into(), id),
        };
        self.words.push(word.into());
        id
    }

    pub(super) fn get(&self, word: &str) -> Option<u32> {
        match packed(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    /// For every word with a hyphen, the ids of its parts (`react-dom` →
    /// `react`, `dom`), indexed by the word's id (empty for most words). A
    /// part no term starts with is left out: it cannot match, and every
    /// term's words are interned before this is called.
    pub(super) fn hyphen_parts(&self) -> Vec<Vec<u32>> {
        let mut out = vec![Vec::new(); self.words.len()];
        for (slot, w) in out.iter_mut().zip(&self.words) {
            if !w.contains('-') {
                continue;
            }
            *slot = w
                .split('-')
                .filter(|p| !p.is_empty())
                .filter_map(|p| self.get(p))
                .collect();
        }
        out
    }

    pub(super) fn len(&self) -> usize {
        self.words.len()
    }
}

/// Terms and the word sequences that mention them.
#[derive(Default)]
pub(super) struct TermTable {
    pub(super) names: Vec<String>,
    pub(super) in_stack: Vec<bool>,
    pub(super) tracked: Vec<bool>,
    /// First word → (remaining words, term id).
    by_first: FxHashMap<u32, Vec<(Vec<u32>, usize)>>,
}

impl TermTable {
    pub(super) fn add_tracked(&mut self, vocab: &mut Vocab, name: &str, in_stack: bool) -> usize {
        let id = self.names.len();
        self.names.push(name.to_string());
        self.in_stack.push(in_stack);
        self.tracked.push(true);
        self.add_phrase(vocab, name, id);
        id
    }

    pub(super) fn add_candidate(&mut self, vocab: &mut Vocab, name: &str) {
        let id = self.names.len();
        self.names.push(name.to_string());
        self.in_stack.push(false);
        self.tracked.push(false);
        self.add_phrase(vocab, name, id);
    }

    pub(super) fn add_phrase(&mut self, vocab: &mut Vocab, phrase: &str, id: usize) {
        let lower = phrase.to_lowercase();
        let words: Vec<u32> = word_slices(&lower).map(|w| vocab.intern(w)).collect();
        let Some((first, rest)) = words.split_first() else {
            return;
        };
        let list = self.by_first.entry(*first).or_default();
        if !list.iter().any(|(r, i)| r == rest && *i == id) {
            list.push((rest.to_vec(), id));
        }
    }

    pub(super) fn lookup_phrase(&self, vocab: &Vocab, lower: &str) -> Option<usize> {
        // A word never interned is in no term.
        let words: Option<Vec<u32>> = word_slices(lower).map(|w| vocab.get(w)).collect();
        let words = words?;
        let (first, rest) = words.split_first()?;
        self.by_first
            .get(first)?
            .iter()
            .find(|(r, _)| r == rest)
            .map(|(_, id)| *id)
    }

    /// The phrases by first word, as an array indexed by word id: the
    /// report looks up every word of every window item, and an index is
    /// cheaper than a hash. Call once every term is added.
    pub(super) fn by_first_dense(&self, vocab_len: usize) -> Vec<&[(Vec<u32>, usize)]> {
        let mut out: Vec<&[(Vec<u32>, usize)]> = vec![&[]; vocab_len];
        for (first, list) in &self.by_first {
            if let Some(slot) = out.get_mut(*first as usize) {
                *slot = list;
            }
        }
        out
    }
}

/// Every term mentioned in `toks` (the ids of one item's lower-cased
/// words), each pushed to `found` once: `stamp[term]` is set to `mark`.
/// `by_first` is [`TermTable::by_first_dense`], `parts`
/// [`Vocab::hyphen_parts`], both of the vocabulary `toks` come from.
pub(super) fn find_all(
    toks: &[u32],
    by_first: &[&[(Vec<u32>, usize)]],
    parts: &[Vec<u32>],
    stamp: &mut [usize],
    mark: usize,
    found: &mut Vec<usize>,
) {
    for i in 0..toks.len() {
        let tok = toks[i] as usize;
        let mut matched = match_at(by_first, toks, i, tok, stamp, mark, found);
        // `tokio-1.47.1`, `react-dom`: the parts name things too, when
        // the whole word names nothing.
        if !matched && let Some(ps) = parts.get(tok) {
            for &part in ps {
                matched |= match_at(by_first, toks, i, part as usize, stamp, mark, found);
            }
        }
    }
}

fn match_at(
    by_first: &[&[(Vec<u32>, usize)]],
    toks: &[u32],
    i: usize,
    first: usize,
    stamp: &mut [usize],
    mark: usize,
    found: &mut Vec<usize>,
) -> bool {
    let Some(list) = by_first.get(first) else {
        return false;
    };
    let mut any = false;
    for (rest, id) in list.iter() {
        if toks.len() > i + rest.len() && toks[i + 1..=i + rest.len()] == rest[..] {
            if stamp[*id] != mark {
                stamp[*id] = mark;
                found.push(*id);
            }
            any = true;
        }
    }
    any
}
