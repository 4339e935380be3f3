//! Dates as archives give them: known to the year, the month or the day.
//!
//! [`PartialDate`] is the one date type: a document's date in the manifest
//! or the documents sheet, a claim's date in `relations.csv`, a date the
//! annotate stage finds in a text, and every date an export writes.
//!
//! Invariant: a `PartialDate` names a day that exists in the Gregorian
//! calendar (a month only with a year, a day only with a month), and its
//! text form is ISO 8601 (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).

/// How precisely a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    /// Its name in tables: `year`, `month` or `day`.
    pub fn name(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

/// A date known to the year, the month or the day (ISO 8601 `YYYY`,
/// `YYYY-MM`, `YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking the calendar.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let year = num(parts.first()?, 4)? as i32;
        let month = match parts.get(1) {
            Some(p) => Some(num(p, 2).filter(|m| (1..=12).contains(m))? as u8),
            None => None,
        };
        let day = match parts.get(2) {
            Some(p) => {
                let d = num(p, 2)?;
                let max = days_in_month(year, month? as u32);
                Some((1..=max).contains(&d).then_some(d as u8)?)
            }
            None => None,
        };
        (parts.len() <= 3).then_some(PartialDate { year, month, day })
    }

    /// The date of day precision, if that day exists.
    pub fn day(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        ((1..=12).contains(&month)
            && day >= 1
            && u32::from(day) <= days_in_month(year, u32::from(month)))
        .then_some(PartialDate {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    /// A month of a year.
    pub fn month(year: i32, month: u8) -> PartialDate {
        PartialDate {
            year,
            month: Some(month),
            day: None,
        }
    }

    /// A year.
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// The first day the date covers (itself, for a day).
    pub fn first_day(&self) -> PartialDate {
        PartialDate {
            year: self.year,
            month: Some(self.month.unwrap_or(1)),
            day: Some(self.day.unwrap_or(1)),
        }
    }

    /// The last day the date covers (itself, for a day).
    pub fn last_day(&self) -> PartialDate {
        let month = self.month.unwrap_or(12);
        PartialDate {
            year: self.year,
            month: Some(month),
            day: Some(
                self.day
                    .unwrap_or(days_in_month(self.year, u32::from(month)) as u8),
            ),
        }
    }

    /// How precisely the date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (_, Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The XML Schema datatype that carries this precision.
    pub fn xsd_type(&self) -> &'static str {
        match self.precision() {
            Precision::Day => "http://www.w3.org/2001/XMLSchema#date",
            Precision::Month => "http://www.w3.org/2001/XMLSchema#gYearMonth",
            Precision::Year => "http://www.w3.org/2001/XMLSchema#gYear",
        }
    }
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

/// The days `month` (1 to 12) has in `year`, Gregorian calendar.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::PartialDate;

    #[test]
    fn partial_dates_expand_to_the_days_they_cover() {
        let days = |s: &str| {
            let d = PartialDate::parse(s).unwrap();
            (d.first_day().to_string(), d.last_day().to_string())
        };
        assert_eq!(days("1953"), ("1953-01-01".into(), "1953-12-31".into()));
        assert_eq!(days("1952-02").1, "1952-02-29");
        assert_eq!(days("1953-02").1, "1953-02-28");
        assert_eq!(
            days("1953-04-04"),
            ("1953-04-04".into(), "1953-04-04".into())
        );
    }
}
