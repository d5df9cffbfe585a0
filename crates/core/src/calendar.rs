//! The institution's calendar: its time zone (`[institution] time_zone`, default
//! `Asia/Tokyo`), in which every date a person reads is shown (a code's expiry in a mail or a
//! letter, when credentials changed) and every "calendar day" a rule counts is counted, so that
//! what is shown and what is enforced agree. Times are stored and passed as UTC instants; this
//! module only reads them in the zone. The zone database is compiled in, so nothing is read
//! from the machine.

use time::OffsetDateTime;

use crate::account::Language;

/// A time zone of the IANA database, validated on parse.
#[derive(Clone)]
pub struct Calendar {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The zone's name, as configured.
        write!(f, "{:?}", self.name)
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Calendar {}

impl Default for Calendar {
    fn default() -> Self {
        Self::parse("Asia/Tokyo").unwrap_or_else(|_| Self { name: "UTC".into(), zone: jiff::tz::TimeZone::UTC })
    }
}

impl serde::Serialize for Calendar {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> serde::Deserialize<'de> for Calendar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::parse(&name).map_err(serde::de::Error::custom)
    }
}

impl Calendar {
    /// A zone by its IANA name, such as `Asia/Tokyo` or `Europe/Berlin`.
    pub fn parse(name: &str) -> Result<Self, String> {
        let zone = jiff::tz::TimeZone::get(name)
            .map_err(|_| format!("{name:?} is not a time zone of the IANA database (such as \"Asia/Tokyo\")"))?;
        Ok(Self { name: name.to_owned(), zone })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn zoned(&self, t: OffsetDateTime) -> jiff::ZonedDateTime {
        let ts = jiff::Timestamp::from_nanosecond(t.unix_timestamp_nanos()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        ts.to_zoned_datetime(self.zone.clone())
    }

    /// The local calendar date of `t`.
    pub fn date_of(&self, t: OffsetDateTime) -> time::Date {
        let d = self.zoned(t).date();
        let month = time::Month::try_from(d.month() as u8).unwrap_or(time::Month::January);
        time::Date::from_calendar_date(i32::from(d.year()), month, d.day() as u8).unwrap_or(time::Date::MIN)
    }

    /// The instant the local day of `t` began.
    pub fn start_of_day(&self, t: OffsetDateTime) -> OffsetDateTime {
        let start = self.zoned(t).start_of_day().map(|z| z.timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        OffsetDateTime::from_unix_timestamp_nanos(start.as_nanosecond()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// The instant the local day `days` days after the day of `t` ends: a validity "until the
    /// end of the 21st day" printed as a date agrees with the one enforced.
    pub fn end_of_day_after(&self, t: OffsetDateTime, days: i64) -> OffsetDateTime {
        let date = self.zoned(t).date().saturating_add(jiff::Span::new().days(days.saturating_add(1)));
        let end =
            date.to_zoned_datetime(self.zone.clone()).map(|z| z.timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        OffsetDateTime::from_unix_timestamp_nanos(end.as_nanosecond()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Whether `later` falls on a later local calendar day than `earlier` (never the same day,
    /// however many hours apart).
    pub fn is_later_day(&self, earlier: OffsetDateTime, later: OffsetDateTime) -> bool {
        self.date_of(later) > self.date_of(earlier)
    }

    /// A date as people read it in `lang`: `2026年12月2日（水）`, `Wednesday, 2 December 2026`.
    pub fn date(&self, t: OffsetDateTime, lang: Language) -> String {
        let z = self.zoned(t);
        match lang {
            Language::Ja => {
                let wd = ["月", "火", "水", "木", "金", "土", "日"][z.weekday().to_monday_zero_offset() as usize];
                format!("{}年{}月{}日（{wd}）", z.year(), z.month(), z.day())
            }
            Language::En => z.strftime("%A, %-d %B %Y").to_string(),
        }
    }

    /// A calendar day (no instant, no zone) as people read it in `lang`, like [`Calendar::date`].
    pub fn day(&self, d: time::Date, lang: Language) -> String {
        let civil = jiff::civil::Date::new(d.year() as i16, u8::from(d.month()) as i8, d.day() as i8);
        let Ok(c) = civil else { return crate::account::format_date(d) };
        match lang {
            Language::Ja => {
                let wd = ["月", "火", "水", "木", "金", "土", "日"][c.weekday().to_monday_zero_offset() as usize];
                format!("{}年{}月{}日（{wd}）", c.year(), c.month(), c.day())
            }
            Language::En => c.strftime("%A, %-d %B %Y").to_string(),
        }
    }

    /// A date and time with its zone: `2026年12月2日（水）20:48（JST）`,
    /// `Wednesday, 2 December 2026, 20:48 JST`.
    pub fn date_time(&self, t: OffsetDateTime, lang: Language) -> String {
        let z = self.zoned(t);
        let clock = z.strftime("%H:%M").to_string();
        let abbr = z.strftime("%Z").to_string();
        match lang {
            Language::Ja => format!("{}{clock}（{abbr}）", self.date(t, lang)),
            Language::En => format!("{}, {clock} {abbr}", self.date(t, lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_calendar_day_reads_like_a_date() {
        let cal = Calendar::default();
        let d = time::macros::date!(2026 - 11 - 22);
        assert_eq!(cal.day(d, Language::Ja), "2026年11月22日（日）");
        assert_eq!(cal.day(d, Language::En), "Sunday, 22 November 2026");
        assert_eq!(cal.day(d, Language::Ja), cal.date(datetime!(2026-11-22 03:00 UTC), Language::Ja));
    }

    #[test]
    fn the_21st_day_after_ends_at_local_midnight() {
        let tokyo = Calendar::parse("Asia/Tokyo").unwrap();
        // 2 December 2026, 23:30 in Tokyo: the 21st day after is 23 December.
        let issued = datetime!(2026-12-02 14:30 UTC);
        assert_eq!(tokyo.end_of_day_after(issued, 21), datetime!(2026-12-23 15:00 UTC));
        assert_eq!(tokyo.date_of(tokyo.end_of_day_after(issued, 21) - time::Duration::seconds(1)).day(), 23);
        let berlin = Calendar::parse("Europe/Berlin").unwrap();
        // Across the change to summer time the day still ends at local midnight.
        assert_eq!(berlin.end_of_day_after(datetime!(2026-03-20 12:00 UTC), 10), datetime!(2026-03-30 22:00 UTC));
    }

    #[test]
    fn tokyo_dates_turn_at_local_midnight() {
        let tokyo = Calendar::default();
        assert_eq!(tokyo.name(), "Asia/Tokyo");
        // 14:59 UTC is 23:59 in Tokyo; 15:00 UTC is the next day there.
        let before = datetime!(2026-12-01 14:59 UTC);
        let after = datetime!(2026-12-01 15:00 UTC);
        assert_eq!(tokyo.date_of(before), time::macros::date!(2026 - 12 - 01));
        assert_eq!(tokyo.date_of(after), time::macros::date!(2026 - 12 - 02));
        assert!(tokyo.is_later_day(before, after), "a minute apart, across Tokyo's midnight");
        assert!(!tokyo.is_later_day(after, datetime!(2026-12-02 14:59 UTC)), "the same Tokyo day");
        assert_eq!(tokyo.start_of_day(datetime!(2026-12-02 03:00 UTC)), after);
        let utc = Calendar::parse("UTC").unwrap();
        assert!(!utc.is_later_day(before, after), "the same day in UTC");
    }

    #[test]
    fn dates_read_in_the_customers_language_with_the_zone() {
        let tokyo = Calendar::default();
        let t = datetime!(2026-12-02 11:48 UTC);
        assert_eq!(tokyo.date(t, Language::Ja), "2026年12月2日（水）");
        assert_eq!(tokyo.date_time(t, Language::Ja), "2026年12月2日（水）20:48（JST）");
        assert_eq!(tokyo.date_time(t, Language::En), "Wednesday, 2 December 2026, 20:48 JST");
    }

    #[test]
    fn an_unknown_zone_is_refused_naming_it() {
        let e = Calendar::parse("Asia/Atlantis").unwrap_err();
        assert!(e.contains("Asia/Atlantis"), "{e}");
        let ok: Calendar = serde_json::from_str("\"Europe/Berlin\"").unwrap();
        assert_eq!(ok.name(), "Europe/Berlin");
        assert!(serde_json::from_str::<Calendar>("\"Mars/Olympus\"").is_err());
    }
}
