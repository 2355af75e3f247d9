"""The math of a neural network, NumPy only, to read top to bottom next to the article.

activations (the sigmoid and friends), losses (how wrong a guess is), network (the
weighted sums, forward and backward), optimizers (hopping downhill by the slope),
gradcheck (the slope measured by nudging one weight), metrics (how often it is
right). Nothing here imports the rest of glassnet but its errors, so this folder
can be read, and copied, on its own.
"""
