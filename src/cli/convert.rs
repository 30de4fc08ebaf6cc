//! `pimgate convert INPUT [--from FORMAT] --to FORMAT [-o OUT] [--strict]`:
//! reads one file (or stdin, `-`) in any format pimgate knows and writes it
//! in another (or stdout). Lenient by default: oddities are printed as
//! warnings and the conversion goes on; `--strict` turns them into errors.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use pimgate::adapters::{self, Format, Target};
use pimgate::universal::Record;

/// Arguments of `pimgate convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input file, or `-` for standard input.
    input: PathBuf,
    /// Input format; guessed from the content when absent.
    #[arg(long, value_name = "FORMAT", value_parser = PossibleValuesParser::new(Format::NAMES).try_map(|name| name.parse::<Format>()))]
    from: Option<Format>,
    /// Output format.
    #[arg(long, value_name = "FORMAT", value_parser = PossibleValuesParser::new(Target::NAMES).try_map(|name| name.parse::<Target>()))]
    to: Target,
    /// Output file, or `-` for standard output.
    #[arg(short, long, value_name = "OUT", default_value = "-")]
    output: PathBuf,
    /// Fail on the first lenient-parsing warning instead of printing it.
    #[arg(long)]
    strict: bool,
}

/// Runs one conversion. Nothing is written when reading or rendering fails.
pub fn run(args: &ConvertArgs) -> Result<()> {
    let label = display_name(&args.input, "<stdin>");
    let bytes = read_input(&args.input).with_context(|| label.clone())?;
    let format = match args.from {
        Some(format) => format,
        None => adapters::sniff(&bytes).ok_or_else(|| {
            anyhow!(
                "{label}: cannot tell the input format (not vCard, iCalendar, JSON or CSV); name it with --from ({})",
                Format::NAMES.join(", ")
            )
        })?,
    };
    let records = adapters::parse(format, &bytes).with_context(|| label.clone())?;
    let records = if args.strict {
        adapters::strict(records).with_context(|| label.clone())?
    } else {
        warn(&label, &records);
        records
    };
    let out = adapters::render(&records, args.to).with_context(|| label.clone())?;
    write_output(&args.output, &out).with_context(|| display_name(&args.output, "<stdout>"))
}

fn display_name(path: &std::path::Path, dash: &str) -> String {
    if is_dash(path) {
        dash.to_owned()
    } else {
        path.display().to_string()
    }
}

fn is_dash(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

fn read_input(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    if is_dash(path) {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
    }
}

fn write_output(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if is_dash(path) {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(bytes)?;
        stdout.flush()
    } else {
        std::fs::write(path, bytes)
    }
}

/// Prints every diagnostic as `<file>: record N, line L: warning: ...`.
fn warn(label: &str, records: &[Record]) {
    for (index, record) in records.iter().enumerate() {
        for diagnostic in &record.diagnostics {
            eprintln!("{}", warning_line(label, index + 1, diagnostic));
        }
    }
}

fn warning_line(label: &str, record: usize, diagnostic: &pimgate::universal::Diagnostic) -> String {
    let mut line = format!("{label}: record {record}");
    if diagnostic.line > 0 {
        line.push_str(&format!(", line {}", diagnostic.line));
    }
    line.push_str(&format!(": warning: {}", diagnostic.message));
    if let Some(text) = &diagnostic.text {
        line.push_str(&format!(": {text:?}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn convert_args(argv: &[&str]) -> Result<ConvertArgs, clap::Error> {
        let cli = Cli::try_parse_from(["pimgate", "convert"].iter().chain(argv))?;
        match cli.command {
            Command::Convert(args) => Ok(args),
            other => panic!("`convert` parsed as {other:?}"),
        }
    }

    #[test]
    fn convert_accepts_aliases_for_from_and_exact_names_for_to() {
        let args = convert_args(&[
            "in.vcf",
            "--from",
            "vcard3",
            "--to",
            "csv-google",
            "-o",
            "out.csv",
            "--strict",
        ])
        .unwrap();
        assert_eq!(
            (args.from, args.to, args.strict),
            (Some(Format::VCard), Target::CsvGoogle, true)
        );
        assert_eq!(args.output, PathBuf::from("out.csv"));
        let args = convert_args(&["-", "--to", "json"]).unwrap();
        assert_eq!((args.from, args.output), (None, PathBuf::from("-")));
    }

    #[test]
    fn unknown_format_is_a_usage_error_listing_the_choices() {
        let error = convert_args(&["in.vcf", "--to", "vcard"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidValue);
        let message = error.to_string();
        assert!(
            message.contains("vcard3, vcard4, ical, csv-google, csv-outlook, json, jscontact, jscalendar"),
            "{message}"
        );
        assert!(convert_args(&["in.vcf"]).is_err(), "--to is required");
    }

    #[test]
    fn warnings_name_file_record_and_line() {
        let diagnostic = pimgate::universal::Diagnostic {
            line: 7,
            message: "unknown parameter".into(),
            text: Some("X;Y:z".into()),
        };
        assert_eq!(
            warning_line("a.vcf", 2, &diagnostic),
            "a.vcf: record 2, line 7: warning: unknown parameter: \"X;Y:z\""
        );
        let diagnostic = pimgate::universal::Diagnostic {
            line: 0,
            message: "odd".into(),
            text: None,
        };
        assert_eq!(warning_line("-", 1, &diagnostic), "-: record 1: warning: odd");
    }
}
