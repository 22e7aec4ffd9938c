//! Deterministic compose files for benchmarks and stress tests: realistic services (image, ports,
//! environment, volumes, `depends_on`, healthcheck, resources, logging, labels) and a few
//! top-level networks and volumes. The same `services` count always gives the same bytes.

use std::fmt::Write as _;

/// A compose file with `services` services.
pub fn compose_file(services: usize) -> String {
    let mut out = String::with_capacity(services * 900 + 512);
    out.push_str("name: bench\n\n");
    out.push_str("x-logging: &logging\n  driver: json-file\n  options:\n    max-size: 10m\n    max-file: \"3\"\n\n");
    out.push_str("services:\n");
    for i in 0..services {
        service(&mut out, i);
    }
    out.push_str("\nnetworks:\n  frontend: {}\n  backend:\n    internal: true\n\n");
    out.push_str("volumes:\n");
    for i in 0..services.div_ceil(10) {
        let _ = writeln!(out, "  data-{i}: {{}}");
    }
    out.push_str("\nsecrets:\n  db-password:\n    file: ./secrets/db-password.txt\n");
    out
}

/// A compose file with `services` services of the size the corpus of real files has on average
/// (about 240 bytes each): an image, ports, a little environment, a volume, `depends_on` and a
/// restart policy, the services of a typical project rather than fully hardened ones.
pub fn typical_compose_file(services: usize) -> String {
    let mut out = String::with_capacity(services * 260 + 128);
    out.push_str("services:\n");
    for i in 0..services {
        let name = service_name(i);
        let _ = writeln!(out, "  {name}:");
        let _ = writeln!(out, "    image: example/app{}:1.{}", i % 37, i % 10);
        let _ = writeln!(out, "    restart: unless-stopped");
        let _ = writeln!(out, "    ports:\n      - \"{}:8080\"", 10_000 + i % 50_000);
        out.push_str("    environment:\n");
        let _ = writeln!(out, "      - APP_NAME={name}");
        out.push_str("      - LOG_LEVEL=${LOG_LEVEL:-info}\n");
        let _ = writeln!(out, "    volumes:\n      - ./data/{name}:/data");
        if i % 10 != 0 {
            let _ = writeln!(out, "    depends_on:\n      - {}", service_name(i - i % 10));
        }
    }
    out
}

/// The name of service `i`.
pub fn service_name(i: usize) -> String {
    format!("svc-{i:05}")
}

fn service(out: &mut String, i: usize) {
    let name = service_name(i);
    let _ = writeln!(out, "  {name}:");
    let _ = writeln!(out, "    image: registry.example.com/team/app{}:1.{}.{}", i % 37, i % 10, i % 7);
    if i % 5 == 0 {
        let _ = writeln!(out, "    container_name: {name}-main");
    }
    let _ = writeln!(out, "    restart: unless-stopped");
    let _ = writeln!(out, "    user: \"{}:{}\"", 1000 + i % 50, 1000 + i % 50);
    let _ = writeln!(out, "    read_only: true");
    let _ = writeln!(out, "    security_opt:\n      - no-new-privileges:true");
    let _ = writeln!(out, "    command: [\"/app/server\", \"--port\", \"8080\", \"--worker\", \"{i}\"]");
    let _ = writeln!(out, "    ports:\n      - \"127.0.0.1:{}:8080\"", 10_000 + i % 50_000);
    if i % 3 == 0 {
        let _ = writeln!(out, "      - target: 9090\n        published: \"{}\"\n        protocol: tcp\n        host_ip: 127.0.0.1", 60_000 + i % 5000);
    }
    let _ = writeln!(out, "    expose:\n      - \"8081\"");
    out.push_str("    environment:\n");
    let _ = writeln!(out, "      SERVICE_NAME: {name}");
    let _ = writeln!(out, "      LOG_LEVEL: ${{LOG_LEVEL:-info}}");
    let _ = writeln!(out, "      WORKERS: \"{}\"", 1 + i % 8);
    let _ = writeln!(out, "      DATABASE_URL: postgres://app@db-{}:5432/app", i % 4);
    out.push_str("      DB_PASSWORD_FILE: /run/secrets/db-password\n");
    let _ = writeln!(out, "      FEATURE_FLAGS: \"a,b,c,{i}\"");
    out.push_str("    secrets:\n      - db-password\n");
    out.push_str("    volumes:\n");
    let _ = writeln!(out, "      - data-{}:/var/lib/app", i / 10);
    let _ = writeln!(out, "      - ./config/{name}.yaml:/etc/app/config.yaml:ro");
    let _ = writeln!(out, "      - type: tmpfs\n        target: /tmp\n        tmpfs:\n          size: 64m");
    // groups of ten: the first of each (a database, say) is what the nine others wait for
    if i % 10 != 0 {
        out.push_str("    depends_on:\n");
        let _ = writeln!(out, "      {}:\n        condition: service_healthy\n        restart: true", service_name(i - i % 10));
    }
    out.push_str("    healthcheck:\n");
    out.push_str("      test: [\"CMD\", \"curl\", \"-fsS\", \"http://localhost:8080/health\"]\n");
    out.push_str("      interval: 30s\n      timeout: 5s\n      retries: 3\n      start_period: 10s\n");
    out.push_str("    deploy:\n      resources:\n");
    let _ = writeln!(out, "        limits:\n          cpus: \"0.{}\"\n          memory: {}M\n          pids: 200", 1 + i % 9, 128 * (1 + i % 8));
    out.push_str("        reservations:\n          memory: 64M\n");
    out.push_str("    networks:\n      - backend\n");
    if i % 4 == 0 {
        out.push_str("      - frontend\n");
    }
    out.push_str("    logging: *logging\n");
    out.push_str("    labels:\n");
    let _ = writeln!(out, "      com.example.team: team-{}", i % 12);
    let _ = writeln!(out, "      com.example.tier: \"{}\"", ["web", "api", "worker", "cache"].get(i % 4).copied().unwrap_or("web"));
    out.push_str("    ulimits:\n      nofile:\n        soft: 20000\n        hard: 40000\n");
    out.push_str("    stop_grace_period: 20s\n");
}

/// A small, typical file: a web app, its database and a cache, with a few findings.
pub const SMALL: &str = r#"name: shop

services:
  web:
    image: nginx:1.27
    ports:
      - "8080:80"
    depends_on:
      api:
        condition: service_healthy
    restart: unless-stopped
  api:
    build: ./api
    image: shop/api:latest
    environment:
      DATABASE_URL: postgres://shop@db:5432/shop
      POSTGRES_PASSWORD: hunter2hunter2
      REDIS_URL: redis://cache:6379
    depends_on:
      - db
      - cache
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
      interval: 10s
      timeout: 3s
      retries: 5
    deploy:
      resources:
        limits:
          memory: 512M
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db
    secrets:
      - db
  cache:
    image: redis
    privileged: true

volumes:
  db-data: {}

secrets:
  db:
    file: ./db-password.txt
"#;
