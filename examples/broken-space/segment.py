"""Runs the segmentation model on one case and writes the masks to a folder."""

import sys
from pathlib import Path

from transformers import pipeline


def main(case_id: str, out_dir: str) -> None:
    segmenter = pipeline("image-segmentation", model="facebook/detr-resnet-50-panoptic")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for i, mask in enumerate(segmenter(f"cases/{case_id}.png")):
        mask["mask"].save(out / f"mask-{i}.png")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
