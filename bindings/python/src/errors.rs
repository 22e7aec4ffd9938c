//! The exceptions are defined in Python (`composeguard/__init__.py`); this raises them.

use pyo3::prelude::*;

pyo3::import_exception!(composeguard, ComposeguardError);
pyo3::import_exception!(composeguard, ConfigError);

/// `ConfigError`: the `config` argument does not describe a valid configuration.
pub fn config_error(message: String) -> PyErr {
    ConfigError::new_err(message)
}

/// `ComposeguardError` for a rule name or code that no rule has.
pub fn unknown_rule(name: &str) -> PyErr {
    ComposeguardError::new_err(format!("unknown rule `{name}` (see composeguard.rules())"))
}

/// `ComposeguardError` for a file the caller named that cannot be read; the `OSError` is its
/// cause.
pub fn unreadable(py: Python<'_>, path: &str, error: std::io::Error) -> PyErr {
    with_os_cause(py, ComposeguardError::new_err(format!("cannot read {path}: {error}")), path, error)
}

/// `err` with the `OSError` for `error` on `path` as its cause.
pub fn with_os_cause(py: Python<'_>, err: PyErr, path: &str, error: std::io::Error) -> PyErr {
    // OSError(errno, strerror, filename) is FileNotFoundError, PermissionError… by errno.
    let cause = if let Some(code) = error.raw_os_error() {
        let strerror = py
            .import("os")
            .and_then(|os| os.call_method1("strerror", (code,)))
            .and_then(|s| s.extract::<String>())
            .unwrap_or_else(|_| error.to_string());
        pyo3::exceptions::PyOSError::new_err((code, strerror, path.to_string()))
    } else {
        // a reason without an OS error code (a folder named as a file): the exception class of
        // its kind, with the path
        let cause = PyErr::from(error);
        let _ = cause.value(py).setattr("filename", path);
        cause
    };
    err.set_cause(py, Some(cause));
    err
}

/// `ComposeguardError` with a message.
pub fn failure(message: String) -> PyErr {
    ComposeguardError::new_err(message)
}
