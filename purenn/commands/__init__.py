"""The command handlers of `purenn` (cli.py parses the command line and calls them).

- train.py:     `purenn train`: the flags made a recipe, workflow.py trains it; the lines it prints.
- evaluate.py:  `purenn evaluate`: accuracy, confusion matrix and report of a model on data.
- predict.py:   `purenn predict`: one image drawn with its probabilities, or every row of a file.
- show.py:      `purenn show`: a grid of digits, in the terminal or as a PNG/SVG file.
- gradcheck.py: `purenn gradcheck`: backpropagation against central differences.
- common.py:    what they share: data read as the flags say, images drawn upright, --plots.
- printing.py:  the progress bar, clock times, percentages, JSON on standard output.
- arguments.py: the argument types, each saying in one line what is wrong with a value.

serve, explain and export keep their handlers beside their library code (serve.py, explain.py,
onnx.py). Each handler takes the parsed arguments and returns the exit status; errors are
PurennError, which cli.main turns into one line on standard error.
"""
