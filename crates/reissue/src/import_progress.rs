//! The progress line of `reissue account import` on a terminal: lines parsed, accounts
//! hashed, accounts written, redrawn in place on standard error. When standard error is not
//! a terminal nothing is drawn, so scripts see the same output as ever.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// What an import has done so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Non-empty lines in the input.
    pub lines: usize,
    pub parsed: usize,
    /// Accounts whose clear-text secrets are hashed (all of them once parsing is done, when
    /// no line carries a clear-text secret).
    pub hashed: usize,
    pub accounts: usize,
    pub stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stage {
    #[default]
    Parsing,
    Hashing,
    Writing,
    Written,
}

/// The progress line for `c`, without terminal control characters.
pub fn render(c: &Counts) -> String {
    let parsed = format!("{} of {} lines parsed", c.parsed, c.lines);
    match c.stage {
        Stage::Parsing => format!("account import: {parsed}"),
        Stage::Hashing => format!("account import: {parsed}, {} of {} accounts hashed", c.hashed, c.accounts),
        Stage::Writing => format!("account import: {parsed}, {} accounts hashed, writing", c.accounts),
        Stage::Written => format!("account import: {parsed}, {} accounts written", c.accounts),
    }
}

/// Draws the progress line on standard error when it is a terminal; otherwise does nothing.
#[derive(Debug)]
pub struct Progress {
    on: bool,
    pub counts: Counts,
    drawn: Option<Instant>,
}

/// Redraws at most this often, so that drawing does not slow a large import.
const EVERY: Duration = Duration::from_millis(100);

impl Progress {
    /// A progress line on standard error if it is a terminal.
    pub fn on_terminal(lines: usize) -> Self {
        Self { on: std::io::stderr().is_terminal(), counts: Counts { lines, ..Counts::default() }, drawn: None }
    }

    /// No progress line (the demo's accounts, tests).
    pub fn off() -> Self {
        Self { on: false, counts: Counts::default(), drawn: None }
    }

    /// Redraws if a while has passed since the last time, or if `now` is true.
    pub fn show(&mut self, now: bool) {
        if !self.on || (!now && self.drawn.is_some_and(|t| t.elapsed() < EVERY)) {
            return;
        }
        self.drawn = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{}\x1b[K", render(&self.counts));
        let _ = err.flush();
    }

    /// Ends the progress line, so that what is printed next starts on a fresh line.
    pub fn finish(&mut self) {
        if self.on && self.drawn.is_some() {
            self.show(true);
            let _ = writeln!(std::io::stderr());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_counts_lines_parsed_accounts_hashed_and_written() {
        let mut c = Counts { lines: 100_000, parsed: 12_000, ..Counts::default() };
        assert_eq!(render(&c), "account import: 12000 of 100000 lines parsed");
        c = Counts { parsed: 100_000, hashed: 250, accounts: 99_998, stage: Stage::Hashing, ..c };
        assert_eq!(render(&c), "account import: 100000 of 100000 lines parsed, 250 of 99998 accounts hashed");
        c.stage = Stage::Writing;
        assert_eq!(render(&c), "account import: 100000 of 100000 lines parsed, 99998 accounts hashed, writing");
        c.stage = Stage::Written;
        assert_eq!(render(&c), "account import: 100000 of 100000 lines parsed, 99998 accounts written");
    }

    #[test]
    fn without_a_terminal_nothing_is_drawn() {
        let mut p = Progress::off();
        p.counts.parsed = 5;
        p.show(true);
        p.finish();
        assert!(p.drawn.is_none());
    }
}
