"""The one error a reader raises: the file and what is wrong with it, in one line."""


class OcrFormatError(ValueError):
    """A file that claims an OCR format but cannot be read as one."""

    def __init__(self, source: str, problem: str):
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem
