"""The systems family: root finders (hybr, Broyden, Newton, lm) and least squares (trf, lm,
losses). Private: reached through ``root``, ``least_squares`` and ``curve_fit``."""
