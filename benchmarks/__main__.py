"""``python -m benchmarks`` = ``chartbrief bench``."""

import sys

from benchmarks.run import main

sys.exit(main())
