"""What ``confdrift show`` and ``confdrift explain`` print: a build's values and their history.

Apart from ``report/``, which renders findings only.
"""
