"""Put this folder on PYTHONPATH and every Python started meets zonemap on a Chinese Windows's terms.

- ``import fcntl`` fails, as where the module does not exist, so a POSIX-only import on zonemap's path
  shows up without a Windows machine (tests/test_store_portable.py, and CI's second run).
- With ``PYTHONWARNDEFAULTENCODING=1`` / ``-X warn_default_encoding`` and EncodingWarning as an error,
  only zonemap's and its tests' own text opens count: libraries that open their own data files
  without an encoding (xyzservices, branca) are let pass, as that is not ours to fix.
"""

import sys
import warnings

sys.modules["fcntl"] = None  # "import fcntl" now raises ImportError
# Filters added here take precedence over -W / PYTHONWARNINGS; the module regex matches from the start.
warnings.filterwarnings("ignore", category=EncodingWarning, module=r"(?!zonemap|conftest|test_|intake_helpers|__main__)")
