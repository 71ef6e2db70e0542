"""The descriptor layer: datapackage.json readable, Data Package v2, a semantic version, resource integrity (unique
names, safe relative paths that exist), the vendored profiles, and the recorded bytes and hashes of the CSVs."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..hashes import digest_ahead, fresh_digest
from .engine import Check
from .problem import Problem

DP_V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$")
SAFE_PATH = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")  # relative, no '..', nothing hidden
PROFILES = Path(__file__).resolve().parent.parent / "profiles"


def unsafe_path(p) -> str | None:
    """Why a resource path is unsafe (absolute, a URL, leaving the package, hidden), or None."""
    if isinstance(p, str) and SAFE_PATH.fullmatch(p):
        return None
    if not isinstance(p, str) or not p:
        return "not a path string"
    if "://" in p or p.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", p):
        return "absolute path or URL"
    parts = PurePosixPath(p.replace("\\", "/")).parts
    if ".." in parts:
        return "'..' leaves the package"
    if any(part.startswith(".") for part in parts):
        return "hidden file or folder"
    return None


def _read(ctx):
    """(descriptor dict or None, problem when unreadable, the descriptor's text or None)."""
    f = ctx.pkg.descriptor_path
    try:
        text = f.read_text(encoding="utf-8")
        return json.loads(text), None, text
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, Problem(code="descriptor-unreadable", file=ctx.rel(f), value=str(exc),
                             expected="a readable JSON descriptor"), None


def check_descriptor(ctx) -> list[Problem]:
    desc, unreadable, _ = _read(ctx)
    if unreadable:
        return [unreadable]
    name, root = ctx.rel(ctx.pkg.descriptor_path), ctx.pkg.root
    out = []

    def add(code, value=None, expected="", file=name):
        out.append(Problem(code=code, file=file, value=value, expected=expected))

    if desc.get("$schema") != DP_V2:
        add("descriptor-profile", desc.get("$schema"), f"$schema {DP_V2}")
    if not SEMVER.match(str(desc.get("version", ""))):
        add("descriptor-version", desc.get("version"), "a semantic version (MAJOR.MINOR.PATCH)")
    resources = desc.get("resources") or []
    if not resources:
        add("no-resources", expected="at least one resource")
    seen: dict = {}
    for i, res in enumerate(resources if isinstance(resources, list) else []):
        if not isinstance(res, dict):
            continue  # the profile reports it
        rname = res.get("name", f"resources[{i}]")
        if rname in seen:
            add("duplicate-resource", rname, f"resource names unique (resources[{seen[rname]}] and resources[{i}] are both {rname!r})")
        seen.setdefault(rname, i)
        for prop in ("path",) + (("schema",) if isinstance(res.get("schema"), str) else ()):
            p = res.get(prop)
            problem = unsafe_path(p)
            if problem:
                add("unsafe-path", p, f"resource {rname} {prop}: a relative path inside the package ({problem})")
            elif not (root / p).is_file():
                add("missing-file", p, f"resource {rname} {prop}: an existing file")
        if res.get("type") != "table":
            add("resource-type", res.get("type"), f"resource {rname}: type 'table'")
        schema = res.get("schema")
        if isinstance(schema, str) and not unsafe_path(schema) and (root / schema).is_file():
            try:
                json.loads((root / schema).read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                add("schema-unreadable", str(exc), "a readable Table Schema", file=schema)
    return out


def check_profiles(ctx) -> list[Problem]:
    """The descriptor and every readable Table Schema against the vendored Data Package v2 profiles (jsonschema).

    A document the exact predicate of profile_screen passes has no error to name, so jsonschema (imported only then)
    runs only on the others, or on every document with --exhaustive. Both verdicts are functions of the document's
    text alone, so each is reached once per process for a given text (runs in one process, such as a notebook's or
    the test suite's, mostly see the same schemas again)."""
    desc, unreadable, text = _read(ctx)
    if unreadable:
        return []
    name = ctx.rel(ctx.pkg.descriptor_path)
    docs = [(text, "datapackage-2.0.json", name)]
    for res in desc.get("resources") or []:
        schema = res.get("schema") if isinstance(res, dict) else None
        if isinstance(schema, str) and not unsafe_path(schema) and (ctx.pkg.root / schema).is_file():
            try:
                docs.append(((ctx.pkg.root / schema).read_text(encoding="utf-8"), "tableschema-2.0.json", schema))
            except UnicodeDecodeError:
                pass  # schema-unreadable
    out = []
    for text, profile, file in docs:
        try:
            if not ctx.exhaustive and screen_passes(profile, text):
                continue
            errors = profile_errors(profile, text)
        except json.JSONDecodeError:
            continue  # schema-unreadable (check_descriptor reports it)
        except ImportError:
            return [Problem(code="missing-dependency", file=name, expected="the jsonschema package (pip install jsonschema)")]
        out += [Problem(code="profile-error", file=file, value=where, expected=f"{profile}: {message}") for where, message in errors]
    return out


@lru_cache(maxsize=256)
def screen_passes(profile: str, text: str) -> bool:
    """Whether the exact predicate of the profile (profile_screen) passes the JSON document text."""
    from .profile_screen import profile_predicate

    predicate = profile_predicate(str(PROFILES / profile))
    return bool(predicate) and predicate(json.loads(text))


@lru_cache(maxsize=256)
def profile_errors(profile: str, text: str) -> tuple[tuple[str, str], ...]:
    """jsonschema's errors of the JSON document text against the profile: (where, message) in the order of the
    document's paths (ImportError without jsonschema)."""
    errors = sorted(_validator(profile).iter_errors(json.loads(text)), key=lambda e: list(e.path))
    return tuple(("/".join(str(p) for p in err.path) or "(root)", err.message[:200]) for err in errors)


@lru_cache(maxsize=None)
def _validator(profile: str):
    import jsonschema

    return jsonschema.Draft7Validator(json.loads((PROFILES / profile).read_text(encoding="utf-8")))


def recorded_hash(resource: dict) -> tuple[str, str]:
    """The algorithm and digest of a resource's recorded hash ("sha256:…"; without a prefix, Data Package's md5)."""
    h = resource.get("hash", "")
    algo, _, digest = h.partition(":") if ":" in h else ("md5", "", h)
    return algo, digest


ALGORITHMS = ("md5", "sha1", "sha256", "sha512")
HASH_CODES = ("stale-bytes", "hash-algorithm", "stale-hash")  # check_hashes'


def hashes_to_check(pkg) -> list[tuple[Path, str]]:
    """(CSV path, algorithm) of each resource whose hash check_hashes takes: for hashes.digest_ahead."""
    try:
        found = [(t.csv_path, t.resource) for t in pkg.tables.values() if not unsafe_path(t.resource.get("path"))]
        return [(path, algo) for path, res in found if (algo := recorded_hash(res)[0]) in ALGORITHMS]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def hash_ahead(pkg, wanted=lambda code: True) -> None:
    """Start taking the hashes check_hashes will take, on a thread of their own (hashes.digest_ahead); nothing when no
    code of that check is wanted (validate --pick or --skip: the check does not run)."""
    if any(wanted(code) for code in HASH_CODES):
        digest_ahead(hashes_to_check(pkg))


def check_hashes(ctx) -> list[Problem]:
    """Each resource's recorded bytes and hash are those of its CSV file."""
    name, out = ctx.rel(ctx.pkg.descriptor_path), []
    try:
        tables = ctx.pkg.tables.values()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    for t in tables:
        res, p = t.resource, t.csv_path
        if unsafe_path(res.get("path")) or not p.is_file():
            continue
        size = p.stat().st_size
        if res.get("bytes") != size:
            out.append(Problem(code="stale-bytes", file=name, value=res.get("bytes"),
                               expected=f"resource {t.name} bytes {size}"))
        h = res.get("hash", "")
        algo, digest = recorded_hash(res)
        if algo not in ALGORITHMS:
            out.append(Problem(code="hash-algorithm", file=name, value=h,
                               expected=f"resource {t.name}: md5/sha1/sha256/sha512 hash"))
        elif (actual := fresh_digest(p, algo)) != digest:
            out.append(Problem(code="stale-hash", file=name, value=h,
                               expected=f"resource {t.name} {algo}:{actual}"))
    return out


def check_schemas_match_the_model(ctx) -> list[Problem]:
    """Each Table Schema is the one `build` generates from the model, so that what validation asks the model about a
    field's role (a slug, a span column, …) is true of the package's own schemas."""
    from ..model import RESOURCES

    try:
        tables = ctx.pkg.tables
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []  # an unreadable descriptor or schema is reported by check_descriptor
    out = []
    for name, t in tables.items():
        schema_file = t.resource.get("schema")
        file = schema_file if isinstance(schema_file, str) else ctx.rel(ctx.pkg.descriptor_path)
        if name not in RESOURCES:
            out.append(Problem(code="schema-stale", file=file, table=name, value=name,
                               expected=f"a table of the model ({', '.join(RESOURCES)})"))
            continue
        want = RESOURCES[name].to_table_schema()
        have = t.schema
        if have == want:
            continue
        fields_have = {f.get("name"): f for f in have.get("fields", [])}
        differ = [f["name"] for f in want["fields"] if fields_have.get(f["name"]) != f]
        differ += [n for n in fields_have if n not in {f["name"] for f in want["fields"]}]
        what = f"field {differ[0]}" if differ else next(k for k in sorted(set(have) | set(want)) if have.get(k) != want.get(k))
        out.append(Problem(code="schema-stale", file=file, table=name, field=differ[0] if differ else None,
                           value=what, expected="the Table Schema the model generates"))
    return out


CHECKS = [
    Check("schemas-match-the-model", check_schemas_match_the_model, ("schema-stale",), side=True),
    Check("descriptor", check_descriptor, ("descriptor-unreadable", "descriptor-profile", "descriptor-version", "no-resources",
                                          "duplicate-resource", "unsafe-path", "missing-file", "resource-type", "schema-unreadable")),
    Check("profiles", check_profiles, ("profile-error", "missing-dependency"), side=True),
    Check("hashes", check_hashes, HASH_CODES, side=True),
]
