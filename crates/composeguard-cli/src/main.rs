//! `composeguard`: validate and lint Docker Compose files (the logic is in `lib.rs`).

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(composeguard_cli::run(std::env::args_os()))
}
