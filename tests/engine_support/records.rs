//! Generated records: contacts as phones and Apple Contacts write them, and
//! recurring meetings with a time zone, alarms and moved occurrences.

use pimgate::universal::{
    Component, ComponentName, Date, DateTimeValue, Duration, Param, ParamName, Params, Prop, PropName, Record, Recur,
    SourceFormat, Time, Value,
};

use super::Rng;

const GIVEN: &[&str] = &["Jane", "John", "Zoë", "Ahmed", "Mei", "Łukasz", "Ana María"];
const FAMILY: &[&str] = &["Doe", "Smith", "Müller", "Nakamura", "O'Brien", "García López"];
const COMPANY: &[&str] = &["Example Corp.", "ACME; Inc", "Café, Ltd"];

pub fn text(name: PropName, value: &str) -> Prop {
    Prop::new(name, Value::Text(value.to_owned()))
}

pub fn param(name: ParamName, values: &[&str]) -> Param {
    Param::new(name, values.iter().map(|v| v.to_string()).collect())
}

pub fn with_params(prop: Prop, params: Vec<Param>) -> Prop {
    prop.with_params(Params::new(params))
}

fn structured(fields: &[&str]) -> Value {
    Value::Structured(
        fields
            .iter()
            .map(|f| if f.is_empty() { Vec::new() } else { vec![f.to_string()] })
            .collect(),
    )
}

pub fn date(year: u16, month: u8, day: u8) -> Date {
    Date {
        year: Some(year),
        month: Some(month),
        day: Some(day),
    }
}

pub fn date_time(date: Date, hour: u8, utc: bool) -> DateTimeValue {
    DateTimeValue::DateTime {
        date,
        time: Time {
            hour,
            minute: 0,
            second: 0,
            utc,
            offset_minutes: None,
        },
    }
}

/// A base64 JPEG-looking payload of about `len` characters.
fn photo_data(rng: &mut Rng, len: usize) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut data = String::from("data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ");
    data.extend((0..len / 4 * 4).map(|_| B64[rng.below(64)] as char));
    data
}

/// A contact as a phone or Apple Contacts would write it (vCard 4.0 model).
pub fn contact(rng: &mut Rng) -> Record {
    contact_with(rng, false)
}

/// The benchmark's contact: every optional part present (22 properties,
/// including a 3 KB PHOTO data URI).
pub fn typical_contact() -> Record {
    contact_with(&mut Rng::new(7), true)
}

fn contact_with(rng: &mut Rng, full: bool) -> Record {
    let maybe = |rng: &mut Rng, percent| full || rng.chance(percent);
    let (given, family) = (*rng.pick(GIVEN), *rng.pick(FAMILY));
    let mut p = vec![
        text(PropName::Version, "4.0"),
        Prop::new(
            PropName::Uid,
            Value::Uri(format!("urn:uuid:{}-{}", rng.token(), rng.token())),
        ),
        text(PropName::Fn, &format!("{given} {family}")),
        Prop::new(PropName::N, structured(&[family, given, "", "", ""])),
    ];
    if maybe(rng, 40) {
        p.push(Prop::new(
            PropName::Nickname,
            Value::TextList(vec![given[..2].to_owned(), "Boss".into()]),
        ));
    }
    if maybe(rng, 60) {
        p.push(Prop::new(PropName::Org, structured(&[*rng.pick(COMPANY), "R&D"])));
        p.push(text(PropName::Title, "Engineer"));
    }
    let tel_types: &[&[&str]] = &[&["cell"], &["work", "voice"], &["home"], &["fax", "work"], &["main"]];
    for i in 0..if full { 3 } else { 1 + rng.below(4) } {
        let mut params = vec![param(ParamName::Type, tel_types[(i + rng.below(2)) % tel_types.len()])];
        if i == 0 && rng.chance(50) {
            params.push(param(ParamName::Pref, &["1"]));
        }
        let number = format!("tel:+1-555-{:04}", rng.below(10_000));
        p.push(with_params(Prop::new(PropName::Tel, Value::Uri(number)), params));
    }
    for i in 0..if full { 2 } else { rng.below(4) } {
        let kind = ["work", "home", "internet"][i % 3];
        let address = format!(
            "{}.{}@example.{}",
            given.to_lowercase(),
            rng.token(),
            ["com", "org"][i % 2]
        );
        p.push(with_params(
            text(PropName::Email, &address),
            vec![param(ParamName::Type, &[kind])],
        ));
    }
    for i in 0..if full { 1 } else { rng.below(3) } {
        let value = structured(&[
            "",
            "Suite 4",
            &format!("{} Main St", 1 + rng.below(999)),
            "Springfield",
            "IL",
            "62701",
            "USA",
        ]);
        let label = param(ParamName::Label, &["Suite 4\n1 Main St\nSpringfield"]);
        p.push(with_params(
            Prop::new(PropName::Adr, value),
            vec![param(ParamName::Type, &[["home", "work"][i % 2]]), label],
        ));
    }
    if maybe(rng, 50) {
        p.push(Prop::new(
            PropName::Bday,
            Value::DateTimes(vec![DateTimeValue::Date(date(1970 + rng.below(40) as u16, 4, 15))]),
        ));
    }
    if maybe(rng, 40) {
        let photo = photo_data(rng, 3000);
        p.push(Prop::new(PropName::Photo, Value::Uri(photo)));
    }
    if maybe(rng, 40) {
        let number = format!("tel:+44-20-{:04}", rng.below(10_000));
        p.push(Prop::new(PropName::Tel, Value::Uri(number)).with_group(Some("item1".into())));
        p.push(
            Prop::new(PropName::Other("X-ABLABEL".into()), Value::Raw("_$!<Other>!$_".into()))
                .with_group(Some("item1".into())),
        );
    }
    if maybe(rng, 40) {
        let profile = Prop::new(
            PropName::Other("X-SOCIALPROFILE".into()),
            Value::Raw(format!("https://twitter.com/{}", rng.token())),
        );
        p.push(with_params(profile, vec![param(ParamName::Type, &["twitter"])]));
    }
    if maybe(rng, 40) {
        p.push(text(PropName::Note, "Met at the conference;\nlikes tea, not coffee."));
    }
    if maybe(rng, 40) {
        p.push(Prop::new(
            PropName::Categories,
            Value::TextList(vec!["friends".into(), "work".into()]),
        ));
    }
    p.push(Prop::new(
        PropName::Rev,
        Value::DateTimes(vec![date_time(date(2024, 3, 1 + rng.below(28) as u8), 12, true)]),
    ));
    let mut root = Component::new(ComponentName::VCard);
    root.props = p;
    Record::new(root, Some(SourceFormat::VCard40))
}

const TZID: &str = "Europe/Berlin";

fn zoned(name: PropName, value: DateTimeValue) -> Prop {
    with_params(
        Prop::new(name, Value::DateTimes(vec![value])),
        vec![param(ParamName::TzId, &[TZID])],
    )
}

fn recur(parts: &[(&str, &str)]) -> Value {
    Value::Recur(Recur {
        parts: parts.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    })
}

fn timezone() -> Component {
    let mut tz = Component::new(ComponentName::VTimezone);
    tz.props.push(text(PropName::TzId, TZID));
    for (name, month, from, to, abbrev) in [
        (ComponentName::Daylight, "3", 3600, 7200, "CEST"),
        (ComponentName::Standard, "10", 7200, 3600, "CET"),
    ] {
        let mut part = Component::new(name);
        let start = date(1970, month.parse().unwrap(), 25);
        part.props.push(Prop::new(
            PropName::DtStart,
            Value::DateTimes(vec![date_time(start, 2, false)]),
        ));
        part.props
            .push(Prop::new(PropName::TzOffsetFrom, Value::UtcOffset(from)));
        part.props.push(Prop::new(PropName::TzOffsetTo, Value::UtcOffset(to)));
        part.props.push(text(PropName::TzName, abbrev));
        part.props.push(Prop::new(
            PropName::RRule,
            recur(&[("FREQ", "YEARLY"), ("BYMONTH", month), ("BYDAY", "-1SU")]),
        ));
        tz.children.push(part);
    }
    tz
}

/// A display alarm `minutes` before the start (RFC 5545 §3.6.6).
pub fn alarm(minutes: u32, description: &str, uid: Option<&str>) -> Component {
    let mut alarm = Component::new(ComponentName::VAlarm);
    if let Some(uid) = uid {
        alarm.props.push(text(PropName::Uid, uid));
    }
    alarm.props.push(text(PropName::Action, "DISPLAY"));
    let trigger = Prop::new(
        PropName::Trigger,
        Value::Duration(Duration {
            negative: true,
            minutes,
            ..Duration::default()
        }),
    );
    alarm
        .props
        .push(with_params(trigger, vec![param(ParamName::Related, &["START"])]));
    alarm.props.push(text(PropName::Description, description));
    alarm
}

fn attendee(rng: &mut Rng, name: &str) -> Prop {
    let params = vec![
        param(ParamName::Cn, &[name]),
        param(
            ParamName::PartStat,
            &[*rng.pick(&["ACCEPTED", "NEEDS-ACTION", "TENTATIVE"])],
        ),
        param(ParamName::Role, &["REQ-PARTICIPANT"]),
        param(ParamName::Rsvp, &["TRUE"]),
    ];
    with_params(
        Prop::new(
            PropName::Attendee,
            Value::Uri(format!("mailto:{}@example.com", name.to_lowercase())),
        ),
        params,
    )
}

/// A recurring meeting: VTIMEZONE, master with alarms, 0..=3 overrides.
pub fn event(rng: &mut Rng) -> Record {
    let uid = format!("{}@example.com", rng.token());
    let stamp = Prop::new(
        PropName::DtStamp,
        Value::DateTimes(vec![date_time(date(2024, 1, 1), 8, true)]),
    );
    let mut master = Component::new(ComponentName::VEvent);
    master.props.extend([
        text(PropName::Uid, &uid),
        stamp.clone(),
        zoned(PropName::DtStart, date_time(date(2024, 1, 1), 9, false)),
        zoned(PropName::DtEnd, date_time(date(2024, 1, 1), 10, false)),
        text(PropName::Summary, "Team sync"),
        text(PropName::Location, "Room 4, Berlin"),
        Prop::new(
            PropName::RRule,
            recur(&[("FREQ", "WEEKLY"), ("BYDAY", "MO,WE"), ("COUNT", "20")]),
        ),
    ]);
    if rng.chance(50) {
        master
            .props
            .push(zoned(PropName::ExDate, date_time(date(2024, 1, 8), 9, false)));
    }
    let organizer = Prop::new(PropName::Organizer, Value::Uri("mailto:boss@example.com".into()));
    master
        .props
        .push(with_params(organizer, vec![param(ParamName::Cn, &["The Boss"])]));
    for name in ["Ann", "Bob", "Cy"].iter().take(rng.below(4)) {
        master.props.push(attendee(rng, name));
    }
    master
        .props
        .push(Prop::new(PropName::Sequence, Value::Integer(rng.below(5) as i64)));
    master.props.push(Prop::new(
        PropName::Other("X-MOZ-GENERATION".into()),
        Value::Raw(rng.below(9).to_string()),
    ));
    for i in 0..rng.below(3) {
        let uid = (i == 1).then(|| format!("alarm-{}", rng.token()));
        master
            .children
            .push(alarm(5 + 10 * i as u32, "Reminder", uid.as_deref()));
    }
    let mut root = Component::new(ComponentName::VCalendar);
    root.props.push(text(PropName::Version, "2.0"));
    root.props.push(text(PropName::Prodid, "-//pimgate//tests//EN"));
    root.children.push(timezone());
    root.children.push(master);
    for week in 0..rng.below(4) {
        let day = 3 + 7 * week as u8;
        let mut o = Component::new(ComponentName::VEvent);
        o.props.push(text(PropName::Uid, &uid));
        o.props
            .push(zoned(PropName::RecurrenceId, date_time(date(2024, 1, day), 9, false)));
        o.props.push(stamp.clone());
        o.props
            .push(zoned(PropName::DtStart, date_time(date(2024, 1, day), 11, false)));
        o.props
            .push(zoned(PropName::DtEnd, date_time(date(2024, 1, day), 12, false)));
        o.props
            .push(text(PropName::Summary, &format!("Team sync (moved {})", rng.token())));
        if rng.chance(30) {
            o.children.push(alarm(30, "Moved meeting", None));
        }
        root.children.push(o);
    }
    Record::new(root, Some(SourceFormat::ICalendar))
}

/// A contact or an event, half and half.
pub fn record(seed: u64) -> Record {
    let mut rng = Rng::new(seed);
    if rng.chance(50) {
        contact(&mut rng)
    } else {
        event(&mut rng)
    }
}
