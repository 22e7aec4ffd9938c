//! Writes the benchmarks' generated compose files: `generate-compose SERVICES [OUT]` (stdout
//! without OUT; `small` for the small example file).

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(count) = args.next() else {
        eprintln!("usage: generate-compose SERVICES|small [OUT]");
        return std::process::ExitCode::from(2);
    };
    let text = if count == "small" {
        generate::SMALL.to_string()
    } else {
        match count.parse::<usize>() {
            Ok(n) => generate::compose_file(n),
            Err(e) => {
                eprintln!("generate-compose: {count}: {e}");
                return std::process::ExitCode::from(2);
            }
        }
    };
    let written = match args.next() {
        Some(out) => std::fs::write(&out, text).map_err(|e| format!("{out}: {e}")),
        None => {
            use std::io::Write as _;
            std::io::stdout().write_all(text.as_bytes()).map_err(|e| e.to_string())
        }
    };
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("generate-compose: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
