//! `[counter]`: counter cases for ID-card PINs — the office printed on the inquiry letter
//! and the receipt, how long a case may take, and the office's practice for the new PIN.

use reissue_core::counter::{CounterOffice, CounterRules};
use reissue_core::lifecycle::counter_case::CASE_LIFETIME;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CounterConfig {
    /// The office and its division, its address lines, phone and hours.
    pub office: CounterOffice,
    /// How long a case may take from its opening, in seconds (7 to 90 days; 30 by default).
    pub case_lifetime_secs: i64,
    /// A proxy brings the holder's new PIN in a sealed request (the common practice): the
    /// second visit's checklist asks staff to record that it arrived sealed.
    pub sealed_pin_request: bool,
    /// The networks of the counter's workstations, where `reissue card change-pin --case`
    /// runs: a case token is claimed and reported only from them (this machine by default).
    pub workstations: Vec<ipnet::IpNet>,
}

impl Default for CounterConfig {
    fn default() -> Self {
        Self {
            office: CounterOffice::default(),
            case_lifetime_secs: CASE_LIFETIME.default.whole_seconds(),
            sealed_pin_request: true,
            workstations: CounterRules::loopback(),
        }
    }
}

impl CounterConfig {
    /// The rules the procedures take, or the setting that is wrong.
    pub fn rules(&self) -> Result<CounterRules, String> {
        let case_lifetime = CASE_LIFETIME.check(self.case_lifetime_secs)?;
        if self.office.name.trim().is_empty() {
            return Err("counter.office.name must name the office".into());
        }
        Ok(CounterRules {
            office: self.office.clone(),
            case_lifetime,
            sealed_pin_request: self.sealed_pin_request,
            workstations: self.workstations.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_lifetime_outside_its_bounds_is_refused_naming_the_setting() {
        assert_eq!(CounterConfig::default().rules().unwrap().case_lifetime, CASE_LIFETIME.default);
        let short = CounterConfig { case_lifetime_secs: 3600, ..CounterConfig::default() };
        assert!(short.rules().unwrap_err().contains("counter.case_lifetime_secs"));
    }
}
