import argparse
from pathlib import Path

from shared.cli import Command, run_cli
from shared.http import ServiceSpec

from analytics.app import build_spec
from analytics.settings import AnalyticsSettings


async def _rebuild(spec: ServiceSpec, args: argparse.Namespace) -> None:
    from analytics.rebuild import rebuild

    assert isinstance(spec.settings, AnalyticsSettings)
    report = await rebuild(spec.settings, [Path(p) for p in args.from_export])
    print(
        f"analytics: rebuilt ({report.exported_events} exported event(s), stream offset"
        f" {report.stream_offset}, {report.views} view(s)) and swapped in"
    )


def _rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from-export",
        nargs="*",
        default=[],
        metavar="FILE",
        help="JSON lines from `python -m <service> export-events`, applied before the stream",
    )


async def _tail(spec: ServiceSpec, args: argparse.Namespace) -> None:
    from analytics.tail import tail

    await tail(spec.settings, args.start, args.type)


def _tail_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="start", default="last", help="first | last | <offset>")
    parser.add_argument("--type", action="append", default=[], help="only these event types")


COMMANDS = {
    "rebuild": Command(
        "build every table afresh from the first event and swap them in",
        _rebuild,
        _rebuild_arguments,
    ),
    "tail": Command("print the events of the analytics.events stream", _tail, _tail_arguments),
}

if __name__ == "__main__":
    raise SystemExit(run_cli(build_spec, default_port=8005, commands=COMMANDS))
