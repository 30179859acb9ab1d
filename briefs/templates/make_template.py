"""Regenerate ``briefs/templates/deck.pptx``, the 16:9 slide template of the decks.

Built with python-pptx from its blank presentation: one master (Noto Sans, dark text) and six
layouts, each with a title placeholder, so that every slide of a deck has a real title
(PowerPoint's accessibility check, outline view, slide sorter and screen readers read it) and
a theme can restyle the whole deck:

``title``        title and subtitle (the first slide)
``key figures``  title and a body area (the big numbers are drawn inside it)
``chart``        title only (subtitle, chart or picture and source line are placed by the renderer)
``two charts``   title and two content areas
``table``        title and one content area
``sources``      title and a text body

Run ``python -m briefs.templates.make_template`` after changing it and commit the file.
"""
from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu, Inches

PATH = Path(__file__).resolve().parent / "deck.pptx"
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, exactly 16:9
FONT = "Noto Sans"
TEXT = RGBColor(0x1B, 0x26, 0x31)

# default layout index -> (new name, {placeholder idx: (left, top, width, height) in inches})
TITLE_BOX = (0.5, 0.25, 12.333, 0.95)
LAYOUTS = {
    0: ("title", {0: (0.8, 2.0, 11.733, 1.6), 1: (0.8, 3.7, 11.733, 1.2)}),
    2: ("key figures", {0: TITLE_BOX, 1: (0.5, 1.4, 12.333, 5.3)}),
    5: ("chart", {0: TITLE_BOX}),
    3: ("two charts", {0: TITLE_BOX, 1: (0.5, 1.4, 6.0, 5.3), 2: (6.833, 1.4, 6.0, 5.3)}),
    1: ("table", {0: TITLE_BOX, 1: (0.5, 1.4, 12.333, 5.3)}),
    7: ("sources", {0: TITLE_BOX, 1: (0.5, 1.4, 12.333, 5.3), 2: (0.5, 6.8, 12.333, 0.5)}),
}
ORDER = ["title", "key figures", "chart", "two charts", "table", "sources"]
FOOTERS = (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER)


def _place(shape, box) -> None:
    left, top, width, height = box
    shape.left, shape.top, shape.width, shape.height = Inches(left), Inches(top), Inches(width), Inches(height)


def build(path: Path = PATH) -> Path:
    """Write the template and return its path."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    master = deck.slide_master
    scale = WIDTH / Emu(9144000)
    for shape in master.placeholders:  # the master was drawn for 4:3: widen it
        shape.left, shape.width = int(shape.left * scale), int(shape.width * scale)
        if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE:
            _place(shape, TITLE_BOX)
    for shape in master.placeholders:
        for paragraph in shape.text_frame.paragraphs:
            paragraph.font.name = FONT
            paragraph.font.color.rgb = TEXT
    # the master's text styles: Noto Sans, the title bold and left, 28 pt
    title_style = master._element.find(".//{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle")
    lvl = title_style[0]
    lvl.set("algn", "l")
    rpr = lvl.find("{http://schemas.openxmlformats.org/drawingml/2006/main}defRPr")
    rpr.set("sz", "2800")
    rpr.set("b", "1")
    for latin in master._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}latin"):
        latin.set("typeface", FONT)

    layouts = deck.slide_layouts
    keep = {}
    for index, (name, boxes) in LAYOUTS.items():
        layout = layouts[index]
        layout.name = name
        for shape in list(layout.placeholders):
            if shape.placeholder_format.type in FOOTERS:
                shape._element.getparent().remove(shape._element)
            elif shape.placeholder_format.idx in boxes:
                _place(shape, boxes[shape.placeholder_format.idx])
        for element in layout._element.iter():  # titles as written (the Section Header layout shouts)
            element.attrib.pop("cap", None)
        keep[name] = layout
    # drop the other layouts, and order the kept ones
    for layout in [layout for layout in layouts if layout.name not in keep]:
        layouts.remove(layout)
    id_list = master._element.find("{http://schemas.openxmlformats.org/presentationml/2006/main}sldLayoutIdLst")
    by_name = {layout.name: entry for layout, entry in zip(list(layouts), list(id_list))}
    for name in ORDER:
        id_list.remove(by_name[name])
        id_list.append(by_name[name])
    deck.core_properties.title = "MC2CM brief"
    deck.core_properties.author = "MC2CM city migration dashboard"
    deck.save(path)
    return path


if __name__ == "__main__":
    print(build())
