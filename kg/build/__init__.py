"""The build: the source tree (ontology/, shapes/, data/, queries/) → one dataset in `dist/`.

The modules, in the order the stages run:

- `sources`    parse the Turtle of the source tree (file:line:column on errors)
- `shacl`      validate the data against the shapes: each constraint once over the graph on pyoxigraph
               (`shacl_core` compiles the core components), pySHACL for a shape outside them
- `reason`     OWL 2 RL closure (owlrl) and the `construct-*.rq` queries
- `canonical`  the three graphs with blank nodes relabelled by RDFC-1.0, in sorted N-Quads order
- `checks`     the `*-violation.rq` queries, which must return nothing (`checkrun`: in a process
               of its own beside the export, for a large dataset)
- `export`     every format written from the canonical quads, VoID/DCAT (`jsonld`: the JSON-LD
               context and dump; `framed` + `framer`: the framed views; `longturtle`: ontology.ttl)
- `pipeline`   the stages wired together: `build()`, `check()`, the atomic swap of `dist/`
"""
from kg.build.pipeline import BuildReport, Progress, build, check, stamp_version
from kg.errors import BuildFailed

__all__ = ["build", "check", "BuildReport", "BuildFailed", "Progress", "stamp_version"]
