//! Writes the benchmarks' generated compose files: `generate-compose SERVICES [OUT]` (stdout
//! without OUT; `small` for the small example file; `typical-N` for N services of the corpus's
//! average size).

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(count) = args.next() else {
        eprintln!("usage: generate-compose SERVICES|typical-SERVICES|small [OUT]");
        return std::process::ExitCode::from(2);
    };
    let (typical, number) = count.strip_prefix("typical-").map_or((false, count.as_str()), |n| (true, n));
    let text = if count == "small" {
        generate::SMALL.to_string()
    } else {
        match number.parse::<usize>() {
            Ok(n) if typical => generate::typical_compose_file(n),
            Ok(n) => generate::compose_file(n),
            Err(e) => {
                eprintln!("generate-compose: {count}: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    };
    let written = if let Some(out) = args.next() {
        std::fs::write(&out, text).map_err(|e| format!("{out}: {e}"))
    } else {
        use std::io::Write as _;
        std::io::stdout().write_all(text.as_bytes()).map_err(|e| e.to_string())
    };
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate-compose: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
