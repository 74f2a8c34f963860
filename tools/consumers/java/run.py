"""Java consumer of openapi.yaml: generate a Java client, compile it, run every query of queries.json against an API.

python tools/consumers/java/run.py [--base-url URL] --queries tools/consumers/queries.json [--spec openapi.yaml]
    [--compare] [--build-dir DIR] [--kotlin] [--reuse-build] [--skip-quickstart]

1. `install-deps.sh` (beside this file) makes sure a JDK and the Debian jars of the generated client are there.
2. openapi-generator (the jar of the PyPI wheel `openapi-generator-cli`, pinned below: nothing is downloaded at run
   time) generates a Java client, library `native` (java.net.http + Jackson), into BUILD/java-client, fresh each run
   (`--reuse-build`: a build of the same spec and sources is run again, for another server or other queries).
3. `javac` compiles it with `src/oai/usage/consumer/Consumer.java`, which runs every query through the generated API
   classes and models, follows every page and prints `{operation: {pages, buckets, results, sum}}` as JSON.

Without `--base-url` a sandbox is started in this process (seed and now from queries.json). `--compare` also runs
the same queries through the Python client and fails on any difference. `--kotlin` generates a Kotlin client too
(generation only) and says which open enums lost their value. Stdout: the Java consumer's JSON; stderr: timings.
Exit 0 = all queries ran (and matched with --compare); 1 = a step failed (one line says which); 2 = bad usage.

Why the generated sources get one edit: the `native` templates always register jackson-datatype-jsr310's
JavaTimeModule (and a subclass of its InstantDeserializer), and Debian ships no jackson-datatype-jsr310. The spec has
no `date`/`date-time` field (Unix seconds everywhere), so those modules are dead code here; `strip_jsr310` removes
exactly them and refuses a spec with a date format rather than build a client that would mis-read dates.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import importlib.metadata
import importlib.resources
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
GENERATOR_PACKAGE = "openapi-generator-cli"
GENERATOR_VERSION = "7.26.0"  # keep equal to requirements.txt beside this file
INVOKER_PACKAGE = "oai.usage.client"
GENERATOR_OPTIONS = {
    "library": "native",
    "openApiNullable": "false",  # jackson-databind-nullable is not in Debian; the spec uses type: [X, "null"]
    "useJakartaEe": "true",  # jakarta.annotation (Generated, Nonnull, Nullable): one Debian package
    "annotationLibrary": "none",  # no swagger-annotations
    "useSingleRequestParameter": "true",  # a request builder per operation: parameters by name, not position
    "hideGenerationTimestamp": "true",
    "invokerPackage": INVOKER_PACKAGE,
    "apiPackage": f"{INVOKER_PACKAGE}.api",
    "modelPackage": f"{INVOKER_PACKAGE}.model",
}
GLOBAL_PROPERTIES = "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false"
JAR_DIR = Path(os.environ.get("OAI_USAGE_JAVA_JAR_DIR", "/usr/share/java"))
CLASSPATH_JARS = ("jackson-databind.jar", "jackson-core.jar", "jackson-annotations.jar", "jakarta-annotation-api.jar")
CONSUMER_SRC = HERE / "src" / "oai" / "usage" / "consumer"
CONSUMER_KEY = "sk-admin-consumers"  # the sandbox accepts any well-formed admin key; never a real one
# Where a page keeps its cursor, items and flags: the operation's `x-pagination` in the spec, else these.
PAGINATION_DEFAULTS = {
    "cursor-param": "page",
    "next-cursor-field": "next_page",
    "has-more-field": "has_more",
    "items-field": "data",
}


class StepError(Exception):
    """A step failed; the message is the one line to show."""


def log(message: str) -> None:
    print(f"java consumer: {message}", file=sys.stderr, flush=True)


def install_deps() -> None:
    """Run install-deps.sh: a JDK and the Debian jars, installed when missing (as root)."""
    result = subprocess.run(["bash", str(HERE / "install-deps.sh")], check=False)
    if result.returncode != 0:
        raise StepError("install-deps.sh failed (see above)")


def generator_jar() -> Path:
    """The openapi-generator jar shipped in the pinned PyPI wheel."""
    try:
        version = importlib.metadata.version(GENERATOR_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = None
    if version != GENERATOR_VERSION:
        raise StepError(
            f"needs {GENERATOR_PACKAGE}=={GENERATOR_VERSION} (found {version or 'none'}): "
            f"pip install -r {HERE.relative_to(REPO) / 'requirements.txt'}"
        )
    jar = Path(str(importlib.resources.files("openapi_generator_cli") / "openapi-generator.jar"))
    if not jar.is_file():
        raise StepError(f"{GENERATOR_PACKAGE} {version} has no openapi-generator.jar")
    return jar


def run_tool(args: list[str], what: str, log_file: Path) -> None:
    """Run a build tool with its output in `log_file`; on failure raise with its last lines."""
    with log_file.open("wb") as out:
        result = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = log_file.read_text(errors="replace").strip().splitlines()[-15:]
        raise StepError(f"{what} failed (exit {result.returncode}); end of {log_file}:\n" + "\n".join(tail))


BUILD_MARKER = ".oai-usage-java-consumer-build"


@contextlib.contextmanager
def build_lock(build: Path) -> Iterator[Path]:
    """Hold `build` for this run: a second run on the same folder (say CI's runner and a developer) waits."""
    digest = hashlib.sha256(str(build).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"oai-usage-java-consumer-{digest}.lock"
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another run that builds in {build}")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield build
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def fresh_build_dir(build: Path) -> Path:
    """Empty `build` for this run; refuse a non-empty folder this script did not make (a mistyped --build-dir)."""
    if build.exists() and any(build.iterdir()) and not (build / BUILD_MARKER).is_file():
        raise StepError(f"refusing to clear {build}: not empty and not a build folder of this script")
    shutil.rmtree(build, ignore_errors=True)
    build.mkdir(parents=True)
    (build / BUILD_MARKER).write_text("made by tools/consumers/java/run.py; removed and rebuilt (see --reuse-build)\n")
    return build


BUILD_STAMP = ".oai-usage-java-consumer-digest"


def build_digest(spec: Path) -> str:
    """What a build depends on: the spec, the consumer sources, the generator and its options."""
    digest = hashlib.sha256()
    for part in (spec.read_bytes(), (CONSUMER_SRC / "Consumer.java").read_bytes(),
                 (CONSUMER_SRC / "Quickstart.java").read_bytes(),
                 json.dumps([GENERATOR_VERSION, GENERATOR_OPTIONS], sort_keys=True).encode()):  # fmt: skip
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def generate(jar: Path, spec: Path, out: Path, generator: str, options: Mapping[str, str]) -> None:
    """Generate a client from `spec` into `out` (removed first)."""
    shutil.rmtree(out, ignore_errors=True)
    props = ",".join(f"{k}={v}" for k, v in options.items() if k != "library")
    args = ["java", "-jar", str(jar), "generate", "-g", generator, "-i", str(spec), "-o", str(out)]
    if "library" in options:
        args += ["--library", options["library"]]
    args += ["--additional-properties", props, "--global-property", GLOBAL_PROPERTIES]
    out.parent.mkdir(parents=True, exist_ok=True)
    run_tool(args, f"openapi-generator -g {generator}", out.parent / f"generate-{generator}.log")


JSR310_LINES = (
    re.compile(r"^import com\.fasterxml\.jackson\.datatype\.jsr310\.JavaTimeModule;\n", re.M),
    re.compile(r"^\s*mapper\.registerModule\(new (RFC3339)?JavaTimeModule\(\)\);\n", re.M),
    re.compile(r"^\s*\.addModule\(new (RFC3339)?JavaTimeModule\(\)\)\n", re.M),
)
JSR310_FILES = ("RFC3339InstantDeserializer.java", "RFC3339JavaTimeModule.java")


def spec_date_formats(spec: dict[str, Any]) -> list[str]:
    """JSON pointers of every `format: date` or `format: date-time` in the spec."""
    found: list[str] = []

    def walk(node: Any, pointer: str) -> None:
        if isinstance(node, dict):
            if node.get("format") in ("date", "date-time"):
                found.append(pointer or "/")
            for key, value in node.items():
                walk(value, f"{pointer}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{pointer}/{i}")

    walk(spec, "")
    return found


def strip_jsr310(source_root: Path, spec: dict[str, Any]) -> None:
    """Remove the generated client's use of jackson-datatype-jsr310 (not in Debian; dead code for this spec)."""
    dates = spec_date_formats(spec)
    if dates:
        raise StepError(f"the spec has date formats ({', '.join(dates[:3])}): the client needs jackson-datatype-jsr310")
    invoker = source_root / INVOKER_PACKAGE.replace(".", "/")
    for name in JSR310_FILES:
        (invoker / name).unlink(missing_ok=True)
    for path in source_root.rglob("*.java"):
        text = path.read_text()
        if "jsr310" not in text and "JavaTimeModule" not in text:
            continue
        for pattern in JSR310_LINES:
            text = pattern.sub("", text)
        if "jsr310" in text or "JavaTimeModule" in text:
            raise StepError(f"{path.name}: a use of jackson-datatype-jsr310 this script does not know how to remove")
        path.write_text(text)


def classpath_jars() -> list[Path]:
    jars = [JAR_DIR / name for name in CLASSPATH_JARS]
    missing = [str(j) for j in jars if not j.is_file()]
    if missing:
        raise StepError(f"missing jars: {', '.join(missing)} (run {HERE / 'install-deps.sh'} as root)")
    return jars


def javac(sources: list[Path], classpath: list[Path], classes: Path, what: str) -> None:
    """Compile `sources` into `classes` with the machine's JDK."""
    argfile = classes.parent / f"{what}-sources.txt"
    argfile.write_text("".join(f"{p}\n" for p in sources))
    classes.mkdir(parents=True, exist_ok=True)
    args = ["javac", "-nowarn", "-encoding", "UTF-8", "--release", "17", "-J-Xshare:auto"]
    args += ["-cp", os.pathsep.join(str(p) for p in classpath), "-d", str(classes), f"@{argfile}"]
    run_tool(args, f"javac ({what})", classes.parent / f"javac-{what}.log")


def compile_consumer(client_dir: Path, classes: Path) -> list[Path]:
    """Compile the generated client and Consumer.java; return the classpath to run them."""
    jars = classpath_jars()
    shutil.rmtree(classes, ignore_errors=True)
    sources = [*sorted((client_dir / "src" / "main" / "java").rglob("*.java")), CONSUMER_SRC / "Consumer.java"]
    javac(sources, jars, classes, "consumer")
    return [classes, *jars]


def load_spec(spec_path: Path) -> dict[str, Any]:
    try:
        import yaml  # in the test and dev extras
    except ImportError as exc:
        raise StepError("needs PyYAML to read the spec: pip install pyyaml") from exc
    spec = yaml.safe_load(spec_path.read_text())
    if not isinstance(spec, dict):
        raise StepError(f"{spec_path} is not an OpenAPI document")
    return spec


def make_plan(spec: dict[str, Any], queries: list[dict[str, Any]], base_url: str, client_dir: Path) -> dict[str, Any]:
    """What Consumer.java runs: the API classes, and per query its operationId, params, sum field and paging."""
    api_dir = client_dir / "src" / "main" / "java" / f"{INVOKER_PACKAGE}.api".replace(".", "/")
    api_classes = sorted(f"{INVOKER_PACKAGE}.api.{p.stem}" for p in api_dir.glob("*Api.java"))
    if not api_classes:
        raise StepError(f"the generator made no API class in {api_dir}")
    planned = []
    for query in queries:  # usage queries, then Admin queries (marked by their `paged` key)
        operation = (spec.get("paths") or {}).get(query["path"], {}).get("get")
        if not operation or "operationId" not in operation:
            raise StepError(f"{query['operation']}: the spec has no GET {query['path']} with an operationId")
        declared = operation.get("x-pagination") or {}
        pagination = {key: str(declared.get(key, default)) for key, default in PAGINATION_DEFAULTS.items()}
        planned.append({**query, "operation_id": operation["operationId"], "pagination": pagination})
    return {"base_url": base_url, "api_classes": api_classes, "queries": planned}


def java_command(classpath: list[Path], main_class: str, *args: str) -> list[str]:
    return ["java", "-Xshare:auto", "-cp", os.pathsep.join(str(p) for p in classpath), main_class, *args]


def run_consumer(classpath: list[Path], plan_file: Path) -> dict[str, Any]:
    """Run Consumer.java on the plan; its JSON answer."""
    env = {**os.environ, "OAI_USAGE_CONSUMER_KEY": CONSUMER_KEY}
    args = java_command(classpath, "oai.usage.consumer.Consumer", str(plan_file))
    result = subprocess.run(args, env=env, stdout=subprocess.PIPE, check=False, text=True)
    if result.returncode != 0:
        raise StepError(f"the Java consumer failed (exit {result.returncode}; its errors are above)")
    answer = json.loads(result.stdout)
    if not isinstance(answer, dict):
        raise StepError("the Java consumer printed no JSON object")
    return answer


def run_quickstart(classpath: list[Path], base_url: str) -> dict[str, Any]:
    """Run the docs/contract.md quickstart (Quickstart.java, compiled against the generated client); its JSON answer."""
    env = {**os.environ, "OPENAI_ADMIN_KEY": CONSUMER_KEY}
    args = java_command(classpath, "oai.usage.consumer.Quickstart", base_url)
    result = subprocess.run(args, env=env, capture_output=True, check=False, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise StepError(f"the quickstart failed (exit {result.returncode}): {' | '.join(lines[:3])}")
    answer = json.loads(result.stdout)
    if not isinstance(answer, dict):
        raise StepError("the quickstart printed no JSON object")
    return answer


def dotted(value: Any, path: str) -> Any:
    """The value at a dotted path of a JSON-like dict; None when a step is absent or null."""
    for name in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


def python_answer(base_url: str, queries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The same queries through the Python client, one page after the other: pages, buckets, results, sum."""
    from oai_usage import UsageClient

    answer: dict[str, dict[str, Any]] = admin_answer(base_url, [q for q in queries if "paged" in q])
    with UsageClient(CONSUMER_KEY, base_url=base_url, max_retries=0) as client:
        for query in (q for q in queries if "paged" not in q):
            counts: dict[str, Any] = {"pages": 0, "buckets": 0, "results": 0, "sum": 0}
            for page in client.query(query["operation"], **query["params"]).with_concurrency(1).pages():
                counts["pages"] += 1
                for bucket in page.data:
                    counts["buckets"] += 1
                    for result in bucket.results:
                        counts["results"] += 1
                        counts["sum"] += dotted(result.to_dict(), query["sum_field"]) or 0
            answer[query["operation"]] = counts
    return answer


def admin_answer(base_url: str, queries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The Admin queries with plain httpx + json (the Python client has none yet): pages, items, sum."""
    import httpx

    answer: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=base_url.rstrip("/") + "/", headers={"Authorization": f"Bearer {CONSUMER_KEY}"}) as http:
        for query in queries:
            counts: dict[str, Any] = {"pages": 0, "items": 0, "sum": 0}
            params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in query["params"].items()}
            after: str | None = None
            while True:
                response = http.get(
                    query["path"].format(**query["path_params"]).lstrip("/"),
                    params=params | ({"after": after} if after else {}),
                )
                response.raise_for_status()
                body = response.json()
                counts["pages"] += 1
                for item in body["data"] if query["paged"] else [body]:
                    counts["items"] += 1
                    counts["sum"] += dotted(item, query["sum_field"]) or 0
                if not query["paged"] or not body["has_more"]:
                    break
                after = body["last_id"]
            answer[query["operation"]] = counts
    return answer


def differences(java: Mapping[str, Any], python: Mapping[str, Any]) -> list[str]:
    """One line per figure that differs: counts exactly, integer sums exactly, decimal sums to 1e-9 relative."""
    lines = []
    for operation in sorted(set(java) | set(python)):
        if operation not in java or operation not in python:
            lines.append(f"{operation}: only in {'java' if operation in java else 'python'}")
            continue
        for key in python[operation]:
            j, p = java[operation].get(key), python[operation].get(key)
            both_int = isinstance(j, int) and isinstance(p, int)
            same = (
                j == p
                if both_int
                else isinstance(j, int | float)
                and isinstance(p, int | float)
                and (math.isclose(j, p, rel_tol=1e-9, abs_tol=1e-9))
            )
            if not same:
                lines.append(f"{operation}.{key}: java {j!r} != python {p!r}")
    return lines


def open_enum_names(schemas: Mapping[str, Any]) -> set[str]:
    """Schemas that are open sets of strings: known values in `x-known-values`, or anyOf [enum, plain string]."""
    names = set()
    for name, schema in schemas.items():
        variants = schema.get("anyOf") or schema.get("oneOf") or []
        plain_string = any(isinstance(v, dict) and v.get("type") == "string" and "enum" not in v for v in variants)
        if "x-known-values" in schema or plain_string:
            names.add(name)
    return names


def refs_of(schema: Any) -> set[str]:
    """Names of the component schemas a property schema points at (directly, through anyOf/oneOf/allOf or items)."""
    if not isinstance(schema, dict):
        return set()
    found = {schema["$ref"].rsplit("/", 1)[-1]} if isinstance(schema.get("$ref"), str) else set()
    for key in ("anyOf", "oneOf", "allOf"):
        for variant in schema.get(key) or []:
            found |= refs_of(variant)
    return found | refs_of(schema.get("items"))


def kotlin_open_enums(jar: Path, spec_path: Path, spec: dict[str, Any], out: Path) -> list[str]:
    """Generate a Kotlin client; per open enum, the Kotlin types of the properties using it and what they keep."""
    generate(jar, spec_path, out, "kotlin", {"packageName": "oai.usage.kotlin"})
    schemas = (spec.get("components") or {}).get("schemas") or {}
    models = {p.stem: p.read_text() for p in out.rglob("*.kt")}
    kept: dict[str, set[str]] = {name: set() for name in sorted(open_enum_names(schemas))}
    for owner, schema in schemas.items():
        for prop, prop_schema in (schema.get("properties") or {}).items():
            for enum_name in refs_of(prop_schema) & set(kept):
                declared = r'@Json\(name = "' + re.escape(prop) + r'"\)\s*val \S+: ([\w.<>]+)'
                typed = re.search(declared, models.get(owner, ""))
                kotlin_type = typed.group(1) if typed else "?"
                model = models.get(kotlin_type.rsplit(".", 1)[-1], "")
                empty = bool(re.search(r"class \w+ \(\s*\)", model))
                verdict = "EMPTY class: the value is dropped" if empty else "keeps the value"
                kept[enum_name].add(f"{owner}.{prop}: {kotlin_type} ({verdict})")
    return [f"{name}: {'; '.join(sorted(uses)) or 'not used by any property'}" for name, uses in kept.items()]


@contextlib.contextmanager
def api_url(base_url: str | None, seed: int, now: int) -> Iterator[str]:
    """The given base URL, or a sandbox served in this process for the duration."""
    if base_url:
        yield base_url.rstrip("/")
        return
    from oai_usage_sandbox import SandboxConfig, serve_in_thread

    with serve_in_thread(SandboxConfig(seed=seed, now=now)) as url:
        yield url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--base-url", help="API base URL, e.g. http://127.0.0.1:8000/v1 (default: start a sandbox)")
    parser.add_argument("--queries", type=Path, required=True, help="the consumers' queries.json")
    parser.add_argument("--spec", type=Path, default=REPO / "openapi.yaml")
    parser.add_argument("--build-dir", type=Path, default=HERE / "build", help="removed and rebuilt (git-ignored)")
    parser.add_argument("--compare", action="store_true", help="check the totals against the Python client's")
    parser.add_argument("--kotlin", action="store_true", help="also generate Kotlin and check its open enums")
    parser.add_argument(
        "--reuse-build", action="store_true", help="keep a build in --build-dir made from the same spec and sources"
    )
    parser.add_argument("--skip-quickstart", action="store_true", help="do not run the README quickstart")
    args = parser.parse_args(argv)
    try:
        failures = run(args)
    except StepError as exc:
        log(str(exc))
        return 1
    except (OSError, KeyError, ValueError) as exc:
        log(f"{type(exc).__name__}: {exc}")
        return 1
    for failure in failures:
        log(failure)
    return 1 if failures else 0


def run(args: argparse.Namespace) -> list[str]:
    """Every step; a failure of a step that others need raises, the others are returned as lines."""
    timings: dict[str, float] = {}
    queries_doc = json.loads(args.queries.read_text())
    spec = load_spec(args.spec)
    started = time.monotonic()
    install_deps()
    jar = generator_jar()
    timings["deps"] = time.monotonic() - started

    with build_lock(args.build_dir.resolve()) as build:
        return build_and_run(args, build, spec, queries_doc, jar, timings)


def build_and_run(
    args: argparse.Namespace,
    build: Path,
    spec: dict[str, Any],
    queries_doc: dict[str, Any],
    jar: Path,
    timings: dict[str, float],
) -> list[str]:
    """Generate, compile and run in `build` (held by this run alone)."""
    failures: list[str] = []
    queries = queries_doc["queries"] + queries_doc.get("admin_queries", [])

    def timed(name: str, started: float) -> None:
        timings[name] = time.monotonic() - started

    client_dir = build / "java-client"
    digest = build_digest(args.spec)
    stamp = build / BUILD_STAMP
    if args.reuse_build and stamp.is_file() and stamp.read_text() == digest:
        # The same spec and sources as the build in this folder: run it again (another server, other queries).
        classpath = [build / "classes", *classpath_jars()]
        quickstart_classpath: list[Path] | None = [build / "quickstart-classes", *classpath]
        if not (build / "quickstart-classes").is_dir():
            quickstart_classpath = None
        log(f"reusing the build in {build}")
    else:
        fresh_build_dir(build)
        started = time.monotonic()
        generate(jar, args.spec, client_dir, "java", GENERATOR_OPTIONS)
        strip_jsr310(client_dir / "src" / "main" / "java", spec)
        timed("generate", started)

        started = time.monotonic()
        classpath = compile_consumer(client_dir, build / "classes")
        quickstart_classpath = [build / "quickstart-classes", *classpath]
        try:
            javac([CONSUMER_SRC / "Quickstart.java"], classpath, build / "quickstart-classes", "quickstart")
        except StepError as exc:
            failures.append(f"the README quickstart does not compile against this spec: {exc}")
            quickstart_classpath = None
        timed("compile", started)
        stamp.write_text(digest)

    if args.kotlin:
        started = time.monotonic()
        for line in kotlin_open_enums(jar, args.spec, spec, build / "kotlin-client"):
            log(f"kotlin: {line}")
        timed("kotlin generate", started)

    with api_url(args.base_url, queries_doc.get("seed", 0), queries_doc["now"]) as base_url:
        plan_file = build / "plan.json"
        plan_file.write_text(json.dumps(make_plan(spec, queries, base_url, client_dir), indent=2))
        started = time.monotonic()
        try:
            java = run_consumer(classpath, plan_file)
        except StepError as exc:
            return [*failures, str(exc)]
        timed("run", started)
        print(json.dumps(java), flush=True)
        log(f"{len(java)}/{len(queries)} operations ran")

        if quickstart_classpath and not args.skip_quickstart:
            started = time.monotonic()
            try:
                quick = run_quickstart(quickstart_classpath, base_url)
                expected = java.get("completions", {}).get("sum")
                if quick.get("input_tokens") != expected:
                    failures.append(f"quickstart input_tokens {quick.get('input_tokens')} != consumer's {expected}")
                else:
                    log(f"quickstart: {quick['pages']} pages, input_tokens {quick['input_tokens']} (same as consumer)")
            except StepError as exc:
                failures.append(str(exc))
            timed("quickstart", started)

        if args.compare:
            started = time.monotonic()
            python = python_answer(base_url, queries)
            timed("python client", started)
            diffs = differences(java, python)
            failures += [f"differs: {line}" for line in diffs]
            if not diffs:
                log(f"totals equal to the Python client's for {len(python)} operations")

    log("timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return failures


if __name__ == "__main__":
    sys.exit(main())
