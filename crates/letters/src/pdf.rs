//! A [`Letter`] on A4: laid out first (`Layout`, a list of drawing operations per page), then
//! written with krilla, which embeds the font as a subset with a correct ToUnicode map.
//!
//! Where things go, for a sheet tri-folded (99 mm panels) into a window envelope 長形3号
//! (120 × 235 mm). The usual window of such envelopes is 90 × 45 mm, 23 mm from the envelope's
//! left edge and 13–15 mm from its top (the figures envelope makers and print-and-mail vendors
//! publish for A4 address sheets; check the vendor's own). With the sheet jogged into the
//! envelope's top-left corner, as inserting machines do, the window lies on the sheet at
//! [`WINDOW`]: x 23–113 mm, y 13–58 mm. The recipient block is kept 4 mm inside it, so a few
//! millimetres of play still show all of it; nothing else is printed there. The envelope marks
//! (親展, 転送不要, 簡易書留) are printed inside the window too, at its top right: the post office
//! must see 転送不要 to return rather than forward the letter.
//!
//! An emphasised item (the reset code) goes in the middle third (y 99–198 mm), which a
//! tri-fold puts between the two other panels, so it never faces the window; a dense hatch is
//! drawn behind it, so it cannot be read through the paper or the envelope against the light.
//! Small marks at the left edge show the folds.
//!
//! A letter without a recipient (a receipt handed over the counter) goes in no envelope: no
//! window block, no marks, no folds; its header starts the page. A letter's forms (`forms.rs`)
//! follow it from a new page, so page 1 — the one behind the window — is the letter alone.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use reissue_core::letter::{Letter, LetterItem, LetterQr, Recipient};

use crate::font::LetterFont;
use crate::text::{Shaped, Shaper};

mod forms;

/// Points in a millimetre.
pub const MM: f32 = 72.0 / 25.4;
/// A4, in points.
pub const PAGE_WIDTH: f32 = 210.0 * MM;
pub const PAGE_HEIGHT: f32 = 297.0 * MM;

/// A rectangle on the page, in points from the top left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
}

impl Area {
    const fn mm(left: f32, top: f32, width: f32, height: f32) -> Self {
        Self { left: left * MM, top: top * MM, right: (left + width) * MM, bottom: (top + height) * MM }
    }

    fn inset(self, by: f32) -> Self {
        Self { left: self.left + by, top: self.top + by, right: self.right - by, bottom: self.bottom - by }
    }

    fn width(self) -> f32 {
        self.right - self.left
    }

    fn height(self) -> f32 {
        self.bottom - self.top
    }
}

/// The envelope's window on the sheet (see the module's documentation).
pub const WINDOW: Area = Area::mm(23.0, 13.0, 90.0, 45.0);
/// The middle panel of the tri-fold.
pub const MIDDLE_THIRD: Area = Area::mm(0.0, 99.0, 210.0, 99.0);

const LEFT: f32 = 20.0 * MM;
const RIGHT: f32 = PAGE_WIDTH - 20.0 * MM;
const TOP: f32 = 20.0 * MM;
const BOTTOM: f32 = PAGE_HEIGHT - 18.0 * MM;
/// The sender block starts right of the window, however the envelope shifts.
const SENDER_LEFT: f32 = 120.0 * MM;
/// The 記 block's columns.
const LABEL_X: f32 = LEFT + 8.0 * MM;
const VALUE_X: f32 = 82.0 * MM;
/// How far above the baseline a CJK font's em box reaches (Noto Sans CJK, IPAex: 0.88).
const ASCENT: f32 = 0.88;
/// The height of the em box's centre above the baseline.
const MIDDLE: f32 = 0.38;
const BODY: f32 = 10.5;
const LEADING: f32 = 18.0;

type Rgb = (u8, u8, u8);
const BLACK: Rgb = (0, 0, 0);
const RED: Rgb = (190, 20, 30);
const TINT: Rgb = (150, 150, 150);
const FOLD: Rgb = (160, 160, 160);
/// A form's guide words (年　月　日, 印) and the shade of its label cells.
const GUIDE: Rgb = (110, 110, 110);
const SHADE: Rgb = (238, 238, 238);

/// A letter that cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("the recipient's address does not fit the envelope's window (90 × 45 mm) even in smaller type")]
    AddressTooLong,
    #[error(
        "the code does not fit in the middle third of the page, where the tri-fold hides it: the text above it is too long"
    )]
    CodeOutsideMiddleThird,
    #[error("envelope marks need a recipient block to stand beside: a letter handed over has neither")]
    MarksWithoutRecipient,
    #[error("the QR code cannot hold {0} bytes")]
    QrTooLong(usize),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// One drawing operation.
enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        line: Shaped,
        color: Rgb,
        bold: bool,
    },
    Rect {
        area: Area,
        fill: Option<Rgb>,
        stroke: Option<(Rgb, f32)>,
    },
    Lines {
        segments: Vec<[f32; 4]>,
        color: Rgb,
        width: f32,
    },
    /// Filled squares of `size` at the given top-left corners (a QR code's dark modules).
    Squares {
        corners: Vec<(f32, f32)>,
        size: f32,
    },
}

struct Layout<'a> {
    shaper: Shaper<'a>,
    pages: Vec<Vec<Op>>,
    /// Where the next line's em box starts, on the last page.
    y: f32,
}

/// Renders `letter` as an A4 PDF: one page, more only if its text needs them, and its forms
/// from the next page. The bytes hold whatever secret the letter prints; treat them as the
/// secret itself.
pub fn render(letter: &Letter, font: &LetterFont) -> Result<Vec<u8>, LetterError> {
    let mut l = Layout { shaper: Shaper::new(font), pages: vec![Vec::new()], y: TOP };
    let header_bottom = match &letter.recipient {
        Some(r) => {
            l.fold_marks();
            l.recipient(r, &letter.marks)?;
            l.header(letter).max(WINDOW.bottom)
        }
        None if !letter.marks.is_empty() => return Err(LetterError::MarksWithoutRecipient),
        None => l.header(letter),
    };
    l.y = header_bottom + 8.0 * MM;
    l.subject(&letter.subject);
    for p in &letter.paragraphs {
        l.paragraph(p, BODY, LEADING, BODY, 0.0);
        l.y += 2.0;
    }
    l.items(letter)?;
    if !letter.notes.is_empty() {
        l.y += 8.0;
        for n in &letter.notes {
            // A note's later lines hang under its first character (※).
            l.paragraph(n, 9.5, 15.0, 0.0, 9.5);
        }
    }
    if !letter.closing.is_empty() {
        l.y += 4.0;
        l.need(LEADING);
        let line = l.shaper.shape(&letter.closing);
        l.text(RIGHT - line.width(BODY), BODY, line, BLACK, false);
        l.y += LEADING;
    }
    if !letter.forms.is_empty() {
        l.new_page();
        for (i, form) in letter.forms.iter().enumerate() {
            if i > 0 {
                l.y += 10.0 * MM;
            }
            l.form(form);
        }
    }
    write(l.pages, font, &letter.subject)
}

impl Layout<'_> {
    fn op(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    /// Starts a new page unless `height` more fits on this one.
    fn need(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// A line whose em box starts at `self.y`.
    fn text(&mut self, x: f32, size: f32, line: Shaped, color: Rgb, bold: bool) {
        let baseline = self.y + size * ASCENT;
        self.op(Op::Text { x, baseline, size, line, color, bold });
    }

    fn fold_marks(&mut self) {
        let segments = [MIDDLE_THIRD.top, MIDDLE_THIRD.bottom].map(|y| [4.0 * MM, y, 9.0 * MM, y]).to_vec();
        self.op(Op::Lines { segments, color: FOLD, width: 0.5 });
    }

    /// The block behind the window: marks and postal code, address, name. Set smaller when it
    /// does not fit; refused when even the smallest does not.
    fn recipient(&mut self, r: &Recipient, marks: &[String]) -> Result<(), LetterError> {
        for scale in [1.0, 0.92, 0.84, 0.76] {
            if let Some(ops) = self.try_recipient(r, marks, scale) {
                self.pages[0].extend(ops);
                return Ok(());
            }
        }
        Err(LetterError::AddressTooLong)
    }

    fn try_recipient(&self, r: &Recipient, marks: &[String], scale: f32) -> Option<Vec<Op>> {
        let inner = WINDOW.inset(4.0 * MM);
        let mut ops = Vec::new();
        let mut y = inner.top;
        let (mark_size, pad, gap) = (8.5 * scale, 2.0 * scale, 2.5 * scale);
        let mark_lines: Vec<Shaped> = marks.iter().map(|m| self.shaper.shape(m)).collect();
        let marks_width: f32 = mark_lines.iter().map(|m| m.width(mark_size) + 2.0 * pad + gap).sum::<f32>() - gap;
        let box_height = mark_size + 2.0 * pad;
        let postal_size = 11.0 * scale;
        let postal = self.shaper.shape(&r.postal_code);
        let one_row = marks.is_empty() || postal.width(postal_size) + 6.0 * MM + marks_width <= inner.width();
        // The marks, right-aligned at the top of the window, each in a red frame.
        let mut x = inner.right - marks_width;
        for line in mark_lines {
            let w = line.width(mark_size) + 2.0 * pad;
            let area = Area { left: x, top: y, right: x + w, bottom: y + box_height };
            ops.push(Op::Rect { area, fill: None, stroke: Some((RED, 0.8 * scale)) });
            let baseline = y + pad + mark_size * ASCENT;
            ops.push(Op::Text { x: x + pad, baseline, size: mark_size, line, color: RED, bold: false });
            x += w + gap;
        }
        let row = if marks.is_empty() { postal_size } else { box_height.max(postal_size) };
        if !one_row {
            // The postal code on its own row under the marks.
            y += box_height + 2.0 * scale;
        }
        let postal_top = if one_row { y + (row - postal_size) / 2.0 } else { y };
        let baseline = postal_top + postal_size * ASCENT;
        ops.push(Op::Text { x: inner.left, baseline, size: postal_size, line: postal, color: BLACK, bold: false });
        y = postal_top + postal_size * 1.45;
        let (size, leading) = (10.5 * scale, 14.5 * scale);
        for a in &r.address_lines {
            // A line too long for the window goes on indented.
            for (i, line) in self.shaper.wrap(a, size, inner.width(), inner.width() - size).into_iter().enumerate() {
                let x = inner.left + if i == 0 { 0.0 } else { size };
                ops.push(Op::Text { x, baseline: y + size * ASCENT, size, line, color: BLACK, bold: false });
                y += leading;
            }
        }
        y += 3.0 * scale;
        let (size, leading) = (13.0 * scale, 18.0 * scale);
        for n in &r.name_lines {
            for line in self.shaper.wrap(n, size, inner.width(), inner.width()) {
                ops.push(Op::Text { x: inner.left, baseline: y + size * ASCENT, size, line, color: BLACK, bold: true });
                y += leading;
            }
        }
        (y - leading + size <= inner.bottom).then_some(ops)
    }

    /// Reference, date of issue and sender, right-aligned at the top right. Returns where the
    /// block ends.
    fn header(&mut self, letter: &Letter) -> f32 {
        self.y = 14.0 * MM;
        let width = RIGHT - SENDER_LEFT;
        let right_lines = |this: &mut Self, text: &str, size: f32, leading: f32| {
            for line in this.shaper.wrap(text, size, width, width) {
                let x = RIGHT - line.width(size);
                this.text(x, size, line, BLACK, false);
                this.y += leading;
            }
        };
        if let Some(r) = &letter.reference {
            right_lines(self, r, 9.0, 14.0);
        }
        right_lines(self, &letter.issued_on, 10.0, 15.0);
        self.y += 5.0;
        for s in &letter.sender_lines {
            right_lines(self, s, 10.0, 15.0);
        }
        self.y
    }

    fn subject(&mut self, subject: &str) {
        let size = 15.0;
        for line in self.shaper.wrap(subject, size, RIGHT - LEFT, RIGHT - LEFT) {
            self.need(size * 1.6);
            let x = (PAGE_WIDTH - line.width(size)) / 2.0;
            self.text(x, size, line, BLACK, true);
            self.y += size * 1.6;
        }
        self.y += 6.0;
    }

    /// A paragraph from `LEFT`, its first line indented by `indent`, the others by `hang`.
    fn paragraph(&mut self, text: &str, size: f32, leading: f32, indent: f32, hang: f32) {
        let width = RIGHT - LEFT;
        for (i, line) in self.shaper.wrap(text, size, width - indent, width - hang).into_iter().enumerate() {
            self.need(leading);
            let x = LEFT + if i == 0 { indent } else { hang };
            self.text(x, size, line, BLACK, false);
            self.y += leading;
        }
    }

    /// The centred 記, the items, and the QR code beside them.
    fn items(&mut self, letter: &Letter) -> Result<(), LetterError> {
        if letter.items.is_empty() {
            return Ok(());
        }
        self.y += 8.0;
        self.need(2.0 * LEADING);
        let heading = self.shaper.shape(&letter.items_heading);
        self.text((PAGE_WIDTH - heading.width(11.0)) / 2.0, 11.0, heading, BLACK, false);
        self.y += 22.0;
        let qr_size = 24.0 * MM;
        let value_right = if letter.qr.is_some() { RIGHT - qr_size - 6.0 * MM } else { RIGHT };
        let top = self.y;
        for item in &letter.items {
            if item.emphasis {
                self.emphasised(item, value_right)?;
            } else {
                self.item(item, value_right);
            }
        }
        if let Some(qr) = &letter.qr {
            self.qr(qr, RIGHT - qr_size, top, qr_size)?;
        }
        Ok(())
    }

    fn item(&mut self, item: &LetterItem, value_right: f32) {
        let labels = self.shaper.wrap(&item.label, BODY, VALUE_X - LABEL_X - 4.0 * MM, VALUE_X - LABEL_X - 4.0 * MM);
        let values = self.shaper.wrap(item.value.expose(), BODY, value_right - VALUE_X, value_right - VALUE_X);
        let rows = labels.len().max(values.len());
        self.need(rows as f32 * LEADING);
        let top = self.y;
        for line in labels {
            self.text(LABEL_X, BODY, line, BLACK, false);
            self.y += LEADING;
        }
        self.y = top;
        for line in values {
            self.text(VALUE_X, BODY, line, BLACK, false);
            self.y += LEADING;
        }
        self.y = top + rows as f32 * LEADING + 2.0;
    }

    /// The code: large, framed, hatched behind, inside the middle third.
    fn emphasised(&mut self, item: &LetterItem, value_right: f32) -> Result<(), LetterError> {
        let (size, height) = (26.0, 15.0 * MM);
        let code = self.shaper.shape(item.value.expose());
        let width = (code.width(size) + 14.0 * MM).min(value_right - VALUE_X);
        self.need(height + 8.0);
        let top = (self.y + 2.0).max(MIDDLE_THIRD.top + 5.0 * MM);
        if top + height > MIDDLE_THIRD.bottom - 5.0 * MM {
            return Err(LetterError::CodeOutsideMiddleThird);
        }
        let area = Area { left: VALUE_X, top, right: VALUE_X + width, bottom: top + height };
        self.op(Op::Lines { segments: hatch(area, 1.7), color: TINT, width: 0.35 });
        self.op(Op::Rect { area, fill: None, stroke: Some((BLACK, 1.0)) });
        let middle = top + height / 2.0;
        let x = VALUE_X + (width - code.width(size)) / 2.0;
        // Digits are centred on their height (about 0.72 em), not on the em box.
        self.op(Op::Text { x, baseline: middle + size * 0.36, size, line: code, color: BLACK, bold: true });
        let avail = VALUE_X - LABEL_X - 4.0 * MM;
        let labels = self.shaper.wrap(&item.label, BODY, avail, avail);
        let first = middle - (labels.len() as f32 - 1.0) * LEADING / 2.0;
        for (i, line) in labels.into_iter().enumerate() {
            let baseline = first + i as f32 * LEADING + BODY * MIDDLE;
            self.op(Op::Text { x: LABEL_X, baseline, size: BODY, line, color: BLACK, bold: false });
        }
        self.y = top + height + 8.0;
        Ok(())
    }

    fn qr(&mut self, qr: &LetterQr, left: f32, top: f32, size: f32) -> Result<(), LetterError> {
        let code = qrcodegen::QrCode::encode_text(&qr.content, qrcodegen::QrCodeEcc::Medium)
            .map_err(|_| LetterError::QrTooLong(qr.content.len()))?;
        let n = code.size();
        // Four modules of quiet zone on every side, inside `size`.
        let module = size / (n + 8) as f32;
        let mut corners = Vec::new();
        for y in 0..n {
            for x in 0..n {
                if code.get_module(x, y) {
                    corners.push((left + (x + 4) as f32 * module, top + (y + 4) as f32 * module));
                }
            }
        }
        self.op(Op::Squares { corners, size: module });
        let caption = self.shaper.shape(&qr.caption);
        let caption_size = 7.5;
        let baseline = top + size + caption_size;
        let x = left + (size - caption.width(caption_size)) / 2.0;
        self.op(Op::Text { x, baseline, size: caption_size, line: caption, color: BLACK, bold: false });
        self.y = self.y.max(top + size + 3.0 * caption_size);
        Ok(())
    }
}

/// Lines at 45° and 135°, `spacing` apart, clipped to `area`: the tint behind a secret.
fn hatch(area: Area, spacing: f32) -> Vec<[f32; 4]> {
    let (w, h) = (area.width(), area.height());
    let mut out = Vec::new();
    let mut c = -h;
    while c < w {
        // Along y = x - c (down to the right), then its mirror image (down to the left).
        let (x0, y0) = if c >= 0.0 { (c, 0.0) } else { (0.0, -c) };
        let (x1, y1) = if c + h <= w { (c + h, h) } else { (w, w - c) };
        out.push([area.left + x0, area.top + y0, area.left + x1, area.top + y1]);
        out.push([area.right - x0, area.top + y0, area.right - x1, area.top + y1]);
        c += spacing;
    }
    out
}

fn color(c: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

fn fill(c: Rgb) -> Fill {
    Fill { paint: color(c), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }
}

fn stroke(c: Rgb, width: f32) -> Stroke {
    Stroke { paint: color(c), width, ..Stroke::default() }
}

fn draw(surface: &mut Surface<'_>, op: Op, font: &LetterFont) {
    match op {
        Op::Text { x, baseline, size, line, color: c, bold } => {
            surface.set_fill(Some(fill(c)));
            // Bold from the one regular face: the outline stroked thinly as well as filled.
            surface.set_stroke(bold.then(|| stroke(c, size * 0.03)));
            let start = Point::from_xy(x, baseline);
            surface.draw_glyphs(start, &line.glyphs, font.pdf.clone(), &line.text, size, false);
            surface.set_stroke(None);
        }
        Op::Rect { area, fill: f, stroke: s } => {
            let Some(rect) = Rect::from_ltrb(area.left, area.top, area.right, area.bottom) else { return };
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                surface.set_fill(f.map(fill));
                surface.set_stroke(s.map(|(c, w)| stroke(c, w)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Lines { segments, color: c, width } => {
            let mut pb = PathBuilder::new();
            for [x0, y0, x1, y1] in segments {
                pb.move_to(x0, y0);
                pb.line_to(x1, y1);
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(stroke(c, width)));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Squares { corners, size } => {
            let mut pb = PathBuilder::new();
            for (x, y) in corners {
                // A hair larger than a module, so that neighbours leave no seam.
                if let Some(r) = Rect::from_xywh(x, y, size + 0.05, size + 0.05) {
                    pb.push_rect(r);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(Some(fill(BLACK)));
                surface.set_stroke(None);
                surface.draw_path(&path);
            }
        }
    }
}

fn write(pages: Vec<Vec<Op>>, font: &LetterFont, title: &str) -> Result<Vec<u8>, LetterError> {
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(title.to_owned()).language("ja".to_owned()));
    for ops in pages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(LetterError::Pdf("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            draw(&mut surface, op, font);
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| LetterError::Pdf(format!("{e:?}")))
}
