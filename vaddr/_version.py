"""The package version, in one place: pyproject.toml reads it (setuptools dynamic version) and so does `vaddr`."""

__version__ = "0.1.0"
