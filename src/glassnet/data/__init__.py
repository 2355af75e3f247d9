"""Where the images come from: ``Dataset``, its stratified split, and every source.

The digits that ship with glassnet (``digits.npz`` beside this file), optdigits
files, MNIST IDX files, CSV tables and folders of pictures, the ``--data`` spec that
names them, and the preparation of a drawn digit the UCI way (preprocess).
"""
