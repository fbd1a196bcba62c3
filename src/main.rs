//! The `auditlog` binary; everything lives in the library (`src/lib.rs`).

// mimalloc: ingest allocates many short-lived strings; glibc malloc showed up as a third of
// the profile under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    auditlog::cli::main()
}
