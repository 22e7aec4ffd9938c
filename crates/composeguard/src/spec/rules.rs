//! The spec checks as documented rules (category `spec`). Their logic lives in the loader
//! (`composeguard-model`) and in [`crate::spec`]; this file is their documentation and metadata.

use composeguard_model::IssueKind;

use crate::declare_rule;
use crate::rule::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Reports text that is not valid YAML.
    ///
    /// ## Why is this bad?
    /// docker compose cannot read the file at all, so nothing in it takes effect.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: "nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: "nginx"
    /// ```
    pub struct YamlSyntax => {
        name: "yaml-syntax", code: "CG001", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["YAML 1.2"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a mapping key written twice in the same mapping.
    ///
    /// ## Why is this bad?
    /// YAML forbids repeated keys and docker compose refuses the file; tools that accept it keep
    /// one of the two values silently.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     image: httpd
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    pub struct DuplicateKey => {
        name: "duplicate-key", code: "CG002", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["YAML 1.2", "dclint no-duplicate-keys"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports mapping keys that are numbers, booleans, null or collections.
    ///
    /// ## Why is this bad?
    /// docker compose requires every key to be a string and refuses the file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     environment:
    ///       1: one
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     environment:
    ///       "1": one
    /// ```
    pub struct NonStringKey => {
        name: "non-string-key", code: "CG003", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports input beyond composeguard's limits: a file too large, nesting too deep, or YAML
    /// aliases that expand to too many nodes (an "alias bomb").
    ///
    /// ## Why is this bad?
    /// Such input is almost always an accident or an attack; reading it would take unbounded time
    /// or memory. The limits are configurable.
    ///
    /// ## Example
    /// ```yaml
    /// x-a: &a [x, x, x, x, x, x, x, x, x, x]
    /// x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    /// x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    /// x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    /// x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    /// x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    /// x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// x-a: &a [x, x]
    /// services:
    ///   web:
    ///     image: nginx
    ///     x-list: *a
    /// ```
    pub struct InputLimit => {
        name: "input-limit", code: "CG004", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["CWE-776"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file that is empty or whose top level is not a mapping.
    ///
    /// ## Why is this bad?
    /// docker compose refuses it ("empty compose file", "top-level object must be a mapping").
    ///
    /// ## Example
    /// ```yaml
    /// - web
    /// - db
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    pub struct InvalidTopLevel => {
        name: "invalid-top-level", code: "CG005", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports keys the Compose specification does not define, and suggests the closest one.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file ("additional properties not allowed"). Custom data belongs
    /// under keys that start with `x-`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     enviroment:
    ///       DEBUG: "1"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     environment:
    ///       DEBUG: "1"
    /// ```
    pub struct UnknownKey => {
        name: "unknown-key", code: "CG006", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type: a list where a mapping is needed, a string for a
    /// number, a nested mapping where a scalar is expected.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file ("must be a mapping", "must be a string").
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image:
    ///       name: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    pub struct InvalidType => {
        name: "invalid-type", code: "CG007", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports values of the right type that docker compose still rejects: an unknown enum value,
    /// a malformed port, volume, duration or size, a name that breaks the spec's pattern, a number
    /// out of range.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file, usually with a message that does not say where.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     ports:
    ///       - "80800:80"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     ports:
    ///       - "8080:80"
    /// ```
    pub struct InvalidValue => {
        name: "invalid-value", code: "CG008", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an object that lacks a key the specification requires (`extends.service`, a long
    /// volume's `type`, a dependency's `condition`…).
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     volumes:
    ///       - source: data
    ///         target: /data
    /// volumes:
    ///   data: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     volumes:
    ///       - type: volume
    ///         source: data
    ///         target: /data
    /// volumes:
    ///   data: {}
    /// ```
    pub struct MissingKey => {
        name: "missing-key", code: "CG009", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports keys that cannot be used together, or that must agree and do not
    /// (`network_mode` with `networks`, `external` with `driver`, `scale` against
    /// `deploy.replicas`, `cpus` against `deploy.resources.limits.cpus`…).
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     network_mode: host
    ///     networks: [front]
    /// networks:
    ///   front: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     networks: [front]
    /// networks:
    ///   front: {}
    /// ```
    pub struct ConflictingKeys => {
        name: "conflicting-keys", code: "CG010", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go checkConsistency"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `${…}` that compose cannot read, such as `${}` or `${VAR:x}`.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the file ("invalid interpolation format"). A literal dollar sign is
    /// written `$$`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     command: echo ${}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     command: echo $${HOME}
    /// ```
    pub struct InvalidInterpolation => {
        name: "invalid-interpolation", code: "CG011", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec interpolation"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `${VAR:?message}` or `${VAR?message}` whose variable is not set (or empty, for
    /// `:?`) in the environment or `.env`.
    ///
    /// ## Why is this bad?
    /// docker compose stops with the message; the project cannot start.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    /// ```
    pub struct MissingRequiredVariable => {
        name: "missing-required-variable", code: "CG012", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-spec interpolation"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a variable used without a default that is not set in the environment or `.env`.
    ///
    /// ## Why is this bad?
    /// docker compose only warns and substitutes an empty string, which often produces an image
    /// reference like `myapp:` or an empty password.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:${NGINX_TAG}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:${NGINX_TAG:-1.27}
    /// ```
    pub struct UnsetVariable => {
        name: "unset-variable", code: "CG013", category: Spec, severity: Warning,
        fixable: false, default_enabled: true, sources: ["compose-spec interpolation"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports YAML 1.1 boolean spellings (`yes`, `no`, `on`, `off`, `y`, `n`) in fields compose
    /// reads as booleans.
    ///
    /// ## Why is this bad?
    /// YAML 1.2 reads them as strings; docker compose converts them with a warning. Other tools
    /// disagree on what they mean.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     tty: "yes"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     tty: true
    /// ```
    pub struct Yaml11Boolean => {
        name: "yaml11-boolean", code: "CG014", category: Spec, severity: Warning,
        fixable: false, default_enabled: true, sources: ["YAML 1.2", "yamllint truthy"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a service that refers to a network, volume, secret, config, model or service that
    /// the file does not define (including `depends_on`, `links`, `volumes_from`,
    /// `network_mode: service:…` and build contexts `service:…`).
    ///
    /// ## Why is this bad?
    /// docker compose refuses the project ("refers to undefined volume").
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - dbdata:/var/lib/postgresql/data
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     volumes:
    ///       - dbdata:/var/lib/postgresql/data
    /// volumes:
    ///   dbdata: {}
    /// ```
    pub struct UndefinedReference => {
        name: "undefined-reference", code: "CG015", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go checkConsistency"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports services that depend on each other in a cycle, and names the cycle.
    ///
    /// ## Why is this bad?
    /// docker compose cannot order the services and refuses the project ("dependency cycle
    /// detected").
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     depends_on: [api]
    ///   api:
    ///     image: myapi:1.0
    ///     depends_on: [web]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     depends_on: [api]
    ///   api:
    ///     image: myapi:1.0
    /// ```
    pub struct DependencyCycle => {
        name: "dependency-cycle", code: "CG016", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go graph"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a service with neither `image` nor `build` (nor a `provider`).
    ///
    /// ## Why is this bad?
    /// docker compose does not know what to run and refuses the project.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     ports: ["8080:80"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports: ["8080:80"]
    /// ```
    pub struct MissingImage => {
        name: "missing-image", code: "CG017", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go checkConsistency"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a container path mounted both by `tmpfs` and by a volume.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the project ("target … already mounted"). (Two volumes on the same
    /// target are merged by compose, the last one winning; `volume-target-overridden` reports
    /// that.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     tmpfs: /cache
    ///     volumes:
    ///       - ./cache:/cache
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     tmpfs: /cache
    ///     volumes:
    ///       - ./static:/static
    /// ```
    pub struct DuplicateMountTarget => {
        name: "duplicate-mount-target", code: "CG018", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go checkConsistency"],
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file compose must read that does not exist: an `env_file`, an `extends.file`, an
    /// `include` path.
    ///
    /// ## Why is this bad?
    /// docker compose refuses the project. An optional env file is written with
    /// `required: false`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     env_file: missing.env
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///     env_file:
    ///       - path: missing.env
    ///         required: false
    /// ```
    pub struct MissingFile => {
        name: "missing-file", code: "CG019", category: Spec, severity: Error,
        fixable: false, default_enabled: true, sources: ["compose-go loader"],
    }
}

declare_rule! {
    /// ## What it does
    /// Notes an `include` or `extends` of a remote resource (git or OCI), which composeguard never
    /// fetches, so its content was not checked.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself; the note says that part of the project was not validated.
    /// Vendoring the services into the repository gets them checked.
    ///
    /// ## Example
    /// ```yaml
    /// include:
    ///   - oci://registry.example.com/stack:1.0
    /// services:
    ///   web:
    ///     image: nginx
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx
    ///   cache:
    ///     image: redis:7
    /// ```
    pub struct RemoteResource => {
        name: "remote-resource", code: "CG020", category: Spec, severity: Info,
        fixable: false, default_enabled: true, sources: ["compose-spec include"],
    }
}

/// The spec rules, in code order.
pub static SPEC_RULES: &[(IssueKind, &RuleMeta)] = &[
    (IssueKind::YamlSyntax, &YamlSyntax::META),
    (IssueKind::DuplicateKey, &DuplicateKey::META),
    (IssueKind::NonStringKey, &NonStringKey::META),
    (IssueKind::InputLimit, &InputLimit::META),
    (IssueKind::InvalidTopLevel, &InvalidTopLevel::META),
    (IssueKind::UnknownKey, &UnknownKey::META),
    (IssueKind::InvalidType, &InvalidType::META),
    (IssueKind::InvalidValue, &InvalidValue::META),
    (IssueKind::MissingKey, &MissingKey::META),
    (IssueKind::ConflictingKeys, &ConflictingKeys::META),
    (IssueKind::InvalidInterpolation, &InvalidInterpolation::META),
    (IssueKind::MissingRequiredVariable, &MissingRequiredVariable::META),
    (IssueKind::UnsetVariable, &UnsetVariable::META),
    (IssueKind::Yaml11Boolean, &Yaml11Boolean::META),
    (IssueKind::UndefinedReference, &UndefinedReference::META),
    (IssueKind::DependencyCycle, &DependencyCycle::META),
    (IssueKind::MissingImage, &MissingImage::META),
    (IssueKind::DuplicateMountTarget, &DuplicateMountTarget::META),
    (IssueKind::MissingFile, &MissingFile::META),
    (IssueKind::RemoteResource, &RemoteResource::META),
];

/// The metadata of the spec rule behind a loader issue.
pub fn meta(kind: IssueKind) -> &'static RuleMeta {
    SPEC_RULES.iter().find(|(k, _)| *k == kind).map_or(&YamlSyntax::META, |(_, m)| *m)
}
