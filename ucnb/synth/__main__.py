"""`python -m ucnb.synth [--check] [--out DIR]`: regenerate or check `sample_outputs/`."""

import sys

from .samples import main

sys.exit(main())
