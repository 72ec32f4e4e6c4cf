"""paradiplomacy-kg: a knowledge graph of paradiplomacy.

Library first: the CLI (`kg.cli`) only parses arguments and calls these modules.

- `kg.namespaces`  the IRIs of the ontology, the instances and the named graphs
- `kg.query.embedded`      one small interface over pyoxigraph (default), rdflib and remote SPARQL endpoints
- `kg.query.catalogue`     the catalogue of canned queries in `queries/`
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _dist_version

try:
    __version__ = _dist_version("paradiplomacy-kg")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
