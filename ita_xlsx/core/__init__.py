"""The bottom layer: records, errors and the findings catalogue shared by every other module.

Standard library only and importing nothing else of the package, so any module (the reader,
the validators, the writers, the CLI) may depend on it without a cycle.
"""
