from typing import Literal

ImageSource = Literal["image.edit", "image.generation", "image.variation"]

IMAGE_SOURCE_VALUES: set[ImageSource] = {
    "image.edit",
    "image.generation",
    "image.variation",
}


def check_image_source(value: str) -> ImageSource:
    if value in IMAGE_SOURCE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {IMAGE_SOURCE_VALUES!r}")
