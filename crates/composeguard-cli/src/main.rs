//! `composeguard`: validate and lint Docker Compose files (the logic is in `lib.rs`).

// mimalloc: the loader allocates many small nodes; glibc's malloc and free were a sixth of a run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(composeguard_cli::run(std::env::args_os()))
}
