//! Setting text: shaping a line with the letter's font (rustybuzz, as krilla does), measuring it
//! by its glyphs' advances, and breaking a paragraph into lines that fit.
//!
//! Japanese breaks between almost any two characters, with simple kinsoku (禁則): no line
//! starts with a closing bracket, a comma or full stop, a small kana or a prolonged sound mark
//! (`、。）」』` …), and none ends with an opening bracket (`（「『` …) or the postal mark. Words
//! in Latin script (a URL, a name) break only at spaces, or inside when a word alone is longer
//! than the line.

use krilla::text::{GlyphId, KrillaGlyph};

use crate::font::LetterFont;

/// Characters no line may start with.
const NO_START: &str = "、。，．・：；？！ー）］｝〕〉》」』】〙〗’”ゝゞぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〻‐゠–〜～,.:;!?)]}%";
/// Characters no line may end with.
const NO_END: &str = "（［｛〔〈《「『【〘〖‘“([{〒＄￥";

/// Whether `c` is written without spaces between words: kana, kanji, CJK punctuation and the
/// full-width forms.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// A line shaped and ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct Shaped {
    pub text: String,
    /// Advances in em (krilla's convention: font units divided by units per em).
    pub glyphs: Vec<KrillaGlyph>,
    /// The line's advance in em.
    pub width_em: f32,
}

impl Shaped {
    /// The width in points at `size`.
    pub fn width(&self, size: f32) -> f32 {
        self.width_em * size
    }
}

/// The font's face, parsed once per letter.
pub(crate) struct Shaper<'a> {
    face: rustybuzz::Face<'a>,
    upem: f32,
}

impl<'a> Shaper<'a> {
    pub fn new(font: &'a LetterFont) -> Self {
        // Checked when the font was loaded.
        let face = rustybuzz::Face::from_slice(&font.data, font.index).expect("a LetterFont's face parses");
        let upem = f32::from(face.units_per_em().max(1) as u16);
        Self { face, upem }
    }

    /// Shapes `text` as one line, left to right.
    pub fn shape(&self, text: &str) -> Shaped {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        if let Ok(lang) = "ja".parse() {
            buffer.set_language(lang);
        }
        buffer.guess_segment_properties();
        let out = rustybuzz::shape(&self.face, &[], buffer);
        let infos = out.glyph_infos();
        let positions = out.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster runs to the next glyph's cluster that differs, or to the end.
            let end = infos[i + 1..].iter().map(|g| g.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            let advance = pos.x_advance as f32 / self.upem;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / self.upem,
                pos.y_offset as f32 / self.upem,
                pos.y_advance as f32 / self.upem,
                start..end.max(start),
                None,
            ));
        }
        Shaped { text: text.to_owned(), glyphs, width_em: width }
    }

    /// Breaks `text` into lines: the first at most `first` points wide, the rest at most
    /// `rest`, at `size` points. A line break in the text is kept.
    pub fn wrap(&self, text: &str, size: f32, first: f32, rest: f32) -> Vec<Shaped> {
        let mut lines = Vec::new();
        for hard in text.split('\n') {
            let mut line_widths = std::iter::once(first).chain(std::iter::repeat(rest)).skip(lines.len().min(1));
            for range in self.break_line(hard, size, &mut line_widths) {
                lines.push(self.shape(hard[range].trim_end()));
            }
        }
        lines
    }

    /// The byte ranges of the lines `text` (no line break in it) is set in.
    fn break_line(&self, text: &str, size: f32, widths: &mut dyn Iterator<Item = f32>) -> Vec<std::ops::Range<usize>> {
        let shaped = self.shape(text);
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        // Each character's advance in points: its cluster's, on the cluster's first character.
        let mut advance = vec![0.0f32; chars.len()];
        let mut starts = vec![false; chars.len()];
        for g in &shaped.glyphs {
            if let Ok(i) = chars.binary_search_by_key(&g.text_range.start, |(b, _)| *b) {
                advance[i] += g.x_advance * size;
                starts[i] = true;
            }
        }
        let allowed = |b: usize, word_rule: bool| -> bool {
            let (prev, cur) = (chars[b - 1].1, chars[b].1);
            if !starts[b] || NO_START.contains(cur) || NO_END.contains(prev) {
                return false;
            }
            !word_rule || prev.is_whitespace() || cur.is_whitespace() || is_cjk(prev) || is_cjk(cur)
        };
        let mut out = Vec::new();
        let mut start = 0;
        if chars.is_empty() {
            out.push(0..0);
            return out;
        }
        loop {
            if !out.is_empty() {
                while start < chars.len() && chars[start].1.is_whitespace() {
                    start += 1;
                }
            }
            if start >= chars.len() {
                break;
            }
            let width = widths.next().unwrap_or(f32::MAX);
            let (mut end, mut used) = (start, 0.0);
            while end < chars.len() && used + advance[end] <= width + 0.01 {
                used += advance[end];
                end += 1;
            }
            if end == chars.len() {
                out.push(chars[start].0..text.len());
                break;
            }
            // Break before `b`: the last place the rules allow, else inside a word, else where
            // the line is full (at least one character a line).
            let b = (start + 1..=end)
                .rev()
                .find(|&b| allowed(b, true))
                .or_else(|| (start + 1..=end).rev().find(|&b| allowed(b, false)))
                .unwrap_or(end.max(start + 1));
            if b >= chars.len() {
                out.push(chars[start].0..text.len());
                break;
            }
            out.push(chars[start].0..chars[b].0);
            start = b;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> LetterFont {
        LetterFont::load(None).unwrap_or_else(|e| panic!("{e}"))
    }

    const TEXT: &str = "下記の「入力するページ」で、ログインIDとこのリセットコード（10桁）を入力し、\
        新しいパスワード・暗証番号を設定してください。ページは https://bank.example/reset/postal です。";

    #[test]
    fn lines_fit_keep_every_character_and_obey_the_kinsoku_at_every_width() {
        let font = font();
        let shaper = Shaper::new(&font);
        let size = 10.5;
        let url = "https://bank.example/reset/postal";
        for width_em in 8..40 {
            let width = width_em as f32 * size;
            let lines = shaper.wrap(TEXT, size, width, width);
            assert!(lines.len() > 1, "{width_em} em");
            let joined: String = lines.iter().map(|l| l.text.as_str()).collect();
            assert_eq!(joined.replace(' ', ""), TEXT.replace(' ', ""), "{width_em} em: nothing lost");
            for (i, l) in lines.iter().enumerate() {
                let first = l.text.chars().next().unwrap();
                let last = l.text.chars().last().unwrap();
                assert!(l.width(size) <= width + 0.01, "{width_em} em: {:?} is too wide", l.text);
                assert!(i == 0 || !NO_START.contains(first), "{width_em} em: a line starts with {first}");
                assert!(!NO_END.contains(last), "{width_em} em: a line ends with {last}");
            }
            // The URL is one word: broken only when it cannot fit on a line of its own.
            let url_width = shaper.shape(url).width(size);
            if url_width <= width {
                assert!(lines.iter().any(|l| l.text.contains(url)), "{width_em} em: {lines:?}");
            }
        }
    }

    #[test]
    fn a_line_break_in_the_text_is_kept_and_a_short_text_is_one_line() {
        let font = font();
        let shaper = Shaper::new(&font);
        let lines = shaper.wrap("以上\n記", 10.0, 500.0, 500.0);
        assert_eq!(lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["以上", "記"]);
        let one = shaper.wrap("リセットコードのお知らせ", 10.0, 500.0, 500.0);
        assert_eq!(one.len(), 1);
        // Twelve full-width characters are twelve em.
        assert!((one[0].width(10.0) - 120.0).abs() < 0.5, "{}", one[0].width(10.0));
    }

    #[test]
    fn the_kinsoku_sets_know_their_brackets() {
        for c in ['、', '。', '）', '」', '』', 'っ', 'ー'] {
            assert!(NO_START.contains(c), "{c}");
        }
        for c in ['（', '「', '『'] {
            assert!(NO_END.contains(c), "{c}");
        }
        assert!(is_cjk('様') && is_cjk('あ') && is_cjk('ア') && is_cjk('（') && !is_cjk('a') && !is_cjk('1'));
    }
}
