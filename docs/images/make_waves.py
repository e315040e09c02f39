#!/usr/bin/python3
"""Draws docs/images/waves.png, the style picture of the README's texture and style examples: coloured, wavy brush
strokes made from a few sines (so the repository ships a style picture of its own, with no licence to track).

    /usr/bin/python3 docs/images/make_waves.py
"""
from pathlib import Path

import numpy as np
from PIL import Image

h = w = 160
y, x = np.mgrid[0:h, 0:w] / 160.0
phase = 6 * np.sin(2 * np.pi * (1.5 * x + 0.7 * np.sin(2 * np.pi * 2 * y))) + 4 * np.sin(2 * np.pi * 3 * (x + y))
stroke = 0.5 + 0.5 * np.sin(phase + 12 * y)
fine = 0.5 + 0.5 * np.sin(2 * np.pi * 40 * (x * 0.8 + y * 0.6) + 3 * np.sin(2 * np.pi * 5 * y))
deep = np.array([20, 40, 110]) / 255.0
gold = np.array([235, 190, 60]) / 255.0
sky = np.array([90, 150, 210]) / 255.0
rgb = (stroke[..., None] * gold + (1 - stroke[..., None]) * deep) * (0.75 + 0.25 * fine[..., None])
rgb = 0.8 * rgb + 0.2 * sky * (1 - stroke[..., None])
Image.fromarray((np.clip(rgb, 0, 1) * 255).round().astype(np.uint8)).save(Path(__file__).with_name("waves.png"), optimize=True)
