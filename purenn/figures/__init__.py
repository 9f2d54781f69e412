"""Pictures of digits, weights and training, drawn with the standard library alone.

The map: one module per kind of figure, and under them the two file formats.
- digits.py: digit_grid_png, digit_grid_svg: digits in a grid, each with its label (and the
  prediction); digit_text, digit_grid_text: digits in Unicode shade blocks, for a terminal.
- weights.py: weights_png, weights_svg: a layer's input weights, one small image per unit,
  blue < 0 < red.
- confusion.py: confusion_svg: a confusion matrix as a heatmap with the counts written in;
  confusion_text: the same as an aligned table.
- curves.py: learning_curves_svg: loss and accuracy per epoch, in two panels.
- _layout.py: what several figures share: argument checks, tints, the geometry of a grid.
- _png.py: png_bytes, write_png: PNG through zlib and struct; the canvas and 3x5 pixel font
  the PNG figures paint with; read_png, read_png_file: the PNG reader (images.py reads a drawn
  digit with it).
- _svg.py: write_svg; SVG elements as escaped text, the document around them, line charts.

The figure functions return the file's content (bytes for PNG, str for SVG) and touch no file:
    write_png("digits.png", digit_grid_png(images, labels))
write_png and write_svg write through purenn.files.write_atomically, as model files are written.
Images are flat lists of side * side pixel values, row by row, 0 = background, max_value = ink;
ink is drawn dark on white. A layer is a list of units, each its side * side input weights then
its bias weight last.
"""

from ._png import png_bytes, write_png
from ._svg import write_svg
from .confusion import confusion_svg, confusion_text
from .curves import learning_curves_svg
from .digits import digit_grid_png, digit_grid_svg, digit_grid_text, digit_text
from .weights import weights_png, weights_svg

__all__ = [
    "confusion_svg",
    "confusion_text",
    "digit_grid_png",
    "digit_grid_svg",
    "digit_grid_text",
    "digit_text",
    "learning_curves_svg",
    "png_bytes",
    "weights_png",
    "weights_svg",
    "write_png",
    "write_svg",
]
