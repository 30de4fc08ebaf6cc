//! The `pimgate` command: parses the command line and hands over to [`cli`].

mod cli;

/// mimalloc: parsing and serving allocate many small strings; measured 20 %
/// faster than the system allocator on the iCalendar corpus (docs/decisions.md D5).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
