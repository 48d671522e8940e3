"""zhx: Chinese news extraction. `pipeline.load()` gives an Extractor; `zhx --help` the command line."""
__version__ = "0.1.0"


def load(config_path=None, **overrides):
    from .extractor import load as _load
    return _load(config_path, **overrides)
