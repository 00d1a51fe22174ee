"""Write the .env that `docker compose` reads: `make compose-env`.

Starts from .env.example when there is no .env, and fills in what compose
cannot start without and nobody should choose by hand: a generated database
password (POSTGRES_PASSWORD) and, when none is set, one ingest token
(SILKFEED_INGEST_TOKENS). A value already set is never changed — the
postgres-data volume keeps the password it was created with — so running it
again is safe. The file is made readable by its owner only.

Standard library only: it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> how many random bytes; URL-safe base64 of them, so a password fits
# in the database URL unquoted and a token in a header.
GENERATED = {"POSTGRES_PASSWORD": 24, "SILKFEED_INGEST_TOKENS": 24}
# Characters that would break the database URL compose builds from the password.
URL_UNSAFE = re.compile(r"[^A-Za-z0-9._~-]")


def assignment(line: str) -> tuple[str, str] | None:
    """(NAME, value) of an uncommented NAME=value line, else None."""
    match = re.fullmatch(r"\s*([A-Z][A-Z0-9_]*)=(.*)", line)
    return (match.group(1), match.group(2).strip()) if match else None


def fill_in(text: str) -> tuple[str, list[str], list[str]]:
    """The text with every empty or missing generated variable set.

    Returns (new text, names generated, warnings).
    """
    lines = text.splitlines()
    generated: list[str] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        found = assignment(line)
        if found is None or found[0] not in GENERATED:
            continue
        name, value = found
        seen.add(name)
        if value:
            if name == "POSTGRES_PASSWORD" and URL_UNSAFE.search(value.strip("'\"")):
                warnings.append(
                    f"{name} holds characters that break the database URL "
                    "(use letters, digits and . _ ~ - only)"
                )
            continue
        lines[i] = f"{name}={secrets.token_urlsafe(GENERATED[name])}"
        generated.append(name)
    for name, size in GENERATED.items():
        if name not in seen:
            lines.append(f"{name}={secrets.token_urlsafe(size)}")
            generated.append(name)
    return "\n".join(lines) + "\n", generated, warnings


def write_private(path: Path, text: str) -> None:
    """Write through a temporary file created 0600, then rename over ``path``."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env-file", type=Path, default=ROOT / ".env")
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    args = parser.parse_args(argv)
    if args.env_file.exists():
        text, source = args.env_file.read_text(encoding="utf-8"), "kept"
    else:
        text, source = args.example.read_text(encoding="utf-8"), f"from {args.example.name}"
    new_text, generated, warnings = fill_in(text)
    if new_text != text or not args.env_file.exists():
        write_private(args.env_file, new_text)
    else:
        os.chmod(args.env_file, 0o600)
    done = ", ".join(generated) + " generated" if generated else "nothing to generate"
    print(f"{args.env_file}: {source}; {done}")
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
