# archc in a container, for CI systems other than GitHub Actions (which has action.yml).
#
#   docker build -t archc .
#   docker run --rm -v "$PWD:/work" archc lint architecture/
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" archc build architecture/ -o out/cloudformation
#
# Runs as an unprivileged user (uid 10001) in /work; `--user` makes written files yours. PNG/SVG diagrams need Graphviz:
#   docker build --build-arg GRAPHVIZ=1 -t archc:graphviz .
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY archc ./archc
RUN python -m venv /opt/archc \
    && /opt/archc/bin/pip install --no-cache-dir --disable-pip-version-check . \
    && /opt/archc/bin/python -m compileall -q /opt/archc

FROM python:${PYTHON_VERSION}-slim
ARG GRAPHVIZ=0
# hadolint ignore=DL3008
RUN if [ "$GRAPHVIZ" = "1" ]; then \
      apt-get update \
      && apt-get install -y --no-install-recommends graphviz \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin archc
COPY --from=build /opt/archc /opt/archc
COPY ci/docker/entrypoint.sh /usr/local/bin/archc-entrypoint
ENV PATH=/opt/archc/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/archc-entrypoint"]
CMD ["--help"]
