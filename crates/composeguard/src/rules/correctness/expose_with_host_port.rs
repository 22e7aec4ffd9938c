use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `expose` entry with a host part, such as `"8080:80"` or `"127.0.0.1:8080:80"`.
    ///
    /// ## Why is this bad?
    /// `expose` only declares container ports (`80`, `80/udp`, `8000-8010`) that other services
    /// reach on the project network; it never publishes anything on the host. compose accepts
    /// the text and hands it to the engine unchanged as a container port, which it is not: the
    /// host mapping the entry seems to ask for is never made. Publishing belongs in `ports`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     expose:
    ///       - "8080:80"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "127.0.0.1:8080:80"
    /// ```
    pub struct ExposeWithHostPort => {
        name: "expose-with-host-port",
        code: "CG108",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec expose"],
    }
}

impl Rule for ExposeWithHostPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            for (i, item) in service.expose.iter().enumerate() {
                let text = item.value.0.as_str();
                let Some((host, container)) = text.rsplit_once(':') else { continue };
                out.report(item.span, format!("service `{}` exposes `{text}`, which maps a host port", name.value))
                    .path(format!("services.{}.expose[{i}]", name.value))
                    .service(&name.value)
                    .anchor(item.anchor)
                    .help(format!(
                        "move it to `ports` to publish `{host}` on the host, or expose only the container port `{container}`"
                    ));
            }
        }
    }
}
