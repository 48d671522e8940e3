"""The command line: `zhx extract`, `zhx eval`, `zhx schema`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__

err = Console(stderr=True)
out = Console()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zhx")
def main() -> None:
    """Chinese news extraction: entities, money and stances into JSONL and databases."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "outputs", multiple=True, required=True,
              help="Output: FILE.jsonl, FILE.sqlite/.db or a database URL; repeat for several.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1), help="Worker processes.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="TOML file merged over configs/default.toml.")
@click.option("--batch-size", type=click.IntRange(1), help="Articles per batch (default from the config).")
@click.option("--ner", "backend", help="Entity tagger: lac, charner, hf:PATH or lac+charner (default from the config).")
@click.option("--resume", is_flag=True, help="Skip articles the output already holds with the same sha256.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local processes, or Ray Data (a local Ray instance, or RAY_ADDRESS / --ray-address).")
@click.option("--ray-address", help="An existing Ray cluster, e.g. ray://head:10001 (default: RAY_ADDRESS or local).")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
def extract(inputs, outputs, workers, config_path, batch_size, backend, resume, engine, ray_address, quiet):
    """Extract records from INPUTS (files, directories, or - for jsonl on stdin)."""
    from .engine import run
    from .sinks import open_sinks

    config = _config(config_path, backend, {"pipeline": {"batch_size": batch_size}} if batch_size else {})
    try:
        sink = open_sinks(list(outputs), resume=resume,
                          parquet_rows_per_file=config.get("output", {}).get("parquet_rows_per_file", 1000))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    summary = run(list(inputs), sink, config, workers=workers, progress=not quiet, resume=resume, engine=engine,
                  ray_address=ray_address)
    if not quiet:
        _print_summary(summary, outputs)
    sys.exit(1 if summary.failed else 0)


def _config(config_path, backend, overrides: dict) -> dict:
    from .config import load_config

    if backend:
        overrides = {**overrides, "entities": {"backend": backend}}
    return load_config(config_path, overrides or None)


def _print_summary(summary, outputs) -> None:
    table = Table(title="zhx extract", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    for name, value in (("read", summary.read), ("skipped (already stored)", summary.skipped),
                        ("written", summary.written), ("failed", summary.failed),
                        ("entities found", summary.entities), ("characters", f"{summary.chars:,}"),
                        ("seconds", f"{summary.seconds:.1f} ({summary.startup_seconds:.1f} loading models)"),
                        ("chars/s", f"{summary.chars_per_second:,.0f}"),
                        ("output", ", ".join(outputs))):
        table.add_row(name, str(value))
    err.print(table)
    for e in summary.errors[:20]:
        where = f"{e.source}:{e.line}" if e.line else e.source
        err.print(f"[red]error[/red] {where}: {e.reason}", markup=True, highlight=False)
    if len(summary.errors) > 20:
        err.print(f"… and {len(summary.errors) - 20} more errors")


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of tables.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--ner", "backend", help="Entity tagger: lac, charner, hf:PATH or lac+charner (default from the config).")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Also write an HTML report here.")
def eval_(gold, as_json, config_path, backend, html_out):
    """Run the pipeline on GOLD's texts and score it (SPEC §5)."""
    from .evaluate import document_diffs, run_gold, score
    from .extractor import Extractor

    extractor = Extractor(_config(config_path, backend, {}))
    gold_docs, results = run_gold(gold, extractor)
    report = score(gold_docs, results, gold, extractor.info.model_dump())
    if html_out:
        from .report import evaluation_report

        Path(html_out).write_text(evaluation_report(report, document_diffs(gold_docs, results)), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)


def _prf_table(title: str, rows: dict, first: str = "label", percent: bool = False) -> Table:
    table = Table(title=title, title_justify="left")
    for col in (first, "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(col, justify="left" if col == first else "right")
    fmt = "{:.2f}" if percent else "{:.3f}"
    for name, s in rows.items():
        table.add_row(name, *(fmt.format(s[k]) for k in ("p", "r", "f1")), str(s["tp"]), str(s["fp"]), str(s["fn"]))
    return table


def _print_report(report: dict) -> None:
    from .evaluate import POLARITIES

    out.print(f"[bold]{report['gold']}[/bold]: {report['documents']} documents, "
              f"pipeline {report['pipeline']['version']} {report['pipeline']['models']}")
    ents, money, st = report["entities"], report["money"], report["stances"]
    if ents:
        out.print(_prf_table("Entities, document level, strict", ents["strict"]))
        out.print(_prf_table("Entities, document level, lenient", ents["lenient"]))
        if ents["mention"]:
            out.print(_prf_table("Entities, mention level (exact offsets)", ents["mention"]))
    if money:
        out.print(_prf_table("Money and percentages", {"all": money, **money["by_kind"]}, "kind"))
        out.print(f"qualifier accuracy {money['qualifier_accuracy']}, currency accuracy {money['currency_accuracy']}"
                  " (over matched figures)")
    if st:
        out.print(_prf_table("Stances", {"(holder, polarity)": st["pair"], "holder only": st["holder"],
                                         "holder only, exact": st["holder_exact"]}, "match"))
        conf = Table(title="Polarity over matched holders (rows: gold, columns: predicted)", title_justify="left")
        conf.add_column("gold")
        for p in POLARITIES:
            conf.add_column(p, justify="right")
        for g in POLARITIES:
            conf.add_row(g, *(str(st["confusion"][g].get(p, 0)) for p in POLARITIES))
        out.print(conf)
        out.print(f"target overlap {st['target']['overlap_f1']} (character F1 with the gold target, over "
                  f"{st['target']['matched']} stances matched by holder and evidence)")
    missing = [name for name, part in (("entities", ents), ("money", money), ("stances", st)) if not part]
    if missing:
        out.print(f"not annotated in this gold file: {', '.join(missing)}")


@main.command()
@click.argument("records", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", default="report.html", show_default=True, type=click.Path(dir_okay=False))
def report(records, out_path):
    """Write a self-contained HTML report of RECORDS (a .jsonl or .sqlite output of `zhx extract`)."""
    from .report import write_records_report

    write_records_report(records, out_path)
    err.print(f"report: {out_path}")


@main.command()
@click.option("--backend", help="lac, charner or hf:PATH (default: the config's entity backend).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--corpus", default="build/corpus/msra", show_default=True, help="Where `make corpus` wrote MSRA.")
def msra(backend, as_json, config_path, corpus):
    """Mention-level P/R/F1 of the entity tagger alone on the standard MSRA test set."""
    from .config import project_path
    from .entities import load_tagger
    from .evaluate import evaluate_msra

    config = _config(config_path, backend, {})
    tagger = load_tagger(config["entities"], project_path(config["segment"]["lexicon"]))
    try:
        report = evaluate_msra(tagger, project_path(corpus))
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    out.print(_prf_table(f"MSRA test ({report['sentences']} sentences), {report['backend']}, mention level, %",
                         report["scores"], percent=True))


@main.group()
def train():
    """Train our own models (needs the `train` extra: pip install -e '.[train]')."""


@train.command(name="ner")
@click.option("--config", "config_path", default="configs/ner.toml", show_default=True,
              type=click.Path(exists=True, dir_okay=False))
@click.option("--resume", is_flag=True, help="Continue from the last checkpoint.")
@click.option("--epochs", type=click.IntRange(1), help="Override [train] epochs.")
@click.option("--export-only", is_flag=True, help="Export the best checkpoint again (and re-measure), no training.")
def train_ner(config_path, resume, epochs, export_only):
    """Train the character-level NER model on MSRA and export it to ONNX with its model card."""
    from .train.ner import train as run_training

    run_training(config_path, resume=resume, epochs=epochs, export_only=export_only)


@train.command(name="stance")
def train_stance():
    """Train the stance holder, target and polarity models; ship the polarity mode that wins held-out."""
    from .train.stance import train as run_training

    report = run_training()
    for part in ("held_out", "dev"):
        for mode, s in report[part].items():
            click.echo(f"{part:9} {mode:10} polarity from gold evidence: accuracy {s['accuracy']:.3f}  "
                       f"macro F1 {s['macro_f1']:.3f}   end to end (holder, polarity) F1 "
                       f"{report[part + '_end_to_end'][mode]:.3f}")
    held = report["holders"]["held_out"]
    exact, chosen = report["holders"]["held_out_exact"], str(report["holders"]["threshold"])
    click.echo(f"holders   held-out F1: rules alone {held['None']['f1']:.3f}, rules + model "
               f"{held[chosen]['f1']:.3f} (threshold {chosen}); exact match: {exact['None']['f1']:.3f}, "
               f"{exact[chosen]['f1']:.3f}")
    targets = report["targets"]
    click.echo(f"targets   overlap with the gold, from gold evidence: held-out rules "
               f"{targets['held_out']['rules']:.3f}, model {targets['held_out']['model']:.3f}; "
               f"dev rules {targets['dev']['rules']:.3f}, model {targets['dev']['model']:.3f}")
    click.echo(f"shipped: {report['shipped']} (models/stance-polarity), models/stance-holders, models/stance-targets")


@main.command()
def schema():
    """Print the record's JSON Schema."""
    from .records import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
