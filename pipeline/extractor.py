"""The Extractor owns the loaded models and runs the configured stages over batches of articles.

    articles → Doc → normalize → segment → entities → … → Record

Each stage is a registered component (see registry.py); `[pipeline] components` in the config
says which run, in order.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib import metadata
from itertools import islice

from . import __version__
from .config import Config, load_config
from .doc import Article, Doc, IngestError
from .records import PipelineInfo, Record
from .registry import create

# importing a stage module registers its component
from . import normalize as _normalize  # noqa: F401,E402
from . import segment as _segment  # noqa: F401,E402
from . import entities as _entities  # noqa: F401,E402
from . import money as _money  # noqa: F401,E402
from . import stance as _stance  # noqa: F401,E402


class Extractor:
    def __init__(self, config: Config | None = None):
        self.config = config or load_config()
        names = self.config["pipeline"]["components"]
        self.components = [(name, create(name, self.config)) for name in names]
        models = {"segment": f"jieba@{metadata.version('jieba')}", "opencc": f"opencc@{metadata.version('opencc')}"}
        for name, comp in self.components:
            if hasattr(comp, "version"):
                models[name] = comp.version
        self.info = PipelineInfo(version=__version__, models=models)

    def run(self, docs: list[Doc]) -> list[Doc]:
        for _, comp in self.components:
            comp(docs)
        return docs

    def process(self, article: Article) -> Record:
        return Record.from_doc(self.run([Doc.from_article(article)])[0], self.info)

    def __call__(self, text: str, title: str | None = None, id: str = "text") -> Record:
        return self.process(Article(id=id, source="<string>", text=text, title=title))

    def pipe(self, articles: Iterable[Article], batch_size: int | None = None) -> Iterator[Record | IngestError]:
        """Records in input order; an article whose extraction fails becomes an IngestError."""
        size = batch_size or self.config["pipeline"].get("batch_size", 32)
        it = iter(articles)
        while batch := list(islice(it, size)):
            yield from self.process_batch(batch)

    def process_batch(self, batch: list[Article]) -> list[Record | IngestError]:
        try:
            return [Record.from_doc(d, self.info) for d in self.run([Doc.from_article(a) for a in batch])]
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the run
            if len(batch) > 1:
                return [r for a in batch for r in self.process_batch([a])]  # isolate the culprit
            a = batch[0]
            return [IngestError(a.source, f"extraction failed: {type(exc).__name__}: {exc}", a.line, a.id)]


def load(config_path: str | None = None, **overrides) -> Extractor:
    """The pipeline with the default config, or with a TOML file merged over it."""
    return Extractor(load_config(config_path, overrides or None))
