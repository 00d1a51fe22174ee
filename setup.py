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
    modules = [
        Extension(
            f"{package}.{name}",
            [str(directory / f"{name}.py")],
            # A C integer taken for an object pointer is a miscompiled
            # expression: the module is left to run from source instead.
            extra_compile_args=["-Werror=int-to-pointer-cast"],
        )
        for name in COMPILED["MODULES"]
    ]
    # The generated C goes under build/, beside nothing that is committed.
    built = cythonize(
        modules,
        build_dir="build/cython",
        compiler_directives={"language_level": "3"},
        nthreads=os.cpu_count() or 1,
        quiet=True,
    )
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
        if not self._built:
            return
        package = Path(*COMPILED["PACKAGE"].split("."))
        directories = [Path(self.build_lib) / package]
        if self.inplace:
            directories.append(HERE / package)
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
        source = HERE / Path(*COMPILED["PACKAGE"].split(".")) / f"{name}.py"
        self._built[name] = COMPILED["source_digest"](source)


setup(ext_modules=extensions(), cmdclass={"build_ext": BuildExt})
