"""course_lib: the small, tested library behind the Product Image GANs lessons."""

__version__ = "0.1.0"
