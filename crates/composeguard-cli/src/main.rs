//! `composeguard`: validate and lint Docker Compose files (the logic is in `lib.rs`).

// mimalloc: the loader allocates many small nodes; glibc's malloc and free were a sixth of a run.
#[global_allocator]
static GLOBAL: Allocator = Allocator;

/// mimalloc, asked for alignment only when a layout needs more than every block has. (The
/// `mimalloc` crate sends every allocation through `mi_malloc_aligned`: 57 instructions a call on
/// 500 services, and 3% of the run's instructions went with it.)
struct Allocator;

/// The alignment of every mimalloc block: blocks are whole machine words, from word-aligned pages.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: every method hands the layout to mimalloc, whose functions meet `GlobalAlloc`'s
// contract: `mi_malloc`/`mi_zalloc`/`mi_realloc` return word-aligned blocks (used only when the
// layout's alignment is at most a word), the `_aligned` variants honour any alignment, and
// `mi_free` frees blocks from any of them.
#[allow(unsafe_code)]
unsafe impl std::alloc::GlobalAlloc for Allocator {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: see the impl
        unsafe {
            if layout.align() <= WORD {
                libmimalloc_sys::mi_malloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: see the impl
        unsafe {
            if layout.align() <= WORD {
                libmimalloc_sys::mi_zalloc(layout.size()).cast()
            } else {
                libmimalloc_sys::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: see the impl
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl
        unsafe {
            if layout.align() <= WORD {
                libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                libmimalloc_sys::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

fn main() -> std::process::ExitCode {
    set_purge_delay(0);
    std::process::ExitCode::from(composeguard_cli::run_tuned(std::env::args_os(), tune_allocator))
}

/// Freed memory goes back to the system at once in a run over one project, instead of a second
/// later: the run is short, and the delayed purge kept the peak of a 5000-service file about a
/// quarter higher. Over many projects, one project's memory serves the next and the delay is
/// mimalloc's own again: purging at once there was a twentieth of the time on 300 real compose
/// files (a system call for every page freed). (Transparent huge pages, the other source of a
/// high peak, are off at build time: mimalloc's `no_thp`.)
fn tune_allocator(work: composeguard_cli::Workload) {
    if work.projects > 1 {
        set_purge_delay(1000);
    }
}

/// Sets mimalloc's purge delay (milliseconds), unless `MIMALLOC_PURGE_DELAY` sets it.
#[allow(unsafe_code)]
fn set_purge_delay(ms: std::ffi::c_long) {
    // mimalloc v3's `mi_option_purge_delay` (include/mimalloc.h); the -sys crate's option
    // constants are v2's numbering, so the version (3.3.2 is 30302) is checked before the number
    // is used.
    const PURGE_DELAY: std::ffi::c_int = 15;
    // SAFETY: plain calls into the linked allocator with no pointers; setting an option is
    // documented as allowed at any time.
    unsafe {
        if !(30_000..40_000).contains(&libmimalloc_sys::mi_version()) {
            return;
        }
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, ms);
        }
    }
}

/// mimalloc v3's `mi_option_arena_reserve` (include/mimalloc.h), in KiB.
const ARENA_RESERVE: std::ffi::c_int = 23;

/// Reserves address space for the heap 16 MiB at a time, not 1 GiB: mimalloc sets up the
/// bookkeeping of a whole reservation when it makes one, and for 1 GiB that wrote 42 pages before
/// anything was read. A bigger heap gets more reservations, each larger than the last.
///
/// The size is set before mimalloc starts, which is before `main`: mimalloc starts in an ELF
/// constructor of priority 101 and makes its first reservation then, so this runs in one of
/// priority 100. It touches nothing but mimalloc's option table (no allocation, no Rust
/// runtime); `MIMALLOC_ARENA_RESERVE` is left to mimalloc when it is set.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
#[used]
#[link_section = ".init_array.00100"]
static RESERVE_BEFORE_MIMALLOC: extern "C" fn() = {
    extern "C" fn reserve() {
        // SAFETY: `getenv` with a NUL-terminated name, before any thread exists; `mi_version`
        // and `mi_option_set` read and write mimalloc's static tables only.
        unsafe {
            let set = !libc::getenv(c"MIMALLOC_ARENA_RESERVE".as_ptr()).is_null();
            if !set && (30_000..40_000).contains(&libmimalloc_sys::mi_version()) {
                libmimalloc_sys::mi_option_set(ARENA_RESERVE, 16 * 1024);
            }
        }
    }
    reserve
};
