//! Unit tests of the vCard adapter, one per normalization rule.

use super::{VCardVersion, parse, render};
use crate::adapters::FormatErrorKind;
use crate::universal::{DateTimeValue, ParamName, Prop, PropName, Record, SourceFormat, Value};

fn card(body: &str) -> Record {
    let input = format!("BEGIN:VCARD\r\n{body}END:VCARD\r\n");
    let mut records = parse(input.as_bytes()).expect("parses");
    assert_eq!(records.len(), 1);
    records.remove(0)
}

fn prop<'a>(record: &'a Record, name: &str) -> &'a Prop {
    record
        .root
        .prop(&PropName::parse(name))
        .unwrap_or_else(|| panic!("no {name}"))
}

fn types(prop: &Prop) -> Vec<String> {
    prop.params()
        .get(&ParamName::Type)
        .map(|p| p.values.clone())
        .unwrap_or_default()
}

fn text(record: &Record, version: VCardVersion) -> String {
    String::from_utf8(render(record, version).unwrap()).unwrap()
}

#[test]
fn vcard21_bare_params_become_type_encoding_and_charset() {
    let r = card("VERSION:2.1\r\nTEL;WORK;VOICE:1\r\nNOTE;CHARSET=UTF-8;QUOTED-PRINTABLE:caf=C3=A9\r\nFN;UTF-8:x\r\n");
    assert_eq!(types(prop(&r, "TEL")), ["work", "voice"]);
    let note = prop(&r, "NOTE");
    assert_eq!(note.value(), &Value::Text("café".into()));
    assert!(
        note.params().is_empty(),
        "ENCODING and CHARSET are gone: {:?}",
        note.params()
    );
    assert!(prop(&r, "FN").params().is_empty());
}

#[test]
fn vcard21_quoted_printable_in_latin1_and_shift_jis() {
    let r = card(
        "VERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=\r\nan\r\nNOTE;CHARSET=SHIFT_JIS;ENCODING=QUOTED-PRINTABLE:=93=FA=96=7B\r\n",
    );
    assert_eq!(
        prop(&r, "N").value(),
        &Value::Structured(vec![vec!["Müller".into()], vec!["Jan".into()]])
    );
    assert_eq!(prop(&r, "NOTE").value(), &Value::Text("日本".into()));
}

#[test]
fn vcard21_8bit_value_in_windows_1252() {
    let input = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=windows-1252:Do\xeb\r\nEND:VCARD\r\n";
    let r = parse(input).unwrap().remove(0);
    assert_eq!(prop(&r, "FN").value(), &Value::Text("Do\u{eb}".into()));
    assert!(prop(&r, "FN").params().is_empty());
}

#[test]
fn unknown_charset_leaves_a_diagnostic() {
    let r = card("VERSION:2.1\r\nFN;CHARSET=X-KLINGON:abc\r\n");
    assert_eq!(prop(&r, "FN").value(), &Value::Text("abc".into()));
    assert!(
        r.diagnostics.iter().any(|d| d.message.contains("X-KLINGON")),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn rfc2426_type_pref_becomes_pref_1_and_back() {
    let r = card("VERSION:3.0\r\nFN:x\r\nEMAIL;TYPE=INTERNET,PREF:a@b\r\n");
    let email = prop(&r, "EMAIL");
    assert_eq!(types(email), ["internet"]);
    assert_eq!(email.params().first_value(&ParamName::Pref), Some("1"));
    let mut canonical = r.clone();
    canonical.clear_raw();
    assert!(text(&canonical, VCardVersion::V3).contains("EMAIL;TYPE=internet,pref:a@b"));
    assert!(text(&canonical, VCardVersion::V4).contains("EMAIL;TYPE=internet;PREF=1:a@b"));
}

#[test]
fn rfc2426_3_1_4_base64_photo_becomes_data_uri() {
    let r = card("VERSION:3.0\r\nFN:x\r\nPHOTO;ENCODING=b;TYPE=JPEG:SGVs\r\n bG8=\r\n");
    let photo = prop(&r, "PHOTO");
    assert_eq!(photo.value(), &Value::Uri("data:image/jpeg;base64,SGVsbG8=".into()));
    assert!(photo.params().is_empty());
    let mut canonical = r.clone();
    canonical.clear_raw();
    assert!(text(&canonical, VCardVersion::V3).contains("PHOTO;ENCODING=b;TYPE=JPEG:SGVsbG8="));
    assert!(text(&canonical, VCardVersion::V4).contains("PHOTO:data:image/jpeg;base64,SGVsbG8="));
}

#[test]
fn infcloud_encoding_b_on_a_data_uri_is_one_data_uri() {
    let r = card("VERSION:3.0\r\nFN:x\r\nPHOTO;ENCODING=b;TYPE=png:data:image/png;base64,iVBO\r\n");
    assert_eq!(
        prop(&r, "PHOTO").value(),
        &Value::Uri("data:image/png;base64,iVBO".into())
    );
    assert!(prop(&r, "PHOTO").params().is_empty());
}

#[test]
fn three_and_four_point_oh_cards_with_the_same_content_are_equal() {
    let v3 = card(
        "VERSION:3.0\r\nFN:Jane\r\nTEL;TYPE=WORK,pref:+1\r\nPHOTO;VALUE=uri:http://x/p.jpg\r\nBDAY:1996-04-15\r\n",
    );
    let v4 = card("VERSION:4.0\r\nFN:Jane\r\nTEL;TYPE=work;PREF=1:+1\r\nPHOTO:http://x/p.jpg\r\nBDAY:19960415\r\n");
    let without_version = |r: &Record| r.root.props.iter().skip(1).cloned().collect::<Vec<_>>();
    assert_eq!(without_version(&v3), without_version(&v4));
}

#[test]
fn rfc6350_values_are_typed() {
    let r = card(
        "VERSION:4.0\r\nFN:a\\, b\r\nN:Doe;Jane;Ann,Mary;;\r\nNICKNAME:Jim,Jimmie\r\nBDAY:--0415\r\nURL:http://x\r\nTEL;VALUE=uri:tel:+1-555\r\nGENDER:F\r\n",
    );
    assert_eq!(prop(&r, "FN").value(), &Value::Text("a, b".into()));
    assert_eq!(
        prop(&r, "N").value(),
        &Value::Structured(vec![
            vec!["Doe".into()],
            vec!["Jane".into()],
            vec!["Ann".into(), "Mary".into()],
            vec!["".into()],
            vec!["".into()]
        ])
    );
    assert_eq!(
        prop(&r, "NICKNAME").value(),
        &Value::TextList(vec!["Jim".into(), "Jimmie".into()])
    );
    assert!(matches!(prop(&r, "BDAY").value(), Value::DateTimes(v) if matches!(v[0], DateTimeValue::Date(_))));
    assert_eq!(prop(&r, "URL").value(), &Value::Uri("http://x".into()));
    assert_eq!(prop(&r, "TEL").value(), &Value::Uri("tel:+1-555".into()));
    assert!(matches!(prop(&r, "GENDER").value(), Value::Structured(_)));
}

#[test]
fn bday_that_is_not_a_date_is_kept_with_a_diagnostic() {
    let r = card("VERSION:3.0\r\nFN:x\r\nBDAY:circa 1800\r\n");
    assert_eq!(prop(&r, "BDAY").value(), &Value::Raw("circa 1800".into()));
    assert!(r.diagnostics.iter().any(|d| d.message.contains("BDAY")));
}

#[test]
fn x_properties_keep_group_params_and_value_as_written() {
    let r = card("VERSION:3.0\r\nFN:x\r\nitem1.TEL:1\r\nitem1.X-ABLabel;X-Foo=Bar:_$!<Other>!$_\\,a;b\r\n");
    let label = prop(&r, "X-ABLABEL");
    assert_eq!(label.group(), Some("item1"));
    assert_eq!(label.value(), &Value::Raw("_$!<Other>!$_\\,a;b".into()));
    assert_eq!(label.params().first_value(&ParamName::parse("X-FOO")), Some("Bar"));
    let mut canonical = r.clone();
    canonical.clear_raw();
    assert!(text(&canonical, VCardVersion::V4).contains("item1.X-ABLABEL;X-FOO=Bar:_$!<Other>!$_\\,a;b\r\n"));
}

#[test]
fn unchanged_card_renders_byte_identical_and_a_change_renders_canonically() {
    let input = "BEGIN:VCARD\nVERSION:3.0\nfn:Jane\nTEL;type=HOME:1\nEND:VCARD\n";
    let mut r = parse(input.as_bytes()).unwrap().remove(0);
    assert_eq!(r.source, Some(SourceFormat::VCard30));
    assert_eq!(text(&r, VCardVersion::V3), input);
    r.root.props[2].set_value(Value::Text("2".into()));
    assert_eq!(
        text(&r, VCardVersion::V3),
        "BEGIN:VCARD\nVERSION:3.0\nfn:Jane\nTEL;TYPE=home:2\r\nEND:VCARD\n"
    );
    assert!(text(&r, VCardVersion::V4).starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
}

#[test]
fn vcard21_nested_agent_card_is_kept() {
    let r = card("VERSION:2.1\r\nFN:a\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:b\r\nEND:VCARD\r\nTEL:1\r\n");
    let agent = prop(&r, "AGENT");
    assert_eq!(
        agent.value(),
        &Value::Text("BEGIN:VCARD\nVERSION:2.1\nFN:b\nEND:VCARD\n".into())
    );
    assert_eq!(r.root.props.len(), 4);
    assert!(text(&r, VCardVersion::V3).contains("AGENT:BEGIN:VCARD\\nVERSION:2.1\\nFN:b\\nEND:VCARD\\n\r\n"));
}

#[test]
fn missing_version_is_read_by_content() {
    let r21 = card("FN:a\r\nTEL;WORK:1\r\n");
    assert_eq!(r21.source, Some(SourceFormat::VCard21));
    let r30 = card("FN:a\r\nTEL;TYPE=work:1\r\n");
    assert_eq!(r30.source, Some(SourceFormat::VCard30));
    assert!(r30.diagnostics.iter().any(|d| d.message.contains("no VERSION")));
    assert!(
        text(&r30, VCardVersion::V4).contains("VERSION:4.0"),
        "canonical output always has VERSION"
    );
}

#[test]
fn bad_lines_missing_fn_and_missing_end_are_diagnostics() {
    let records = parse(b"BEGIN:VCARD\r\nVERSION:3.0\r\nthis is junk\r\nN:a;b\r\n").unwrap();
    let messages: Vec<_> = records[0]
        .diagnostics
        .iter()
        .map(|d| (d.message.clone(), d.text.clone()))
        .collect();
    assert!(
        messages.iter().any(|(_, t)| t.as_deref() == Some("this is junk")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|(m, _)| m.contains("no FN")), "{messages:?}");
    assert!(messages.iter().any(|(m, _)| m.contains("no END")), "{messages:?}");
}

#[test]
fn not_a_vcard_and_mismatched_end_are_errors() {
    let err = parse(b"hello\r\nworld\r\n").unwrap_err();
    assert!(matches!(err.kind, FormatErrorKind::MissingBegin { .. }));
    let err = parse(b"BEGIN:VCARD\r\nFN:a\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:b\r\nEND:VEVENT\r\n").unwrap_err();
    assert!(matches!(err.kind, FormatErrorKind::MismatchedEnd { .. }));
    assert_eq!((err.record, err.line), (Some(2), 6));
}

#[test]
fn utf16_input_with_and_without_bom() {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n";
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut le: Vec<u8> = vec![0xff, 0xfe];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for input in [be, le] {
        let r = parse(&input).unwrap().remove(0);
        assert_eq!(prop(&r, "FN").value(), &Value::Text("Zoë".into()));
    }
}

#[test]
fn many_cards_in_one_file() {
    let records = parse(b"BEGIN:VCARD\nFN:a\nEND:VCARD\n\nBEGIN:VCARD\nFN:b\nEND:VCARD\n").unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(prop(&records[1], "FN").value(), &Value::Text("b".into()));
}
