"""A shop's own photos: one photo or a folder of them into the catalog's convention (``reader``, what the
fine-tuning lesson reads), and a whole catalog folder as a cached training set (``folders``)."""

from .folders import FolderData, load_image_folder, make_example_folder
from .reader import PhotoSet, catalog_image, load_photo_folder, read_photo, square_photo

__all__ = ["FolderData", "PhotoSet", "catalog_image", "load_image_folder", "load_photo_folder", "make_example_folder",
           "read_photo", "square_photo"]
