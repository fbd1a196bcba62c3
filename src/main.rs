fn main() -> std::process::ExitCode {
    auditlog::cli::main()
}
