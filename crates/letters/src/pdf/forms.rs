//! A letter's forms, to be filled in by hand: the title centred, the statements, then a table
//! of rows — the label in a shaded cell on the left, on the right the value printed, an empty
//! box to write in (its guide words, `年　月　日` or `印`, small at its right end), or a check
//! box before each choice — and the notes under it. A row never splits across pages; the
//! sizes are those of municipal forms: a line of handwriting is 9 mm high.

use reissue_core::letter::{FieldInput, FormField, FormSection};

use super::{Area, BLACK, BODY, GUIDE, LEADING, LEFT, Layout, MM, Op, PAGE_WIDTH, RIGHT, SHADE};

/// The label column's width.
const LABEL_WIDTH: f32 = 44.0 * MM;
/// Space inside a cell.
const PAD: f32 = 2.5 * MM;
/// The height of one line of handwriting.
const WRITING_LINE: f32 = 9.0 * MM;
const LABEL_SIZE: f32 = 9.5;
const LABEL_LEADING: f32 = 13.5;
const GUIDE_SIZE: f32 = 9.0;
/// A check box's side.
const CHECK_BOX: f32 = 3.8 * MM;
const CHOICE_LEADING: f32 = 8.0 * MM;

impl Layout<'_> {
    /// One form: title, statements, table, notes.
    pub(super) fn form(&mut self, form: &FormSection) {
        let size = 14.0;
        // The title stays with the statements and the first row.
        let first_row = form.fields.first().map_or(0.0, |f| self.row_height(f));
        self.need(size * 2.0 + form.statements.len() as f32 * LEADING * 2.0 + first_row);
        let title = self.shaper.shape(&form.title);
        self.text((PAGE_WIDTH - title.width(size)) / 2.0, size, title, BLACK, true);
        self.y += size * 2.0;
        for s in &form.statements {
            self.paragraph(s, BODY, LEADING, 0.0, 0.0);
        }
        self.y += 3.0 * MM;
        for field in &form.fields {
            self.row(field);
        }
        if !form.notes.is_empty() {
            self.y += 3.0 * MM;
            for n in &form.notes {
                self.paragraph(n, 9.0, 14.0, 0.0, 9.0);
            }
        }
    }

    fn value_width(&self) -> f32 {
        RIGHT - LEFT - LABEL_WIDTH - 2.0 * PAD
    }

    fn row_height(&self, field: &FormField) -> f32 {
        let labels = self.shaper.wrap(&field.label, LABEL_SIZE, LABEL_WIDTH - 2.0 * PAD, LABEL_WIDTH - 2.0 * PAD);
        let label = (labels.len() as f32 - 1.0) * LABEL_LEADING + LABEL_SIZE + 2.0 * PAD;
        let value = match &field.input {
            FieldInput::Given(v) => {
                let lines = self.shaper.wrap(v, BODY, self.value_width(), self.value_width()).len();
                (lines as f32 - 1.0) * LEADING + BODY + 2.0 * PAD
            }
            FieldInput::Write { lines, .. } => f32::from((*lines).max(1)) * WRITING_LINE,
            FieldInput::Choice(choices) => {
                let width = self.value_width() - CHECK_BOX - 2.0 * MM;
                let lines: usize = choices.iter().map(|c| self.shaper.wrap(c, BODY, width, width).len()).sum();
                lines as f32 * CHOICE_LEADING + 2.0 * PAD - (CHOICE_LEADING - BODY)
            }
        };
        label.max(value).max(WRITING_LINE)
    }

    /// One row of the table, on one page.
    fn row(&mut self, field: &FormField) {
        let height = self.row_height(field);
        self.need(height);
        let top = self.y;
        let split = LEFT + LABEL_WIDTH;
        let label_cell = Area { left: LEFT, top, right: split, bottom: top + height };
        let value_cell = Area { left: split, top, right: RIGHT, bottom: top + height };
        self.op(Op::Rect { area: label_cell, fill: Some(SHADE), stroke: Some((BLACK, 0.6)) });
        self.op(Op::Rect { area: value_cell, fill: None, stroke: Some((BLACK, 0.6)) });

        let width = LABEL_WIDTH - 2.0 * PAD;
        let labels = self.shaper.wrap(&field.label, LABEL_SIZE, width, width);
        let block = (labels.len() as f32 - 1.0) * LABEL_LEADING + LABEL_SIZE;
        self.y = top + (height - block) / 2.0;
        for line in labels {
            self.text(LEFT + PAD, LABEL_SIZE, line, BLACK, false);
            self.y += LABEL_LEADING;
        }

        let x = split + PAD;
        match &field.input {
            FieldInput::Given(v) => {
                let lines = self.shaper.wrap(v, BODY, self.value_width(), self.value_width());
                let block = (lines.len() as f32 - 1.0) * LEADING + BODY;
                self.y = top + (height - block) / 2.0;
                for line in lines {
                    self.text(x, BODY, line, BLACK, false);
                    self.y += LEADING;
                }
            }
            FieldInput::Write { guide, .. } => {
                if let Some(g) = guide {
                    // On the last line of handwriting, at its right end.
                    let line = self.shaper.shape(g);
                    self.y = top + height - WRITING_LINE / 2.0 - GUIDE_SIZE / 2.0;
                    self.text(RIGHT - PAD - line.width(GUIDE_SIZE), GUIDE_SIZE, line, GUIDE, false);
                }
            }
            FieldInput::Choice(choices) => {
                let width = self.value_width() - CHECK_BOX - 2.0 * MM;
                self.y = top + PAD;
                for choice in choices {
                    let box_top = self.y + BODY / 2.0 - CHECK_BOX / 2.0;
                    let area = Area { left: x, top: box_top, right: x + CHECK_BOX, bottom: box_top + CHECK_BOX };
                    self.op(Op::Rect { area, fill: None, stroke: Some((BLACK, 0.8)) });
                    for line in self.shaper.wrap(choice, BODY, width, width) {
                        self.text(x + CHECK_BOX + 2.0 * MM, BODY, line, BLACK, false);
                        self.y += CHOICE_LEADING;
                    }
                }
            }
        }
        self.y = top + height;
    }
}
