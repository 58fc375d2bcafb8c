class ApplicationError(Exception):
    """A domain rule refused an action. Its message is shown to the person who asked, so it is
    written for them and translated; views turn it into a form error, never a 500."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
