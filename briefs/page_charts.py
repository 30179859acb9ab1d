"""Every chart of a page at once: a ZIP of PNG (1920x1080) and SVG files with a README that
gives each chart's title, description, source line and data version."""
from __future__ import annotations

import io
import zipfile

from figures.style import EXPORT, Chart, slug
from i18n import t


def page_charts_zip(charts: list[Chart], lang: str = "en", page: str = "page", url: str = "") -> bytes:
    """PNG and SVG of ``charts`` (drawn with kaleido on one Chromium), plus README.md."""
    from briefs.images import image_server

    import kaleido

    names, seen = [], set()
    for i, chart in enumerate(charts):
        name = f"{i + 1:02d}-{slug(chart.name)}"[:70]
        while name in seen:
            name += "-b"
        seen.add(name)
        names.append(name)
    buffer = io.BytesIO()
    with image_server(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = [f"# {t('zip_readme_title', lang, page=page)}", "", url, ""]
        for name, chart in zip(names, charts):
            archive.writestr(f"{name}.png", kaleido.calc_fig_sync(chart.figure, opts={"format": "png", **EXPORT}))
            # SVG: vector for every chart; a map drawn with MapLibre (a canvas) is drawn again as
            # vector polygons from the areas' geometry (figures.static_maps) where it has one
            vector = chart.vector().figure if chart.vector else chart.figure
            archive.writestr(f"{name}.svg", kaleido.calc_fig_sync(vector, opts={"format": "svg", **EXPORT}))
            lines += [f"## {name}: {chart.title}", "", chart.subtitle, "", chart.alt, "",
                      f"{t('source_is', lang, publisher=chart.source)}", ""]
            if chart.kind == "map" and not chart.vector:
                lines += [t("zip_map_note", lang), ""]
        archive.writestr("README.md", "\n".join(lines))
        if url.startswith(("http://", "https://")):
            archive.writestr("view-url.txt", url + "\n")  # reopens the exact view (docs/downloads.md)
    return buffer.getvalue()
