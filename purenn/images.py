"""A drawn or photographed digit made into the input a model was trained on, as its data set did it.

- Bitmap: rows of ink amounts, top row first, each 0.0 (paper) .. 1.0 (ink).
- ImageInput, image_input: how a model's inputs form an image (side, pixel order, value range),
  read from the model or inferred from its input count; ModelError when they are not an image.
- prepare: a bitmap of any size -> the model's input vector, the way its data set was made.
- uci_counts, mnist_image, ex4_image: the three preparations prepare chooses from.
- uci_bitmap: the way back: a 32x32 bitmap with exactly the given 64 block counts (to draw them).
- ink_bounds, resample, fit_into_box: the steps they share: crop to the ink, scale by area.
- bitmap_from_png, png_input: the ink of a PNG picture (dark on light or light on dark), the
  input vector for the digit in a PNG file.
- image_rows: a model's input vector as rows of pixels, for showing it.

The three data sets and how their images were made:

- UCI digits (64 inputs, 8x8, values 0..16; data/README.md): NIST's normalised 32x32 bitmaps,
  each non-overlapping 4x4 block counted: value = number of "on" pixels of the 16. We crop the
  drawing to its ink, scale it by area so that its longer side is 32 (aspect ratio kept), centre it in
  the 32x32 frame (an odd margin's extra pixel goes left and above: the data set's digits sit half a
  pixel right of the middle, and the round trip through uci_bitmap agrees best so), call a pixel
  "on" where at least half of it is ink, and count the blocks.
- MNIST (784 inputs, 28x28, values 0..255, ink 255): "size normalized to fit in a 20x20 pixel box
  while preserving their aspect ratio [...] grey levels as a result of the anti-aliasing [...]
  centered in a 28x28 image by computing the center of mass of the pixels" (LeCun et al.). We scale
  the cropped ink by area into the 20x20 box (the grey levels are the ink's share of each pixel),
  then shift it by whole pixels so that its centre of mass lands on the frame's centre (13.5, 13.5).
- Andrew Ng's ex4 digits (400 inputs, 20x20, values 0..1, stored column by column as MATLAB does):
  MNIST digits shrunk from 28x28 to 20x20. We prepare them as MNIST at 20/28 of the size: a 14x14
  box, the centre of mass on (9.5, 9.5), ink 1.0. A model may say how its pixels are ordered (see
  image_input); without that a 400-input model is read column by column.

Area scaling: the source pixel (j, k) is the square [k, k+1) x [j, j+1); a target pixel of an image
scaled by s covers [x/s, (x+1)/s) x [y/s, (y+1)/s) of the source, and its value is the mean of the
source over that rectangle, each source pixel weighted by the area it shares with it.
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from .errors import DataError, ModelError
from .figures._png import PngImage, read_png_file

__all__ = [
    "Bitmap",
    "ImageInput",
    "bitmap_from_png",
    "ex4_image",
    "fit_into_box",
    "image_input",
    "image_rows",
    "ink_bounds",
    "mnist_image",
    "png_input",
    "prepare",
    "resample",
    "uci_bitmap",
    "uci_counts",
]

Bitmap = List[List[float]]
Bounds = Tuple[int, int, int, int]  # top, left, bottom, right: rows top..bottom-1, columns left..right-1

INK = 0.5  # a pixel is ink (for cropping, and "on" in a UCI bitmap) where at least half of it is ink
UCI_FRAME = 32
UCI_BLOCK = 4


class ImageInput(NamedTuple):
    """How a model's input vector is an image.

    kind: "uci-8x8", "mnist-28x28" or "ex4-20x20" (the preparation); side: pixels per row and
    column; order: "row" (row after row, as C and NumPy store them) or "column" (column after
    column, as MATLAB does); max_value: the value of full ink (paper is 0).
    """

    kind: str
    side: int
    order: str
    max_value: float

    def describe(self) -> str:
        """One line for people: what the model's inputs are."""
        by = "row by row" if self.order == "row" else "column by column"
        return f"{self.side}x{self.side} image ({self.kind}), values 0..{self.max_value:g}, {by}"


_KINDS: Dict[int, ImageInput] = {
    64: ImageInput("uci-8x8", 8, "row", 16.0),
    784: ImageInput("mnist-28x28", 28, "row", 255.0),
    400: ImageInput("ex4-20x20", 20, "column", 1.0),
}


def _stored_layout(training: Dict[str, Any]) -> Tuple[Optional[object], Optional[object]]:
    """(shape, order) as a model may record them: training.image = {shape, order}, or
    training.image_shape and training.image_order, or (as `train` records a MAT-file's order)
    training.data_options.image_order, "row-major" or "column-major"."""
    image = training.get("image")
    if isinstance(image, dict):
        return image.get("shape"), image.get("order")
    if image is not None:
        raise ModelError(
            f'training.image is {image!r:.40}; expected {{"shape": [side, side], "order": "row"}}'
        )
    options = training.get("data_options")
    recorded = options.get("image_order") if isinstance(options, dict) else None
    return training.get("image_shape"), training.get("image_order", recorded)


def image_input(
    n_inputs: int, training: Optional[Dict[str, Any]] = None, *, source: str = "model"
) -> ImageInput:
    """How the n_inputs of a model form an image, from its training record or its input count.

    64 inputs are UCI 8x8 digits, 784 MNIST 28x28, 400 ex4 20x20; their pixels row by row, but
    column by column for 400 inputs, unless the model records its order (see _stored_layout).
    Raises ModelError naming source for any other count, or when the
    recorded image, shape or order is not one it knows or does not fit.

    >>> image_input(64).describe()
    '8x8 image (uci-8x8), values 0..16, row by row'
    >>> image_input(400, {"image": {"shape": [20, 20], "order": "row"}}).order
    'row'
    >>> image_input(64, {"image_order": ["row"]})
    Traceback (most recent call last):
    ...
    purenn.errors.ModelError: model records the image order ['row']; expected "row" or "column"
    >>> image_input(10)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    purenn.errors.ModelError: model has 10 inputs: not an image purenn can prepare (64 = 8x8 UCI digits, ...)
    """
    found = _KINDS.get(n_inputs)
    if found is None:
        raise ModelError(
            f"{source} has {n_inputs} inputs: not an image purenn can prepare "
            "(64 = 8x8 UCI digits, 784 = 28x28 MNIST, 400 = 20x20 ex4)"
        )
    try:
        shape, order = _stored_layout(training or {})
    except ModelError as error:
        raise ModelError(f"{source}: {error}") from None
    if shape is not None and (not isinstance(shape, list) or shape != [found.side, found.side]):
        raise ModelError(f"{source} records the image shape {shape!r}; {found.kind} needs {[found.side] * 2}")
    if order is None:
        return found
    aliases = {"row": "row", "C": "row", "row-major": "row", "column": "column", "F": "column"}
    aliases["column-major"] = "column"
    if not isinstance(order, str) or order not in aliases:
        raise ModelError(f'{source} records the image order {order!r}; expected "row" or "column"')
    return found._replace(order=aliases[order])


# -- Cropping and scaling -------------------------------------------------------------------------


def ink_bounds(bitmap: Bitmap, threshold: float = INK) -> Optional[Bounds]:
    """(top, left, bottom, right) of the pixels >= threshold, bottom and right exclusive; None if none.

    >>> ink_bounds([[0, 0, 0], [0, 1, 1], [0, 0, 0]])
    (1, 1, 2, 3)
    >>> ink_bounds([[0.2]]) is None
    True
    """
    inked_rows = [y for y, row in enumerate(bitmap) if row and max(row) >= threshold]
    if not inked_rows:
        return None
    top, bottom = inked_rows[0], inked_rows[-1] + 1
    columns = [max(column) for column in zip(*bitmap[top:bottom])]
    inked_columns = [x for x, value in enumerate(columns) if value >= threshold]
    return top, inked_columns[0], bottom, inked_columns[-1] + 1


def _spans(source: int, target: int) -> List[Tuple[int, int, float, float]]:
    """For each target pixel of a line scaled from source to target pixels: the first and last
    source pixel under it and how much of each it covers (the ones between are covered whole).

    Target pixel i covers [i, i + 1) * source / target of the source line.

    >>> _spans(4, 2)
    [(0, 1, 1.0, 1.0), (2, 3, 1.0, 1.0)]
    >>> _spans(3, 2)
    [(0, 1, 1.0, 0.5), (1, 2, 0.5, 1.0)]
    >>> _spans(1, 2)
    [(0, 0, 0.5, 0.5), (0, 0, 0.5, 0.5)]
    """
    step = source / target
    spans = []
    for i in range(target):
        start, end = i * step, min((i + 1) * step, source)
        first, last = int(start), min(int(end - 1e-12), source - 1)
        if first == last:
            spans.append((first, last, end - start, end - start))
        else:
            spans.append((first, last, first + 1 - start, end - last))
    return spans


def _scale_line(
    line: Sequence[float], spans: List[Tuple[int, int, float, float]], step: float
) -> List[float]:
    """Each target pixel's mean of the source line under it (see _spans); step = source / target."""
    values = []
    for first, last, head, tail in spans:
        if first == last:
            values.append(line[first] * head / step)
        else:
            values.append((line[first] * head + sum(line[first + 1 : last]) + line[last] * tail) / step)
    return values


def resample(bitmap: Bitmap, width: int, height: int) -> Bitmap:
    """The bitmap scaled by area to width x height (see the module docstring): each target pixel
    the mean of the source under it, rows first, then columns, rounded to 12 decimals (so that
    shares like 1/20 summed 20 times give 1.0, not 0.9999999999999997).

    >>> resample([[1, 0, 0, 0], [1, 0, 0, 0]], 2, 1)
    [[0.5, 0.0]]
    >>> resample([[1.0]], 2, 2)
    [[1.0, 1.0], [1.0, 1.0]]
    """
    across, down = _spans(len(bitmap[0]), width), _spans(len(bitmap), height)
    narrow = [_scale_line(row, across, len(bitmap[0]) / width) for row in bitmap]
    columns = [_scale_line(column, down, len(bitmap) / height) for column in zip(*narrow)]
    return [[round(value, 12) for value in row] for row in zip(*columns)]


def fit_into_box(bitmap: Bitmap, box: int) -> Bitmap:
    """The bitmap cropped to its ink and scaled by area so that its longer side is box pixels, the
    aspect ratio kept (the shorter side rounded, at least 1). No ink: [] (an empty picture).

    >>> fit_into_box([[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]], 4)
    [[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]
    >>> [len(row) for row in fit_into_box([[1], [1], [1], [1]], 8)]
    [2, 2, 2, 2, 2, 2, 2, 2]
    """
    bounds = ink_bounds(bitmap)
    if bounds is None:
        return []
    top, left, bottom, right = bounds
    cropped = [row[left:right] for row in bitmap[top:bottom]]
    height, width = bottom - top, right - left
    scale = box / max(height, width)
    return resample(cropped, max(1, round(width * scale)), max(1, round(height * scale)))


def _blank(side: int) -> Bitmap:
    return [[0.0] * side for _ in range(side)]


def _paste(frame: Bitmap, picture: Bitmap, top: int, left: int) -> None:
    """Copy picture into frame in place with its top-left pixel at (top, left); what falls off is cut."""
    side = len(frame)
    for y, row in enumerate(picture):
        if 0 <= top + y < side:
            for x, value in enumerate(row):
                if 0 <= left + x < side:
                    frame[top + y][left + x] = value


# -- The three preparations -------------------------------------------------------------------------


def uci_counts(bitmap: Bitmap) -> List[float]:
    """The UCI digits' 64 values: ink fitted into 32x32 (centred), pixels >= 1/2 "on", 4x4 blocks
    counted, row by row. value(r, c) = #on pixels in rows 4r..4r+3, columns 4c..4c+3, 0..16.

    >>> counts = uci_counts([[1.0] * 3 for _ in range(3)])  # a square of ink fills the frame
    >>> counts == [16.0] * 64
    True
    >>> counts = uci_counts([[0, 1, 0]] * 3)  # a bar 1/3 as wide as tall: columns 11..21
    >>> counts[:8]
    [0.0, 0.0, 4.0, 16.0, 16.0, 8.0, 0.0, 0.0]
    """
    frame = _blank(UCI_FRAME)
    fitted = fit_into_box(bitmap, UCI_FRAME)
    if fitted:
        _paste(frame, fitted, (UCI_FRAME - len(fitted) + 1) // 2, (UCI_FRAME - len(fitted[0]) + 1) // 2)
    on = [[1 if value >= INK else 0 for value in row] for row in frame]
    blocks = UCI_FRAME // UCI_BLOCK
    return [
        float(
            sum(
                sum(on[y][UCI_BLOCK * c : UCI_BLOCK * (c + 1)])
                for y in range(UCI_BLOCK * r, UCI_BLOCK * (r + 1))
            )
        )
        for r in range(blocks)
        for c in range(blocks)
    ]


def uci_bitmap(counts: Sequence[float]) -> List[List[int]]:
    """A 32x32 bitmap whose 4x4 blocks hold exactly the given 64 counts (to draw a test digit).

    Where in its block the ink was is lost in a count; we put it where the ink is densest: the
    counts divided by 16 are the ink density at the block centres, interpolated bilinearly between
    them (held constant beyond the outer ones), and in each block the count's densest pixels are on.
    So the block counts of the bitmap are the counts (uci_counts of it gives them back whenever the
    ink reaches the frame's edges as the data set's digits do), and the strokes are smooth.

    >>> bitmap = uci_bitmap([16.0] * 8 + [0.0] * 48 + [4.0] * 8)
    >>> len(bitmap), len(bitmap[0]), sum(bitmap[0]), sum(bitmap[28]), sum(bitmap[30])
    (32, 32, 32, 0, 32)
    """
    blocks = UCI_FRAME // UCI_BLOCK
    density = [[counts[r * blocks + c] / 16.0 for c in range(blocks)] for r in range(blocks)]

    def around(position: int) -> Tuple[int, int, float]:
        """The block centres on either side of a pixel centre, and the weight of the second."""
        where = min(max((position + 0.5) / UCI_BLOCK - 0.5, 0.0), blocks - 1.0)
        first = min(int(where), blocks - 2)
        return first, first + 1, where - first

    def smooth(y: int, x: int) -> float:
        (r0, r1, wy), (c0, c1, wx) = around(y), around(x)
        top = density[r0][c0] * (1 - wx) + density[r0][c1] * wx
        bottom = density[r1][c0] * (1 - wx) + density[r1][c1] * wx
        return top * (1 - wy) + bottom * wy

    bitmap = [[0] * UCI_FRAME for _ in range(UCI_FRAME)]
    for r in range(blocks):
        for c in range(blocks):
            pixels = [(y, x) for y in range(4 * r, 4 * r + 4) for x in range(4 * c, 4 * c + 4)]
            pixels.sort(key=lambda place: -smooth(*place))
            for y, x in pixels[: int(counts[r * blocks + c])]:
                bitmap[y][x] = 1
    return bitmap


def _centre_of_mass(picture: Bitmap) -> Tuple[float, float]:
    """(row, column) of the ink's centre of mass, pixel centres at whole numbers + 1/2 - 1/2."""
    total = sum(sum(row) for row in picture)
    row_mass = sum(y * sum(row) for y, row in enumerate(picture))
    column_mass = sum(x * value for row in picture for x, value in enumerate(row))
    return row_mass / total, column_mass / total


def _centred_by_mass(bitmap: Bitmap, side: int, box: int, ink: float) -> List[float]:
    """The ink fitted into a box x box square, shifted by whole pixels so that its centre of mass
    falls on the centre of a side x side frame, values times ink, row by row."""
    frame = _blank(side)
    fitted = fit_into_box(bitmap, box)
    if fitted:
        row, column = _centre_of_mass(fitted)
        centre = (side - 1) / 2
        _paste(frame, fitted, round(centre - row), round(centre - column))
    return [min(value, 1.0) * ink for row in frame for value in row]


def mnist_image(bitmap: Bitmap) -> List[float]:
    """MNIST's 784 values: ink in a 20x20 box by area, centre of mass on the 28x28 centre, 0..255.

    >>> image = mnist_image([[1.0]])  # one dot fills the box: rows and columns 4..23
    >>> image[4 * 28 + 3 : 4 * 28 + 5], image[23 * 28 + 23 : 23 * 28 + 25]
    ([0.0, 255.0], [255.0, 0.0])
    """
    return _centred_by_mass(bitmap, 28, 20, 255.0)


def ex4_image(bitmap: Bitmap) -> List[float]:
    """The ex4 digits' 400 values, row by row: MNIST's preparation at 20/28 the size, ink 1.0.

    >>> image = ex4_image([[1.0]])  # a 14x14 square: rows and columns 3..16
    >>> image[3 * 20 + 2 : 3 * 20 + 4], sum(image)
    ([0.0, 1.0], 196.0)
    """
    return _centred_by_mass(bitmap, 20, 14, 1.0)


_PREPARATIONS = {"uci-8x8": uci_counts, "mnist-28x28": mnist_image, "ex4-20x20": ex4_image}


def _transpose(values: Sequence[float], side: int) -> List[float]:
    """Row-by-row values column by column (or back: the transpose is its own inverse)."""
    return [values[y * side + x] for x in range(side) for y in range(side)]


def prepare(bitmap: Bitmap, layout: ImageInput) -> List[float]:
    """The model's input vector for a drawn bitmap, prepared as its data set was (module docstring),
    in the model's pixel order. A bitmap without ink gives an empty image (all 0).

    >>> prepare([[0, 1], [1, 0]], image_input(64))[:8]
    [0.0, 0.0, 0.0, 0.0, 16.0, 16.0, 16.0, 16.0]
    """
    values = _PREPARATIONS[layout.kind](bitmap)
    return _transpose(values, layout.side) if layout.order == "column" else values


def image_rows(values: Sequence[float], layout: ImageInput) -> List[List[float]]:
    """A model's input vector as rows of pixels, top row first (undoing a column-by-column order).

    >>> image_rows([1, 2, 3, 4], ImageInput("ex4-20x20", 2, "column", 1.0))
    [[1, 3], [2, 4]]
    """
    side = layout.side
    row_major = _transpose(values, side) if layout.order == "column" else list(values)
    return [row_major[y * side : (y + 1) * side] for y in range(side)]


# -- PNG pictures ----------------------------------------------------------------------------------


def _grey_levels(image: PngImage) -> List[List[float]]:
    """Each pixel's lightness 0..1, alpha composited over white; colour by Rec. 601 luma."""
    channels = image.channels
    rows = []
    for data in image.rows:
        if channels == 1:
            rows.append([value / 255.0 for value in data])
            continue
        line = []
        for start in range(0, len(data), channels):
            pixel = data[start : start + channels]
            if channels >= 3:
                grey = (0.299 * pixel[0] + 0.587 * pixel[1] + 0.114 * pixel[2]) / 255.0
            else:
                grey = pixel[0] / 255.0
            alpha = pixel[-1] / 255.0 if channels in (2, 4) else 1.0
            line.append(alpha * grey + (1.0 - alpha))
        rows.append(line)
    return rows


def bitmap_from_png(image: PngImage, *, source: str = "<png>") -> Bitmap:
    """The ink of a picture, 0..1: dark ink on light paper, or light ink on dark paper (as MNIST's
    files are), whichever the border says the paper is (the mean lightness of the outermost pixels).
    A transparent pixel is paper. Raises DataError when the picture is all one shade.

    >>> from purenn.figures._png import read_png, png_bytes
    >>> bitmap_from_png(read_png(png_bytes([[255, 255, 255], [255, 0, 255], [255, 255, 255]])))[1]
    [0.0, 1.0, 0.0]
    >>> bitmap_from_png(read_png(png_bytes([[0, 0, 0], [0, 255, 0], [0, 0, 0]])))[1]
    [0.0, 1.0, 0.0]
    """
    grey = _grey_levels(image)
    if max(max(row) for row in grey) - min(min(row) for row in grey) < 0.1:
        raise DataError(f"{source}: the picture is all one shade: there is no digit to read")
    border = grey[0] + grey[-1] + [row[0] for row in grey] + [row[-1] for row in grey]
    if sum(border) / len(border) >= 0.5:
        return [[1.0 - value for value in row] for row in grey]
    return grey


def png_input(path: str, n_inputs: int, training: Optional[Dict[str, Any]] = None) -> List[float]:
    """The input vector of a model with n_inputs for the digit in a PNG file (`predict --image`).

    Raises DataError for a file that is not a readable PNG or shows no digit, ModelError when the
    model's inputs are not an image (see image_input).
    """
    layout = image_input(n_inputs, training)
    return prepare(bitmap_from_png(read_png_file(path), source=path), layout)
