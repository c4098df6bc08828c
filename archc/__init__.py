"""archc: a declarative architecture-model compiler with diagram round-tripping."""

__version__ = "0.1.0"
