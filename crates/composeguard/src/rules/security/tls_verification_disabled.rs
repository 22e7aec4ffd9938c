use super::util::{has_any_part, key_words, written_with_variable};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `environment` or `build.args` entry that turns off TLS certificate
    /// verification.
    ///
    /// The settings: `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`,
    /// `GIT_SSL_NO_VERIFY`, `NPM_CONFIG_STRICT_SSL=false`, and the common application settings
    /// `*_SSL_VERIFY=false`, `*_VERIFY_TLS=0`, `*_INSECURE_SKIP_VERIFY=true`,
    /// `*_SSL_VERIFICATIONMODE=none`,
    /// `*_SKIP_TLS_VERIFY=true`, `*_TLS_INSECURE=true`.
    ///
    /// Not reported: `DOCKER_TLS_VERIFY=0` (the Docker CLI verifies whenever the variable is
    /// non-empty), values from variables, switches that turn verification on, and switches
    /// that turn TLS itself off (`DISABLE_TLS=true`, `NO_SSL=1`, `SKIP_SSL=true`: no certificate
    /// is checked because none is used). Validation and strictness count only with TLS, SSL or a
    /// certificate in the name (`DISABLE_CERT_VALIDATION`, not Friendica's
    /// `FRIENDICA_NO_VALIDATION`, which skips its URL and e-mail checks).
    ///
    /// ## Why is this bad?
    /// Without certificate verification, TLS no longer proves who is on the other end: anyone on
    /// the network path (a compromised container on the same network, a rogue Wi-Fi, a DNS
    /// spoof) can read and change the traffic, credentials included. In `build.args` it exposes
    /// package downloads to tampering. Trust the private CA instead (`NODE_EXTRA_CA_CERTS`,
    /// `SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, or the CA added to the image).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       NODE_TLS_REJECT_UNAUTHORIZED: "0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       NODE_EXTRA_CA_CERTS: /etc/ssl/certs/acme-ca.pem
    /// ```
    pub struct TlsVerificationDisabled => {
        name: "tls-verification-disabled",
        code: "CG235",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["CWE-295", "OWASP Transport Layer Security Cheat Sheet"],
    }
}

impl Rule for TlsVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let build_args = service.build.as_ref().map(|b| &b.value.config.args);
            let lists = [("environment", Some(&service.environment)), ("build.args", build_args)];
            for (where_, list) in lists {
                let Some(list) = list else { continue };
                for entry in list.iter() {
                    let Some(value) = entry.value.as_ref() else { continue };
                    // (the key first: it rules out nearly every entry with one byte scan)
                    if !disables_verification(&entry.key.value, &value.value) || written_with_variable(cx, value.span, value.anchor) {
                        continue;
                    }
                    // `X_VERIFY_SSL=false` next to `X_SSL=false`: the connection has no TLS to verify
                    let tls_off = |switch: &str| list.get(switch).and_then(|e| e.value.as_ref()).is_some_and(|v| falsy(&v.value));
                    if without_verify_word(&entry.key.value).is_some_and(|switch| tls_off(&switch)) {
                        continue;
                    }
                    let key = &entry.key.value;
                    out.report(entry.key.span, format!("service `{svc}` turns off TLS certificate verification (`{key}` in `{where_}`)"))
                        .path(format!("services.{svc}.{where_}.{key}"))
                        .service(svc)
                        .anchor(value.anchor)
                        .help("remove the setting and make the service trust the private CA instead");
                }
            }
        }
    }
}

fn truthy(v: &str) -> bool {
    let v = v.trim();
    ["1", "true", "yes", "on", "y"].iter().any(|w| v.eq_ignore_ascii_case(w))
}

fn falsy(v: &str) -> bool {
    let v = v.trim();
    ["0", "false", "no", "off", "n"].iter().any(|w| v.eq_ignore_ascii_case(w))
}

/// Whether a key holds, in any case, `TLS`, `SSL`, `HTTPS`, `CERT` or `VERIF` (`VERIFY`,
/// `VERIFICATION`): every setting [`disables_verification`] reports has one of them in a word.
/// One byte scan, which nearly every key fails before its words are split (the rule was 6.2 M
/// instructions on 300 files, for a handful of findings).
fn mentions_tls(key: &str) -> bool {
    has_any_part(key, &[b"TLS", b"SSL", b"HTTPS", b"CERT", b"VERIF"])
}

/// Whether `key=value` turns off certificate verification.
pub fn disables_verification(key: &str, value: &str) -> bool {
    if !mentions_tls(key) {
        return false;
    }
    // (compared in place: an upper-case copy of every key was an allocation a call)
    if key.eq_ignore_ascii_case("NODE_TLS_REJECT_UNAUTHORIZED") || key.eq_ignore_ascii_case("PYTHONHTTPSVERIFY") {
        return value.trim() == "0";
    }
    // git turns verification off for any value
    if key.eq_ignore_ascii_case("GIT_SSL_NO_VERIFY") {
        return !value.trim().is_empty();
    }
    if key.eq_ignore_ascii_case("DOCKER_TLS_VERIFY") {
        return false;
    }
    let words = key_words(key);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w));
    let cert = has(&["CERT", "CERTS", "CERTIFICATE", "CERTIFICATES"]);
    let tls = cert || has(&["TLS", "SSL", "HTTPS"]);
    // `VERIFY` is about certificates on its own (`VAULT_SKIP_VERIFY`); validation and strictness
    // are only with TLS in the name (`FRIENDICA_NO_VALIDATION` turns off URL and e-mail checks,
    // `SKIP_SCHEMA_VALIDATION` a schema's)
    let verify = has(&["VERIFY", "VERIFICATION"]) || (tls && has(&["VALIDATE", "VALIDATION", "STRICT"]));
    // a verification mode set to `none` (Elastic's `ssl.verification_mode`, which Kibana's image
    // reads as `ELASTICSEARCH_SSL_VERIFICATIONMODE`)
    if tls && (has(&["VERIFICATIONMODE"]) || (verify && has(&["MODE"]))) {
        return value.trim().eq_ignore_ascii_case("none");
    }
    // words that bypass the checks of a connection that still uses TLS
    let bypass = has(&["SKIP", "INSECURE", "IGNORE"]);
    // words that switch something off: with TLS alone (`DISABLE_TLS`, `NO_SSL`) they turn TLS
    // itself off (a plain connection, or no HTTPS listener), which is not this rule's finding
    let off = has(&["NO", "DISABLE", "DISABLED"]);
    // what a bypass skips: the checks (`SKIP_VERIFY`, `IGNORE_CERT_ERRORS`), or, with TLS alone
    // (`SKIP_SSL`), TLS itself; `INSECURE` TLS is TLS without the checks
    let checks = verify || cert || has(&["ERROR", "ERRORS", "CHECK", "CHECKS"]);
    if bypass {
        (verify || tls) && truthy(value) && (checks || has(&["INSECURE"]))
    } else if off {
        (verify || cert) && truthy(value)
    } else {
        tls && verify && falsy(value)
    }
}

/// The key with its verification word taken out (`VRKN_INFLUXDB_VERIFY_SSL` →
/// `VRKN_INFLUXDB_SSL`): the switch of TLS itself for the same connection, when there is a word
/// to take out and something is left.
fn without_verify_word(key: &str) -> Option<String> {
    let words: Vec<&str> = key.split('_').collect();
    let verify = ["VERIFY", "VERIFICATION", "VALIDATE", "VALIDATION"];
    let at = words.iter().position(|w| verify.iter().any(|v| v.eq_ignore_ascii_case(w)))?;
    let rest: Vec<&str> = words.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, w)| *w).collect();
    let tls = ["SSL", "TLS", "HTTPS"];
    rest.iter().any(|w| tls.iter().any(|t| t.eq_ignore_ascii_case(w))).then(|| rest.join("_"))
}

#[cfg(test)]
mod tests {
    use super::disables_verification as d;

    #[test]
    fn keys() {
        assert!(d("NODE_TLS_REJECT_UNAUTHORIZED", "0"));
        assert!(!d("NODE_TLS_REJECT_UNAUTHORIZED", "1"));
        assert!(d("GIT_SSL_NO_VERIFY", "1"));
        assert!(d("NPM_CONFIG_STRICT_SSL", "false"));
        assert!(d("KEYCLOAK_SSL_VERIFY", "false"));
        assert!(d("ELASTICSEARCH_SSL_VERIFICATIONMODE", "none"));
        assert!(d("XPACK_SECURITY_HTTP_SSL_VERIFICATION_MODE", "none"));
        assert!(!d("ELASTICSEARCH_SSL_VERIFICATIONMODE", "certificate"));
        assert!(!d("ELASTICSEARCH_SSL_VERIFICATIONMODE", "full"));
        assert!(d("ES_VERIFY_CERTS", "false"));
        assert!(d("VAULT_SKIP_VERIFY", "true"));
        assert!(d("INSECURE_SKIP_VERIFY", "true"));
        assert!(d("LDAP_TLS_INSECURE", "1"));
        assert!(!d("DOCKER_TLS_VERIFY", "0"));
        assert!(!d("SSL_VERIFY", "true"));
        assert!(!d("INSECURE_REGISTRY", "true"));
        assert!(!d("SKIP_MIGRATIONS", "true"));
        assert!(!d("TLS_ENABLED", "false"));
        // these turn TLS off, not its verification
        assert!(!d("PHOTOPRISM_DISABLE_TLS", "true"));
        assert!(!d("DISABLE_SSL", "1"));
        assert!(!d("HTTPS_DISABLED", "true"));
        assert!(!d("NO_TLS", "yes"));
        assert!(d("DISABLE_SSL_VERIFY", "true"));
        assert!(d("DISABLE_CERT_VALIDATION", "1"));
        assert!(d("NO_VERIFY_SSL", "true"));
        assert!(d("IGNORE_CERT_ERRORS", "true"));
        assert!(!d("VAULT_SKIP_VERIFY", "false"));
        // skipping TLS is a plain connection, not one that skips the checks
        assert!(!d("DB_DUMP_SKIP_SSL", "true"));
        assert!(!d("MYSQL_SKIP_SSL", "1"));
        assert!(d("SKIP_SSL_VERIFY", "true"));
        assert!(d("IGNORE_SSL_ERRORS", "true"));
        assert!(d("SKIP_CERT_CHECK", "true"));
        assert!(d("SSL_VALIDATE", "false"));
        assert!(d("TLS_SKIP_VALIDATION", "true"));
        // validation of something else than a certificate
        assert!(!d("FRIENDICA_NO_VALIDATION", "true"));
        assert!(!d("SKIP_SCHEMA_VALIDATION", "true"));
        assert!(!d("DISABLE_VALIDATION", "1"));
        assert!(!d("IGNORE_VALIDATION_ERRORS", "true"));
    }

    #[test]
    fn tls_switches() {
        use super::without_verify_word as w;
        assert_eq!(w("VRKN_INFLUXDB_VERIFY_SSL").as_deref(), Some("VRKN_INFLUXDB_SSL"));
        assert_eq!(w("SSL_VERIFY").as_deref(), Some("SSL"));
        assert_eq!(w("NODE_TLS_REJECT_UNAUTHORIZED"), None);
        assert_eq!(w("VERIFY_CERTS"), None);
    }
}
