"""The size limits that keep hostile input from exhausting time or memory.

Limits on the code, the tree, every produced value and the total work of one evaluation:
huge repetitions, deep nesting or ``9**9**9`` are refused instead of computed.
"""

MAX_CODE_CHARS = 10_000
MAX_NODES = 2_000
MAX_DEPTH = 100
MAX_SIZE = 1 << 20  # characters a produced value may take once turned into text
MAX_INT_BITS = 4_096
MAX_ITEMS = 100_000  # elements in one list, tuple or dict
WORK_BUDGET = 500_000  # container elements visited and text built (per 16 chars), per evaluation
