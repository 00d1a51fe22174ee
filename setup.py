"""The one thing pyproject.toml cannot say: the parser's compiled modules.

Cython compiles the modules ``services/ingest/parsing/compiled.py`` lists,
from their unchanged source, into C extensions imported in their place.
Each is optional: without Cython or a C compiler the build goes on, and
those modules run as plain Python. ``make venv`` builds them in place
(``python setup.py build_ext --inplace``) whenever their source changes.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
COMPILED = runpy.run_path(str(HERE / "services" / "ingest" / "parsing" / "compiled.py"))


# Each module's source digest as read for this build, before Cython reads it:
# what the manifest records for the module once it is built.
SOURCES: dict[str, str] = {}
# The digest of the source each generated C file was made from.
GENERATED = Path("build/cython/sources.json")


def extensions() -> list[Extension]:
    if os.environ.get(COMPILED["PURE_PYTHON_ENV"], "").strip() not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("silkfeed: without Cython this build compiles no parser module", file=sys.stderr)
        return []
    package = COMPILED["PACKAGE"]
    directory = Path(*package.split("."))
    digest = COMPILED["source_digest"]
    SOURCES.update((name, digest(directory / f"{name}.py")) for name in COMPILED["MODULES"])
    try:
        generated = json.loads(GENERATED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        generated = {}
    modules = {
        name: Extension(
            f"{package}.{name}",
            [str(directory / f"{name}.py")],
            # A C integer taken for an object pointer is a miscompiled
            # expression: the module is left to run from source instead.
            extra_compile_args=["-Werror=int-to-pointer-cast"],
        )
        for name in COMPILED["MODULES"]
    }
    built = []
    # Cython regenerates a module's C when its source is newer; a source
    # changed with an older time (a copy keeping times) is regenerated too.
    changed = [name for name in modules if generated.get(name) != SOURCES[name]]
    for names, force in ((changed, True), ([n for n in modules if n not in changed], False)):
        if names:
            built += cythonize(
                [modules[name] for name in names],
                # The generated C goes under build/, beside nothing committed.
                build_dir="build/cython",
                # Annotations are not enforced as C types: a compiled module
                # accepts what its source accepts (a memoryview for bytes).
                compiler_directives={"language_level": "3", "annotation_typing": False},
                nthreads=os.cpu_count() or 1,
                force=force,
                quiet=True,
            )
    for name in list(SOURCES):
        # Changed while Cython read it: not recorded, so it runs from source.
        if digest(directory / f"{name}.py") != SOURCES[name]:
            del SOURCES[name]
    GENERATED.parent.mkdir(parents=True, exist_ok=True)
    GENERATED.write_text(json.dumps(SOURCES, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    for extension in built:
        extension.optional = True  # (cythonize does not carry it over)
    return built


class BuildExt(build_ext):
    """Records each module's source digest as built (the manifest that tells
    a compiled module from a stale one at import), beside the modules: in the
    build directory, and in the source tree when they are copied there
    (``--inplace``, an editable install)."""

    def run(self) -> None:
        self._built: dict[str, str] = {}
        super().run()
        package = Path(*COMPILED["PACKAGE"].split("."))
        directories = [Path(self.build_lib) / package]
        if self.inplace:
            directories.append(HERE / package)
            # A build of a module no longer compiled would shadow its source.
            for unlisted in COMPILED["unlisted_extensions"](HERE / package):
                unlisted.unlink()
        if not self._built:
            return
        manifest = json.dumps(self._built, indent=1, sort_keys=True) + "\n"
        for directory in directories:
            if directory.is_dir():
                (directory / COMPILED["MANIFEST"]).write_text(manifest, encoding="utf-8")

    def build_extension(self, ext: Extension) -> None:
        # A failure raises here, before the module is recorded (an optional
        # module's failure is then reported and the build goes on), and no
        # earlier build of it is left to be copied beside its source.
        try:
            super().build_extension(ext)
        except Exception:
            Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
            raise
        name = ext.name.rpartition(".")[2]
        if name in SOURCES:
            self._built[name] = SOURCES[name]


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
