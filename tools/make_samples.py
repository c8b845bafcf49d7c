#!/usr/bin/env python3
"""Generate the worked-example capture bundles under `sample_outputs/` (the generator is `ucnb.synth`).

    python tools/make_samples.py             # rewrite sample_outputs/
    python tools/make_samples.py --check     # exit 1 if the committed samples differ
    python tools/make_samples.py --out DIR   # write the tree somewhere else
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ucnb.synth.samples import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
