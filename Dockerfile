# composeguard as a container image: one static binary on a distroless base, run as a non-root
# user, no shell. Build and run it on a project folder:
#
#   docker build -t composeguard:0.1.0 .
#   docker run --rm -v "$PWD:/src:ro" composeguard:0.1.0 check compose.yaml
#
# Both base images are pinned by exact version and by digest, so a rebuild of the same commit
# starts from the same bytes. To move one, look up its new digest (for example with
# `docker buildx imagetools inspect IMAGE:TAG`) and change the tag and the digest together.
# There is no `# syntax=` line: BuildKit's built-in Dockerfile frontend is used rather than one
# pulled by a moving tag (Docker 23 or newer, for the cache mounts).
# Checked by scripts/test-dist.sh: hadolint with no finding of any level.

# --- build: Rust 1.95.0 on Debian 12 (bookworm) ------------------------------------------------
FROM rust:1.95.0-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build

WORKDIR /build
COPY . .

# One static binary, as scripts/build-release.sh builds it everywhere: glibc linked in
# (`crt-static`), so the final image needs no C library. (Rust's musl target does not do here:
# the allocator, mimalloc, is C, and its build wants a musl C compiler the image lacks.) Only the
# command-line tool is built (not the Python and WebAssembly bindings), exactly the versions of
# Cargo.lock, without debug information. The script prints the binary's path.
ENV CARGO_PROFILE_RELEASE_DEBUG=0 \
    CARGO_PROFILE_RELEASE_STRIP=symbols
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/build/target \
    cp "$(scripts/build-release.sh)" /usr/local/bin/composeguard

# --- run: distroless static (Debian 12), its nonroot variant -----------------------------------
# The tag moves with every distroless rebuild; the digest is the exact image.
FROM gcr.io/distroless/static-debian12:nonroot@sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab

LABEL org.opencontainers.image.title="composeguard" \
      org.opencontainers.image.description="Validate Docker Compose files and check them against a production checklist" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0" \
      org.opencontainers.image.source="https://github.com/composeguard/composeguard" \
      org.opencontainers.image.url="https://github.com/composeguard/composeguard" \
      org.opencontainers.image.documentation="https://github.com/composeguard/composeguard#install" \
      org.opencontainers.image.vendor="composeguard contributors" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot" \
      org.opencontainers.image.base.digest="sha256:afa5c872c891853ca7fcf1f12c3edb23f7eeef36189728842dd51042ff57f7ab"

COPY --from=build /usr/local/bin/composeguard /usr/local/bin/composeguard
COPY LICENSE-MIT LICENSE-APACHE /usr/share/doc/composeguard/

# distroless's "nonroot" user and group, by number so that the runtime need not look it up.
USER 65532:65532
# Mount the project here: `-v "$PWD:/src:ro"`.
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/composeguard"]
# Without arguments: check the compose file of /src, found as docker compose finds it.
CMD ["check"]
