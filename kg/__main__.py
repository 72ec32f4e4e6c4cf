"""`python -m kg`: the same as the `kg` console script."""
import sys

from kg.cli import main

sys.exit(main())
