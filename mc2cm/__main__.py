"""Command line: ``python -m mc2cm <command>``.

``brief ...`` makes a city or comparison brief (``briefs.cli``); every other command is the data
package's (``python -m analytics``: data, build, ingest, export, summary, publish). The data
package never imports the document layer; this module joins them.
"""
from __future__ import annotations

import sys


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "brief":
        from briefs.cli import main as brief_main

        return brief_main(argv[1:])
    from analytics.__main__ import main as analytics_main

    if not argv or argv[0] in ("-h", "--help"):
        print("python -m mc2cm brief --city ID | --cities ID,ID [--indicator ID] [--lang en|fr|ar] [--format pdf|html|pptx]")
    return analytics_main(argv)


if __name__ == "__main__":
    sys.exit(main())
