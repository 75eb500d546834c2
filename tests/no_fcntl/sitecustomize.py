"""Put this folder on PYTHONPATH and ``import fcntl`` fails in every Python started, as on Windows.

CI's portability run uses it (and tests/test_store_portable.py), so a POSIX-only import on zonemap's
path shows up without a Windows machine.
"""

import sys

sys.modules["fcntl"] = None  # "import fcntl" now raises ImportError, as where the module does not exist
