"""``python -m mc2cm brief``: a city or comparison brief from the command line."""
from __future__ import annotations

import argparse
import sys
import time


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--city", help="city id: a city brief (e.g. tangier)")
    p.add_argument("--cities", help="comma-separated city ids: a comparison brief (e.g. madrid,vienna)")
    p.add_argument("--indicator", default=None, help="indicator id of a comparison brief (default: each city's best "
                                                     "migrant share, headline_share)")
    p.add_argument("--lang", choices=["en", "fr", "ar"], default="en")
    p.add_argument("--format", choices=["pdf", "html", "pptx"], default="pdf")
    p.add_argument("-o", "--output", default=None, help="file to write (default: mc2cm-brief-<city>-<lang>.<format>)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_brief)


def cmd_brief(args) -> int:
    """A city or comparison brief; a missing program or package: a message and exit code 2."""
    try:
        import briefs
    except ImportError as error:  # a package the briefs need at import time
        print(f"error: cannot make a brief: the Python package {error.name} is missing. "
              "Install it with: .venv/bin/pip install -r requirements.txt", file=sys.stderr)
        return 2
    from analytics.db import connect

    if bool(args.city) == bool(args.cities):
        print("error: give either --city ID (a city brief) or --cities ID,ID,... (a comparison brief)", file=sys.stderr)
        return 2
    kind = "city" if args.city else "comparison"
    city_ids = [c.strip() for c in (args.cities or "").split(",") if c.strip()]
    output = args.output or briefs.file_name(kind, args.format, args.lang, args.city, city_ids)
    start = time.perf_counter()
    try:
        con = connect()
        data = briefs.make(con, kind, city_id=args.city, city_ids=city_ids, indicator=args.indicator, fmt=args.format,
                           lang=args.lang, progress=None if args.quiet else
                           (lambda text, fraction: print(f"  {fraction:4.0%} {text}", file=sys.stderr)))
    except briefs.MissingDependency as error:
        print(f"error: cannot make a {args.format} brief: {error}", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with open(output, "wb") as handle:
        handle.write(data)
    print(f"wrote {output} ({len(data):,} bytes, {time.perf_counter() - start:.1f} s)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mc2cm brief", description="a city or comparison brief as PDF, HTML or PPTX")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return cmd_brief(args)
