//! `composeguard`: validate and lint Docker Compose files (the logic is in `lib.rs`).

// mimalloc: the loader allocates many small nodes; glibc's malloc and free were a sixth of a run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    tune_allocator();
    std::process::ExitCode::from(composeguard_cli::run(std::env::args_os()))
}

/// Returns freed memory to the system at once instead of a second later: a run is short, and the
/// delayed purge kept the peak of a 5000-service file about a quarter higher. (Transparent huge
/// pages, the other source of a high peak, are off at build time: mimalloc's `no_thp`.)
#[allow(unsafe_code)]
fn tune_allocator() {
    // mimalloc v3's `mi_option_purge_delay` (include/mimalloc.h); the -sys crate's option
    // constants are v2's numbering, so the version (3.3.2 is 30302) is checked before the
    // number is used.
    const PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: both are plain calls into the linked allocator with no pointers; setting an
    // option is documented as allowed at any time.
    unsafe {
        let user_set = std::env::var_os("MIMALLOC_PURGE_DELAY").is_some();
        if !user_set && (30_000..40_000).contains(&libmimalloc_sys::mi_version()) {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        }
    }
}
